/** When a failed call is tried again, and for how long a caller is made to wait for it. */

export interface Backoff {
  /** The wait after the first failure; it doubles with each further one. */
  baseMs: number;
  /** The longest wait between two attempts. */
  maxMs: number;
}

/**
 * Exponential backoff with jitter: half the doubled wait is fixed, the other half random, so
 * that callers who failed together do not all come back at the same instant, yet none comes
 * back at once. `attempt` counts from 1 (the attempt that just failed).
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * A `Retry-After` header in milliseconds from `nowMs`: seconds (`120`) or an HTTP date. A
 * date in the past means now; anything unreadable means the server did not say.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only a date as HTTP writes one: `Date.parse` would also take "1" or "tomorrow" loosely.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Statuses that say the server did not do the work and may do it later: throttled, or
 * failing for a while. Another 5xx (501, 505) will not change by waiting a second.
 */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * For a call that is not idempotent (a Graph create, which knows no `MS-RequestId`), only the
 * answers that say the request was not processed at all: a repeat after a 500 or a time-out
 * might do the work twice.
 */
export function isUnprocessedStatus(status: number): boolean {
  return status === 429 || status === 503;
}
