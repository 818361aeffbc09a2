import { createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';

/** Why a webhook said to come from Partner Center is not believed. */
export type SignatureProblem =
  | 'signature_missing'
  | 'signature_algorithm_unsupported'
  | 'certificate_url_not_trusted'
  | 'certificate_unavailable'
  | 'signature_invalid';

export interface SignatureHeaders {
  authorization?: string | undefined;
  certificateUrl?: string | undefined;
  algorithm?: string | undefined;
}

const certificateLimitBytes = 64 * 1024;
const keepCertificateMs = 60 * 60 * 1000;

/**
 * Checks Partner Center's signature on a webhook: `Authorization: Signature <base64>` is an
 * RSA-SHA256 signature of the body's exact bytes, by the key of the certificate at
 * `X-MS-Certificate-Url`. The certificate is fetched only from addresses this service trusts
 * (a sender chooses the header: anything else would let it sign with its own key, or make
 * this service fetch whatever it names), and kept for an hour.
 */
export class WebhookVerifier {
  readonly #trusted: readonly string[];
  readonly #fetch: typeof fetch;
  readonly #keys = new Map<string, { key: Promise<KeyObject>; until: number }>();

  constructor(options: { trustedCertificateUrls: readonly string[]; fetch?: typeof fetch }) {
    this.#trusted = options.trustedCertificateUrls;
    this.#fetch = options.fetch ?? fetch;
  }

  async verify(body: Buffer, headers: SignatureHeaders): Promise<SignatureProblem | undefined> {
    const match = /^Signature\s+([A-Za-z0-9+/=_-]{16,2048})$/.exec(
      headers.authorization?.trim() ?? '',
    );
    if (!match?.[1]) return 'signature_missing';
    if ((headers.algorithm ?? '').toLowerCase() !== 'rsa-sha256') {
      return 'signature_algorithm_unsupported';
    }
    const url = headers.certificateUrl ?? '';
    if (!this.#trusts(url)) return 'certificate_url_not_trusted';
    let key: KeyObject;
    try {
      key = await this.#key(url);
    } catch {
      return 'certificate_unavailable';
    }
    return verify('sha256', body, key, Buffer.from(match[1], 'base64'))
      ? undefined
      : 'signature_invalid';
  }

  #trusts(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    // Compared after parsing, so that `https://trusted@evil/` or a dot-dot path cannot pass.
    const normal = parsed.href;
    return this.#trusted.some((prefix) => normal.startsWith(new URL(prefix).href));
  }

  #key(url: string): Promise<KeyObject> {
    const now = performance.now();
    const kept = this.#keys.get(url);
    if (kept && kept.until > now) return kept.key;
    const key = this.#download(url);
    this.#keys.set(url, { key, until: now + keepCertificateMs });
    // A failed download is not kept: the next webhook tries again.
    key.catch(() => this.#keys.delete(url));
    return key;
  }

  async #download(url: string): Promise<KeyObject> {
    const response = await this.#fetch(url, {
      signal: AbortSignal.timeout(5000),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`certificate answered ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > certificateLimitBytes) throw new Error('certificate too large');
    // Partner Center serves a certificate (PEM or DER); a bare PEM public key is taken too.
    const text = bytes.toString('latin1');
    if (text.includes('-----BEGIN PUBLIC KEY-----')) return createPublicKey(text);
    return new X509Certificate(bytes).publicKey;
  }
}
