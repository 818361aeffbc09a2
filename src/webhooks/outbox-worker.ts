import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { describeError, retryDelayMs } from '../engine/timer-retry.ts';
import {
  claimDue,
  finishAttempt,
  purgeFinished,
  type AttemptOutcome,
  type OutboxRow,
} from '../store/outbox.ts';

/** How one attempt at a message ended, as its handler saw it. */
export type HandlerResult =
  | { ok: true; responseStatus?: number }
  | { ok: false; error: string; responseStatus?: number | null };

/** Carries out one claimed message; throws only for the worker's own failures. */
export type OutboxHandler = (message: OutboxRow, claimToken: string) => Promise<HandlerResult>;

export interface OutboxWorkerOptions {
  db: Knex;
  now: () => Date;
  handlers: Record<OutboxRow['kind'], OutboxHandler>;
  /** How often to look for due messages when none were waiting. */
  intervalMs: number;
  /** Messages carried out at once by this instance. */
  concurrency: number;
  /** How long a claim holds; longer than any attempt can take, so a live one never lapses. */
  leaseMs: number;
  /** The wait after a first failed attempt, doubled with each further one, up to `maxMs`. */
  retry: { baseMs: number; maxMs: number };
  /** Finished messages are kept this long for the delivery log. */
  keepFinishedMs: number;
  logger: Logger;
  /** Told of each attempt's end, for the metrics. */
  onAttempt?: (message: OutboxRow, outcome: AttemptOutcome['kind']) => void;
  /** Told when a message is given up for good, after it was recorded. */
  onGivenUp?: (message: OutboxRow, error: string) => Promise<void>;
  /** Told when a message was carried out, after it was recorded. */
  onDelivered?: (message: OutboxRow) => Promise<void>;
}

export interface OutboxWorker {
  /** Looks for due messages now rather than at the next interval. */
  nudge(): void;
  /** Stops claiming, and waits for the attempts under way. */
  stop(): Promise<void>;
}

const purgeEveryMs = 60 * 60 * 1000;

/**
 * Carries out the outbox: claims due messages (several instances share them, each message
 * claimed by one), runs each through the handler of its kind, and records the outcome.
 * A failure is tried again after an exponential backoff with jitter until the message's
 * `give_up_at`, then it is parked as failed. Runs beside the requests, holding no database
 * connection while a handler waits on the network, so a slow receiver slows nobody else.
 */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, now, logger } = options;
  const token = `${randomUUID()}`;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let wake: (() => void) | undefined;
  let lastPurge = Number.NEGATIVE_INFINITY;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const attempt = async (message: OutboxRow): Promise<void> => {
    let result: HandlerResult;
    try {
      result = await options.handlers[message.kind](message, token);
    } catch (error) {
      result = { ok: false, error: describeError(error) };
    }
    const at = now();
    const outcome = outcomeOf(message, result, at, options.retry);
    const recorded = await finishAttempt(db, message.id, token, outcome);
    // Another worker took the message over: its attempt is the one that counts.
    if (!recorded) return;
    options.onAttempt?.(message, outcome.kind);
    if (outcome.kind === 'failed') {
      logger.warn(
        {
          messageId: message.id,
          kind: message.kind,
          attempts: message.attempts,
          error: outcome.error,
        },
        'outbox message given up',
      );
      await options.onGivenUp?.(recorded, outcome.error);
    } else if (outcome.kind === 'delivered') {
      await options.onDelivered?.(recorded);
    }
  };

  const start = (message: OutboxRow) => {
    const running: Promise<void> = attempt(message)
      .catch((err: unknown) =>
        // Its claim lapses and another attempt follows: nothing is lost.
        logger.warn({ err, messageId: message.id }, 'outbox attempt could not be recorded'),
      )
      .finally(() => {
        inFlight.delete(running);
        wake?.();
      });
    inFlight.add(running);
  };

  const purgeIfDue = async () => {
    if (performance.now() - lastPurge < purgeEveryMs) return;
    lastPurge = performance.now();
    const purged = await purgeFinished(db, new Date(now().getTime() - options.keepFinishedMs));
    if (purged > 0) logger.info({ purged }, 'finished outbox messages forgotten');
  };

  const loop = async () => {
    while (!stopped) {
      const free = options.concurrency - inFlight.size;
      if (free <= 0) {
        await Promise.race(inFlight);
        continue;
      }
      let claimed: OutboxRow[] = [];
      try {
        const at = now();
        claimed = await claimDue(db, {
          now: at,
          leaseUntil: new Date(at.getTime() + options.leaseMs),
          token,
          limit: free,
        });
        await purgeIfDue();
      } catch (err) {
        logger.warn({ err }, 'outbox poll failed; will retry');
      }
      for (const message of claimed) start(message);
      if (claimed.length < free && !stopped) await pause(options.intervalMs);
    }
  };

  const running = loop();
  return {
    nudge: () => wake?.(),
    async stop() {
      stopped = true;
      wake?.();
      await running;
      await Promise.allSettled([...inFlight]);
    },
  };
}

function outcomeOf(
  message: OutboxRow,
  result: HandlerResult,
  at: Date,
  retry: OutboxWorkerOptions['retry'],
): AttemptOutcome {
  if (result.ok) return { kind: 'delivered', at, responseStatus: result.responseStatus ?? null };
  const responseStatus = result.responseStatus ?? null;
  const delay = retryDelayMs(message.attempts, { ...retry, maxAttempts: Number.POSITIVE_INFINITY });
  const nextAttemptAt = new Date(at.getTime() + delay);
  if (nextAttemptAt.getTime() > message.give_up_at.getTime()) {
    return { kind: 'failed', at, error: result.error, responseStatus };
  }
  return { kind: 'retry', at, nextAttemptAt, error: result.error, responseStatus };
}
