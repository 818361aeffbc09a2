import type { Logger } from 'pino';
import type { Engine } from './engine.ts';

const purgeEveryMs = 60 * 60 * 1000;

/** What the worker asks of the engine. */
export type TimerEngine = Pick<Engine, 'fireDueTimers' | 'forgetOldIdempotencyKeys'>;

/**
 * Polls for due timers, and hourly forgets idempotency keys past their retention. Timers
 * live in Postgres, so a restart loses none, and several processes may poll at once: each
 * timer is claimed by exactly one.
 */
export function startTimerWorker(
  engine: TimerEngine,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastPurge = Number.NEGATIVE_INFINITY;
  const tick = () => {
    // A poll goes on while timers are due, which can outlast the interval: polls side by side
    // would each hold a connection the requests need, and a stop would wait for the last only.
    if (running) return;
    running = engine
      .fireDueTimers(
        (failure) => {
          const { timerId, workflowId, attempts, givenUp, nextAttemptAt, error } = failure;
          // Given up, it waits for an admin: worth an error. Otherwise it will be tried again.
          if (givenUp)
            logger.error(
              { timerId, workflowId, attempts, error },
              'timer given up after repeated failures; retry it with POST /v1/timers/{id}/retry',
            );
          else
            logger.warn(
              { timerId, workflowId, attempts, nextAttemptAt, error },
              'timer failed; will try again',
            );
        },
        () => !stopped,
      )
      .then(async (fired) => {
        if (fired > 0) logger.info({ fired }, 'timers fired');
        // Old idempotency keys go hourly: often enough to keep the table small, rare enough
        // to cost nothing.
        if (performance.now() - lastPurge >= purgeEveryMs) {
          lastPurge = performance.now();
          const forgotten = await engine.forgetOldIdempotencyKeys();
          if (forgotten > 0) logger.info({ forgotten }, 'old idempotency keys forgotten');
        }
      })
      .catch((err: unknown) => logger.warn({ err }, 'timer poll failed; will retry'))
      .finally(() => {
        running = undefined;
      });
  };
  const handle = setInterval(() => {
    if (!stopped) tick();
  }, intervalMs);
  handle.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(handle);
      await running;
    },
  };
}
