/** How a timer that failed is tried again, and when it is given up. */
export interface TimerRetryPolicy {
  /** Attempts before the timer is given up and waits for an admin. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles with each further one. */
  baseMs: number;
  /** No wait is longer, however many failures. */
  maxMs: number;
}

export const defaultTimerRetry: TimerRetryPolicy = {
  maxAttempts: 8,
  baseMs: 5_000,
  maxMs: 60 * 60 * 1000,
};

/**
 * Exponential backoff with jitter: between half and all of `base × 2^(attempts − 1)`, capped.
 * The jitter keeps timers that failed together (a database outage) from all coming back at
 * the same moment. Never zero, so a failed timer is not due again in the same poll.
 */
export function retryDelayMs(
  attempts: number,
  policy: TimerRetryPolicy,
  random: () => number = Math.random,
): number {
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(1, Math.round(full * (0.5 + random() / 2)));
}

const maxErrorLength = 500;

/**
 * What is kept of an error: its kind and message, shortened, never its stack. Shown to
 * admins and auditors, who need to know what to fix, not where in the code it was thrown.
 */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.constructor.name}: ${error.message}`
      : `thrown: ${String(error)}`;
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 1)}…` : text;
}
