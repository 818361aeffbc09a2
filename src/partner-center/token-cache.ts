import { createHash } from 'node:crypto';
import type { PartnerCenterCredentials } from './partner-center.ts';

export interface AccessToken {
  value: string;
  /** When it stops being used, in ms since the epoch: shortly before it really expires. */
  renewAt: number;
}

/** Tokens are renewed this long before they expire, so none expires on its way to a server. */
const renewBeforeMs = 5 * 60 * 1000;

/** When a token that lives `expiresInSeconds` from `nowMs` should be replaced. */
export function renewalTime(nowMs: number, expiresInSeconds: number): number {
  const lifetimeMs = expiresInSeconds * 1000;
  // A short-lived token (a test's, a misconfigured tenant's) is still used for half its life.
  return nowMs + lifetimeMs - Math.min(renewBeforeMs, lifetimeMs / 2);
}

/**
 * The key of a token: a digest of the credentials and the scope, so that no secret sits in
 * the map's keys, and changed credentials (a rotated secret) never get the old token.
 */
export function tokenKey(credentials: PartnerCenterCredentials, scope: string): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        credentials.tenantId,
        credentials.clientId,
        credentials.clientSecret,
        credentials.refreshToken,
        scope,
      ]),
    )
    .digest('base64url');
}

/**
 * Access tokens per credentials and scope, until shortly before they expire. Callers that
 * need the same token at once share one request for it: a burst of calls costs the token
 * endpoint one exchange, not one each.
 */
export class TokenCache {
  readonly #tokens = new Map<string, AccessToken>();
  readonly #pending = new Map<string, Promise<AccessToken>>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  async get(key: string, fetchToken: () => Promise<AccessToken>): Promise<string> {
    const cached = this.#tokens.get(key);
    if (cached && cached.renewAt > this.#now()) return cached.value;
    let pending = this.#pending.get(key);
    if (!pending) {
      // Stored before the request stops being pending, so no caller in between fetches again.
      pending = fetchToken()
        .then((token) => {
          this.#tokens.set(key, token);
          return token;
        })
        .finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return (await pending).value;
  }

  /**
   * Drops a token the server refused. Only that token: a caller late with its refusal must
   * not throw away the fresh token another caller fetched meanwhile.
   */
  forget(key: string, value: string): void {
    if (this.#tokens.get(key)?.value === value) this.#tokens.delete(key);
  }
}
