/** A sliding window: at most `limit` calls in any `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * Partner Center's throttling, as far as it is documented. Its guidance (learn.microsoft.com,
 * "API throttling guidance") says limits are counted per partner tenant (some per partner and
 * customer), change without notice and answer 429 with `Retry-After` in seconds; the one figure
 * published for an API Tiershift calls is for creating a new-commerce migration: 100 calls by one
 * partner in 5 minutes ("Create a new commerce migration", Rate limit). `perAccount` is ours: no
 * general figure is published, so it is a knob for tests of a 429 storm.
 */
export interface ThrottleLimits {
  perAccount: RateLimit;
  createMigration: RateLimit;
}

export const defaultThrottleLimits: ThrottleLimits = {
  perAccount: { limit: 600, windowMs: 60_000 },
  createMigration: { limit: 100, windowMs: 5 * 60_000 },
};

export interface SimulatorClock {
  now(): Date;
}

export interface SimulatorOptions {
  /** Where the simulator reads the time; tests pass a clock they move by hand. */
  clock?: SimulatorClock;
  /** How long a submitted transfer stays InProgress before its lines complete or fail. */
  transferCompletionDelayMs?: number;
  /** How long a new-commerce migration stays Processing. */
  migrationDelayMs?: number;
  /** From a customer's approval of a GDAP relationship to `active` (`activating` half way). */
  gdapActivationDelayMs?: number;
  throttling?: Partial<ThrottleLimits>;
  /**
   * The simulator's own origin as others reach it: the certificate URL and every webhook's
   * ResourceUri start with it. Unset, `listen` uses the address it listens on.
   */
  publicUrl?: string;
  /** Accept webhook URLs over plain http (Partner Center asks for https). */
  allowInsecureWebhooks?: boolean;
  /** Partner Center tries a webhook 10 times before it gives up ("Partner Center webhooks"). */
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
  webhookTimeoutMs?: number;
  /** While listening, how often work that has come due (completions, expiries) is carried out. */
  workIntervalMs?: number;
}

export interface ResolvedOptions {
  clock: SimulatorClock;
  transferCompletionDelayMs: number;
  migrationDelayMs: number;
  gdapActivationDelayMs: number;
  throttling: ThrottleLimits;
  publicUrl: string | undefined;
  allowInsecureWebhooks: boolean;
  webhookAttempts: number;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
  workIntervalMs: number;
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  return {
    clock: options.clock ?? { now: () => new Date() },
    transferCompletionDelayMs: options.transferCompletionDelayMs ?? 5_000,
    migrationDelayMs: options.migrationDelayMs ?? 5_000,
    gdapActivationDelayMs: options.gdapActivationDelayMs ?? 2_000,
    throttling: { ...defaultThrottleLimits, ...options.throttling },
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    allowInsecureWebhooks: options.allowInsecureWebhooks ?? false,
    webhookAttempts: options.webhookAttempts ?? 10,
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? 1_000,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
    workIntervalMs: options.workIntervalMs ?? 250,
  };
}
