import type http from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import { ensureAdmin } from './auth/bootstrap.ts';
import type { Config } from './config.ts';
import { consoleAssets } from './console/bundle.ts';
import type { WorkflowDefinition } from '../machines/common.ts';
import { definitions } from '../machines/registry.ts';
import { systemClock, type Clock } from './engine/clock.ts';
import { Engine } from './engine/engine.ts';
import {
  migrateStoredWorkflows,
  type MigrationOptions,
  type MigrationReport,
} from './engine/machine-migration.ts';
import { startTimerWorker } from './engine/timer-worker.ts';
import { startWebhookWorker } from './webhooks/webhook-worker.ts';
import { connectedModeFromConfig } from './partner-center/connected/start.ts';
import { closeGracefully, listen } from './http-server.ts';
import { Lifecycle } from './lifecycle.ts';
import { createMetrics } from './observability/metrics.ts';
import { listenMetrics } from './observability/metrics.router.ts';
import { lockDataDir, type DataDirLock } from './store/data-dir-lock.ts';
import { createDatabase, migrateToLatest, type Database } from './store/database.ts';
import { loadSecrets } from './secrets/load.ts';
import { resealStoredSecrets } from './secrets/reseal.ts';
import type { Secrets } from './secrets/secrets.ts';

export interface RunningService {
  readonly server: http.Server;
  readonly port: number;
  /**
   * Stops in the order that loses nothing: `/readyz` says no at once, the listener stops
   * taking connections, requests in flight finish (up to SHUTDOWN_GRACE_MS), the workers
   * finish their current item, the database closes.
   */
  stop(): Promise<void>;
}

/** Opens the database the configuration names, with the embedded one's folder locked first. */
export function openDatabase(
  config: Config,
  warn?: (message: string) => void,
): { db: Database; lock: DataDirLock | undefined } {
  const embeddedOnDisk = !config.DATABASE_URL && config.DATA_DIR !== 'memory://';
  const lock = embeddedOnDisk ? lockDataDir(config.DATA_DIR) : undefined;
  try {
    const db = createDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      statementTimeoutMs: config.STATEMENT_TIMEOUT_MS,
      poolMax: config.DATABASE_POOL_MAX,
      warn,
    });
    return { db, lock };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

export interface PrepareOptions {
  clock: Clock;
  /** The keys stored secrets are sealed with; every one is brought under the current key. */
  secrets: Secrets;
  /** The definitions to bring stored workflows to; this build's own unless told. */
  definitions?: ReadonlyMap<string, WorkflowDefinition>;
  onProgress?: MigrationOptions['onProgress'];
  /** Start-up work to do in the same turn, after both migrations (the first admin). */
  whileLocked?: () => Promise<void>;
}

/**
 * Brings a database to what this build runs, in one turn under the migration lock: the
 * schema's migrations, then every stored workflow to the version of its machine this build
 * runs, each with a MIGRATED history row, then every stored secret under the current key.
 * Throws, naming them, when some stored workflow is of a version this build can neither run
 * nor migrate, or some stored secret opens with no key configured: nothing may serve such a
 * database.
 */
export async function prepareDatabase(
  db: Database,
  options: PrepareOptions,
): Promise<{ migrations: string[]; workflows: MigrationReport; resealed: number }> {
  let workflows: MigrationReport = {};
  let resealed = 0;
  const migrations = await migrateToLatest(db, async () => {
    workflows = await migrateStoredWorkflows(db, {
      definitions: options.definitions ?? definitions,
      clock: options.clock,
      onProgress: options.onProgress,
    });
    resealed = await resealStoredSecrets(db, options.secrets);
    await options.whileLocked?.();
  });
  return { migrations, workflows, resealed };
}

