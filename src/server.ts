import { createApp } from './app.ts';
import { listen } from './http-server.ts';
import { ensureAdmin } from './auth/bootstrap.ts';
import { loadConfig, type Config } from './config.ts';
import { systemClock } from './engine/clock.ts';
import { Engine } from './engine/engine.ts';
import { startTimerWorker } from './engine/timer-worker.ts';
import { createLogger } from './logger.ts';
import { createDatabase, migrateToLatest } from './store/database.ts';

async function main(config: Config): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const db = createDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
  });
  logger.info(
    config.DATABASE_URL
      ? { database: 'postgres' }
      : { database: 'embedded', dataDir: config.DATA_DIR },
    'opening database',
  );
  await migrateToLatest(db);
  const { generatedToken } = await ensureAdmin(db, config.ADMIN_TOKEN, systemClock.now());
  if (generatedToken) {
    // Printed once, on stdout rather than in the structured log, so log shipping never holds it.
    process.stdout.write(
      `\nFirst admin created. Its token (shown once, keep it):\n  ${generatedToken}\n\n`,
    );
  }

  const engine = new Engine({ db, clock: systemClock });
  const app = createApp({ db, engine, logger, config });
  const timers = startTimerWorker(engine, config.TIMER_INTERVAL_MS, logger);

  const server = await listen(app, config);
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'Tiershift is listening');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close();
    await timers.stop();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

try {
  await main(loadConfig());
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
