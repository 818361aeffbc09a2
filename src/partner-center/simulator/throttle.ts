import type { RateLimit, SimulatorClock } from './options.ts';

/** Keys kept at most; the oldest windows are dropped first when there are more. */
const keyLimit = 10_000;

/**
 * Sliding windows of calls, one per key (an account, or an account and an operation), on the
 * simulator's clock. A refused call is not counted: Partner Center's guidance has a client wait
 * `Retry-After` and try again, and that retry should then be let through.
 */
export class SlidingWindows {
  readonly #calls = new Map<string, number[]>();

  constructor(private readonly clock: SimulatorClock) {}

  /** Counts the call and returns undefined, or the whole seconds to wait when over the limit. */
  take(key: string, limit: RateLimit): number | undefined {
    const now = this.clock.now().getTime();
    const since = now - limit.windowMs;
    const calls = (this.#calls.get(key) ?? []).filter((at) => at > since);
    if (calls.length >= limit.limit) {
      this.#calls.set(key, calls);
      const oldest = calls[0] ?? now;
      return Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000));
    }
    calls.push(now);
    this.#calls.delete(key);
    this.#calls.set(key, calls);
    if (this.#calls.size > keyLimit) {
      const first = this.#calls.keys().next();
      if (!first.done) this.#calls.delete(first.value);
    }
    return undefined;
  }

  clear(): void {
    this.#calls.clear();
  }
}