/** Starts Tiershift: database, schema, stored workflows, first admin, HTTP listener and timer worker. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const { db, lock } = openDatabase(config, (message) => logger.warn({ source: 'knex' }, message));
  logger.info(
    config.DATABASE_URL
      ? { database: 'postgres' }
      : { database: 'embedded', dataDir: config.DATA_DIR },
    'opening database',
  );
  const closeDatabase = async () => {
    await db.destroy();
    lock?.release();
  };
  try {
    const secrets = loadSecrets(config, (message) => logger.warn(message));
    logger.info(
      { keyId: secrets.keyId, previousKeyId: secrets.previousKeyId ?? null },
      'stored secrets sealed with SECRETS_KEY',
    );
    let generatedToken: string | undefined;
    const prepared = await prepareDatabase(db, {
      clock: systemClock,
      secrets,
      onProgress: ({ done, ...progress }) =>
        logger.info(progress, done ? 'workflows migrated' : 'migrating workflows'),
      whileLocked: async () => {
        ({ generatedToken } = await ensureAdmin(db, config.ADMIN_TOKEN, systemClock.now()));
      },
    });
    if (prepared.migrations.length > 0) {
      logger.info({ migrations: prepared.migrations }, 'schema migrated');
    }
    if (prepared.resealed > 0) {
      logger.info({ values: prepared.resealed }, 'stored secrets sealed under the current key');
    }
    if (generatedToken) {
      // Printed once, on stdout rather than in the structured log, so log shipping never holds it.
      process.stdout.write(
        `\nFirst admin created. Its token (shown once, keep it):\n  ${generatedToken}\n\n`,
      );
    }

    const lifecycle = new Lifecycle();
    const metrics = createMetrics({ db, now: () => systemClock.now(), processMetrics: true });
    const engine = new Engine({
      db,
      clock: systemClock,
      observer: metrics.observer,
      timerRetry: {
        maxAttempts: config.TIMER_MAX_ATTEMPTS,
        baseMs: config.TIMER_RETRY_BASE_MS,
        maxMs: config.TIMER_RETRY_MAX_MS,
      },
      outboxRetryForMs: config.WEBHOOK_RETRY_FOR_MS,
    });
    const app = createApp({ db, engine, logger, config, lifecycle, metrics, secrets });
    // Bundled while the server starts, so that the first visit to /console need not wait.
    void consoleAssets().then(
      () => logger.debug('console bundled'),
      (error: unknown) =>
        logger.error({ err: error }, 'the console could not be bundled; /console answers 503'),
    );
    const server = await listen(app, config);
    const metricsServer =
      config.METRICS_PORT === undefined
        ? undefined
        : await listenMetrics(metrics, { port: config.METRICS_PORT, host: config.HOST });
    if (metricsServer) {
      const at = metricsServer.address();
      const metricsPort = typeof at === 'object' && at ? at.port : config.METRICS_PORT;
      logger.info({ url: `http://${config.HOST}:${metricsPort}/metrics` }, 'metrics listening');
    }
    const timers = startTimerWorker(engine, config.TIMER_INTERVAL_MS, logger);
    const connected = connectedModeFromConfig({
      db,
      engine,
      secrets,
      config,
      logger,
      now: () => systemClock.now(),
    });
    const outbox = startWebhookWorker({
      db,
      secrets,
      config,
      logger,
      metrics,
      now: () => systemClock.now(),
      handlers: connected.handlers,
      leaseMs: connected.leaseMs,
    });
    const reconciliation = connected.startReconciliation();
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info({ url: `http://${config.HOST}:${port}` }, 'Tiershift is listening');

    let stopping: Promise<void> | undefined;
    const stop = async () => {
      lifecycle.drain();
      const forced = await closeGracefully(server, config.SHUTDOWN_GRACE_MS);
      if (forced)
        logger.warn({ graceMs: config.SHUTDOWN_GRACE_MS }, 'grace over; cut open connections');
      await timers.stop();
      await reconciliation.stop();
      await outbox.stop();
      if (metricsServer) {
        // Scrapes are short and can be retried: nothing on this listener is worth waiting for.
        const closed = new Promise((resolve) => metricsServer.close(resolve));
        metricsServer.closeAllConnections();
        await closed;
      }
      await closeDatabase();
    };
    return {
      server,
      port,
      stop: () => (stopping ??= stop()),
    };
  } catch (error) {
    await closeDatabase().catch(() => {});
    throw error;
  }
}
