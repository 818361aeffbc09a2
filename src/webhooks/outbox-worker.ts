import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { describeError, retryDelayMs } from '../engine/timer-retry.ts';
import {
  claimDue,
  finishAttempt,
  purgeFinished,
  type AttemptOutcome,
  type OutboxKind,
  type OutboxRow,
} from '../store/outbox.ts';

/** How one attempt at a message ended, as its handler saw it. */
export type HandlerResult =
  | { ok: true; responseStatus?: number }
  | {
      ok: false;
      error: string;
      responseStatus?: number | null;
      /** Trying again cannot help (the receiver refused the request itself): fail it now. */
      giveUp?: boolean;
      /** The receiver said when to try again (`Retry-After`): then, instead of the backoff. */
      retryAt?: Date;
    };

/** Carries out one claimed message; throws only for the worker's own failures. */
export type OutboxHandler = (message: OutboxRow, claimToken: string) => Promise<HandlerResult>;

/**
 * Carries out many claimed messages of one kind at once, and finishes (deletes) them itself,
 * in one transaction: for work that is all database, where one transaction per message
 * would cost more than the work. Throws when it could not; each message is then tried on
 * its own, so that one bad message fails alone.
 */
export type BatchHandler = (messages: readonly OutboxRow[], claimToken: string) => Promise<void>;

export interface OutboxWorkerOptions {
  db: Knex;
  now: () => Date;
  /** Kinds carried out one message at a time, side by side (calls to the outside). */
  handlers: Partial<Record<OutboxKind, OutboxHandler>>;
  /** Kinds carried out in batches, before the others at each look. */
  batchHandlers: Partial<Record<OutboxKind, BatchHandler>>;
  /** Messages a batch claims at most. */
  batchSize?: number;
  /** How often to look for due messages when none were waiting. */
  intervalMs: number;
  /** Messages carried out at once by this instance. */
  concurrency: number;
  /** How long a claim holds; longer than any attempt can take, so a live one never lapses. */
  leaseMs: number;
  /** Kinds whose attempts take longer (or shorter) than `leaseMs`, with their own. */
  leaseMsByKind?: Partial<Record<OutboxKind, number>>;
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
  const token = randomUUID();
  const batchSize = options.batchSize ?? 200;
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

  const handlerOf = (kind: OutboxKind): OutboxHandler => {
    const single = options.handlers[kind];
    if (single) return single;
    const batch = options.batchHandlers[kind];
    if (batch) return async (message) => (await batch([message], token), { ok: true });
    return () => Promise.resolve({ ok: false, error: `no handler for ${kind}` });
  };

  const attempt = async (message: OutboxRow): Promise<void> => {
    let result: HandlerResult;
    try {
      result = await handlerOf(message.kind)(message, token);
    } catch (error) {
      result = { ok: false, error: describeError(error) };
    }
    await record(message, result);
  };

  const record = async (message: OutboxRow, result: HandlerResult): Promise<void> => {
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

  const claim = (kind: OutboxKind, limit: number) => {
    const at = now();
    return claimDue(db, {
      now: at,
      leaseUntil: new Date(at.getTime() + (options.leaseMsByKind?.[kind] ?? options.leaseMs)),
      token,
      limit,
      kind,
    });
  };

  /** One batch of each batch kind; whether any was full, so more may be waiting. */
  const runBatches = async (): Promise<boolean> => {
    let full = false;
    for (const [kind, handle] of Object.entries(options.batchHandlers) as Array<
      [OutboxKind, BatchHandler]
    >) {
      const messages = await claim(kind, batchSize);
      if (messages.length === 0) continue;
      full ||= messages.length === batchSize;
      try {
        await handle(messages, token);
      } catch (err) {
        logger.warn({ err, kind, messages: messages.length }, 'outbox batch failed; one by one');
        for (const message of messages) await attempt(message);
      }
    }
    return full;
  };

  const loop = async () => {
    while (!stopped) {
      let busy = false;
      try {
        busy = await runBatches();
        for (const kind of Object.keys(options.handlers) as OutboxKind[]) {
          const free = options.concurrency - inFlight.size;
          if (free <= 0) break;
          const claimed = await claim(kind, free);
          for (const message of claimed) start(message);
          busy ||= claimed.length === free;
        }
        await purgeIfDue();
      } catch (err) {
        logger.warn({ err }, 'outbox poll failed; will retry');
      }
      if (stopped) break;
      if (options.concurrency - inFlight.size <= 0) await Promise.race(inFlight);
      else if (!busy) await pause(options.intervalMs);
    }
  };

  const running = loop();
  return {
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
  // A throttled call waits as long as it was told, not the backoff that grows with each try.
  const nextAttemptAt = result.retryAt ?? new Date(at.getTime() + delay);
  if (result.giveUp || nextAttemptAt.getTime() > message.give_up_at.getTime()) {
    return { kind: 'failed', at, error: result.error, responseStatus };
  }
  return { kind: 'retry', at, nextAttemptAt, error: result.error, responseStatus };
}
