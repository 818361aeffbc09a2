import type { PartnerCenterError } from './partner-center.ts';
import { backoffDelay, type Backoff } from './retry-policy.ts';

/** An answer read in full, whatever its status. */
export interface Answer {
  kind: 'answer';
  status: number;
  headers: Headers;
  text: string;
}

/** No answer: the connection failed, or the time allowed ran out. */
export interface NoAnswer {
  kind: 'no_answer';
  timedOut: boolean;
  /** What went wrong, in words fit for an error: a system code, never a URL's secrets. */
  detail: string;
}

/**
 * One HTTP request, its answer read in full within `timeoutMs` (connecting, sending and
 * reading the body all count). Never throws for the network's failures: they are answers
 * of another kind, and the caller decides whether to try again.
 */
export async function exchange(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Answer | NoAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // A redirect is answered as it is, never followed: the bearer token goes nowhere else.
    const response = await fetchFn(url, { ...init, signal, redirect: 'manual' });
    const text = await response.text();
    return { kind: 'answer', status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal.aborted) {
      return { kind: 'no_answer', timedOut: true, detail: `no answer within ${timeoutMs} ms` };
    }
    return { kind: 'no_answer', timedOut: false, detail: networkDetail(error) };
  }
}

/** undici reports "fetch failed" and puts the system's reason (ECONNREFUSED) in `cause`. */
function networkDetail(error: unknown): string {
  const cause =
    typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return `the connection failed (${code})`;
  const message =
    typeof cause === 'object' && cause !== null
      ? (cause as { message?: unknown }).message
      : undefined;
  return typeof message === 'string'
    ? `the connection failed (${message})`
    : 'the connection failed';
}

/** What one attempt came to. */
export type Outcome<T> =
  | { kind: 'done'; value: T }
  /** Refused for good, or failed in a way another attempt now would not mend. */
  | { kind: 'final'; error: PartnerCenterError }
  /** Worth another attempt: throttled, or the server or the network failing for a while. */
  | { kind: 'transient'; error: PartnerCenterError };

export interface RetryOptions {
  maxAttempts: number;
  /** A `Retry-After` longer than this is not waited for: the caller is told at once. */
  maxRetryAfterMs: number;
  backoff: Backoff;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onRetry?: (attempt: number, delayMs: number, error: PartnerCenterError) => void;
}

/**
 * Runs attempts until one is done or final, waiting between them as the server asked
 * (`retryAfterMs` on the error) or by backoff. Gives up with the last error after
 * `maxAttempts`, or at once when the server asks for a longer pause than the caller should
 * be held for: a worker then frees itself and its queue tries again later.
 */
export async function withRetries<T>(
  attempt: () => Promise<Outcome<T>>,
  options: RetryOptions,
): Promise<T> {
  for (let made = 1; ; made++) {
    const outcome = await attempt();
    if (outcome.kind === 'done') return outcome.value;
    if (outcome.kind === 'final') throw outcome.error;
    const { error } = outcome;
    const asked = error.retryAfterMs;
    if (asked !== undefined && asked > options.maxRetryAfterMs) throw error;
    if (made >= options.maxAttempts) throw error;
    const delayMs = asked ?? backoffDelay(made, options.backoff, options.random);
    options.onRetry?.(made, delayMs, error);
    await options.sleep(delayMs);
  }
}
