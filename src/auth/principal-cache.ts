import type { Principal } from './principal.ts';

/**
 * Principals resolved from token hashes, kept briefly so that an event costs no lookup of
 * its caller. A principal never changes once created, so a hit is never wrong; the time
 * limit bounds how long a row removed from the database by hand keeps working. Misses are
 * not kept: a token created a moment ago in another process must work at once.
 */
export class PrincipalCache {
  readonly #entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(tokenHash: string): Principal | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.#entries.delete(tokenHash);
      return undefined;
    }
    return entry.principal;
  }

  set(tokenHash: string, principal: Principal): void {
    // Maps iterate in insertion order: the first key is the oldest entry.
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(tokenHash)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(tokenHash, { principal, until: this.now() + this.ttlMs });
  }
}
