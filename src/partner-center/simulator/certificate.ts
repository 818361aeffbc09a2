import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * The key pair webhooks are signed with, and a self-signed X.509 certificate for its public
 * half, as Partner Center publishes its signing certificate at `X-MS-Certificate-Url`. Node can
 * read certificates (`X509Certificate`) but not make them, and a certificate is a few DER
 * structures, so they are written here rather than taken from a library.
 */
export interface SigningIdentity {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER, as served at the certificate URL (`.cer`). */
  certificate: Buffer;
}

export const certificateSubject = {
  commonName: 'pcnotifications-dispatch.simulator.invalid',
  organization: 'Partner Center Simulator',
};

export function createSigningIdentity(now: Date): SigningIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = seq(
    set(seq(oid('2.5.4.3'), utf8(certificateSubject.commonName))),
    set(seq(oid('2.5.4.10'), utf8(certificateSubject.organization))),
  );
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([0x02]))), // version 3
    integer(serial),
    sha256WithRsa,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = seq(
    tbs,
    sha256WithRsa,
    tlv(0x03, Buffer.concat([Buffer.from([0]), signature])),
  );
  return { privateKey, publicKey, certificate };
}

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));

function integer(value: Buffer): Buffer {
  // A leading 0 keeps a value whose top bit is set from reading as negative.
  return tlv(0x02, (value[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      chunk.unshift((n % 128) | (chunk.length > 0 ? 0x80 : 0));
      if (n < 128) break;
    }
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 asks. */
function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return at.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}
