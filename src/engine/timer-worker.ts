import type { Logger } from 'pino';
import type { Engine } from './engine.ts';

/**
 * Polls for due timers. Timers live in Postgres, so a restart loses none, and several
 * processes may poll at once: each timer is claimed by exactly one.
 */
export function startTimerWorker(
  engine: Engine,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = engine
      .fireDueTimers()
      .then((fired) => {
        if (fired > 0) logger.info({ fired }, 'timers fired');
      })
      .catch((err: unknown) => logger.warn({ err }, 'timer poll failed; will retry'));
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
