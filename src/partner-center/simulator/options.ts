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
  /**
   * Partner Center's time, sped up: every throttling window and every wait for Partner Center's
   * own work (a transfer or a migration completing, GDAP activating) is divided by it, so a
   * benchmark can go through several 5-minute migration windows in seconds. 1, the default, is
   * real time. Deadlines (a transfer request's 30 days, a token's hour) are not scaled: they are
   * what a client must keep up with, and shortening them would only make it miss them. Nor is
   * how webhooks are sent (their time-out, the waits between retries): a receiver's pace is its
   * own, and retrying it ten times as often would only bury it.
   */
  timeScale?: number;
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
  /** The `timeScale` the windows and delays above were already divided by. */
  timeScale: number;
}

/**
 * The options with their defaults, every window and delay given in Partner Center's time and
 * divided by `timeScale`.
 */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new RangeError(`timeScale must be a positive number, not ${timeScale}`);
  }
  const scaled = (ms: number) => ms / timeScale;
  const throttling = { ...defaultThrottleLimits, ...options.throttling };
  return {
    clock: options.clock ?? { now: () => new Date() },
    transferCompletionDelayMs: scaled(options.transferCompletionDelayMs ?? 5_000),
    migrationDelayMs: scaled(options.migrationDelayMs ?? 5_000),
    gdapActivationDelayMs: scaled(options.gdapActivationDelayMs ?? 2_000),
    throttling: {
      perAccount: { ...throttling.perAccount, windowMs: scaled(throttling.perAccount.windowMs) },
      createMigration: {
        ...throttling.createMigration,
        windowMs: scaled(throttling.createMigration.windowMs),
      },
    },
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    allowInsecureWebhooks: options.allowInsecureWebhooks ?? false,
    webhookAttempts: options.webhookAttempts ?? 10,
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? 1_000,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
    workIntervalMs: options.workIntervalMs ?? 250,
    timeScale,
  };
}
