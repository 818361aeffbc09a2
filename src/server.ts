import { loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { startTracing } from './observability/tracing.ts';
import { describeStartError } from './startup-error.ts';

/** The process: start, and on SIGTERM or SIGINT stop without losing a request in flight. */
async function main(config: Config): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  // Before express, http and pg load: tracing wraps them as they are imported.
  const tracing = await startTracing(config);
  const { startService } = await import('./service.ts');
  let service;
  try {
    service = await startService(config, logger);
  } catch (error) {
    process.stderr.write(`${describeStartError(error, config)}\n`);
    process.exit(1);
  }

  const running = service;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal means the operator will not wait: leave now.
      logger.warn({ signal }, 'second signal; exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down');
    running.stop().then(
      async () => {
        logger.info('stopped');
        // The last requests' spans are still buffered.
        await tracing?.shutdown().catch(() => {});
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
await main(config);
