import type { Logger } from 'pino';

/**
 * Reads connected transitions back from Partner Center every `intervalMs`: what a lost webhook
 * did not say is found at the next round. One round at a time; several processes may run it,
 * since every change it finds is applied under the workflow's lock and only once.
 */
export function startReconciliation(
  reconcile: () => Promise<number>,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = reconcile()
      .then((applied) => {
        if (applied > 0) logger.info({ applied }, 'Partner Center reconciliation applied events');
      })
      .catch((err: unknown) => logger.warn({ err }, 'Partner Center reconciliation failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const handle = setInterval(tick, intervalMs);
  handle.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(handle);
      await running;
    },
  };
}
