import type { Express } from 'express';
import supertest from 'supertest';
import { inject } from 'vitest';
import { createApp } from '../src/app.ts';
import type { TrustProxy } from '../src/config.ts';
import { ensureAdmin } from '../src/auth/bootstrap.ts';
import { Engine } from '../src/engine/engine.ts';
import { createLogger } from '../src/logger.ts';
import type { Secrets } from '../src/secrets/secrets.ts';
import { prepareDatabase } from '../src/service.ts';
import { createDatabase, type Database } from '../src/store/database.ts';
import type { Resolve } from '../src/webhooks/target.ts';
import { ManualClock } from './clock.ts';
import { ownDatabase } from './own-database.ts';
import { testSecrets } from './secrets.ts';

export interface Harness {
  db: Database;
  engine: Engine;
  app: Express;
  clock: ManualClock;
  /** The keys stored secrets are sealed with, as the app and its workers use them. */
  secrets: Secrets;
  adminToken: string;
  /** Which database the suite runs on, for test names. */
  kind: 'pglite' | 'postgres';
  /** The Postgres database's URL, for a second process's connections; none on PGlite. */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

export interface HarnessOptions {
  dataDir?: string;
  /**
   * A database no other test file writes to, for tests that count everything of a kind (the
   * admins, say); without it, on Postgres every file of the run shares one database.
   */
  ownDatabase?: boolean;
  rateLimitPerMin?: number;
  rateLimitPerIpPerMin?: number;
  trustProxy?: TrustProxy;
  bodyLimitBytes?: number;
  /** Whether webhooks may target http and loopback; true, as for local use, unless told. */
  webhookAllowInsecure?: boolean;
  /** How webhook target names resolve at registration; the system's resolver unless told. */
  resolve?: Resolve;
}

/** Another app over a harness's database and engine, e.g. with its own small rate limits. */
export function buildApp(
  h: Pick<Harness, 'db' | 'engine'> & Partial<Pick<Harness, 'secrets'>>,
  options: Omit<HarnessOptions, 'dataDir' | 'ownDatabase'> = {},
): Express {
  return createApp({
    db: h.db,
    engine: h.engine,
    logger: createLogger('silent'),
    secrets: h.secrets ?? testSecrets(),
    config: {
      BODY_LIMIT_BYTES: options.bodyLimitBytes ?? 1024 * 1024,
      RATE_LIMIT_PER_MIN: options.rateLimitPerMin ?? 1_000_000,
      RATE_LIMIT_PER_IP_PER_MIN: options.rateLimitPerIpPerMin ?? 1_000_000,
      TRUST_PROXY: options.trustProxy ?? false,
      PUBLIC_URL: 'http://127.0.0.1:3000',
      WEBHOOK_ALLOW_INSECURE: options.webhookAllowInsecure ?? true,
    },
    resolve: options.resolve,
  });
}

/**
 * The app over a migrated database: the run's own Postgres database when the suite runs with
 * DATABASE_URL, otherwise a PGlite (in memory unless `dataDir` is given).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const databaseUrl = inject('databaseUrl');
  const own = options.ownDatabase ? await ownDatabase('harness') : undefined;
  const db =
    own?.db ??
    createDatabase(
      databaseUrl ? { databaseUrl, poolMax: 20 } : { dataDir: options.dataDir ?? 'memory://' },
    );
  const clock = new ManualClock();
  const secrets = testSecrets();
  // As the server starts: the schema, every stored workflow to its machine's version, every
  // stored secret under the current key.
  await prepareDatabase(db, { clock, secrets });
  const engine = new Engine({ db, clock });
  const adminToken = `admin-${crypto.randomUUID()}`;
  await ensureAdmin(db, adminToken, clock.now());
  const app = buildApp({ db, engine, secrets }, options);
  return {
    db,
    engine,
    app,
    clock,
    secrets,
    adminToken,
    kind: databaseUrl ? 'postgres' : 'pglite',
    databaseUrl: own ? own.url : (databaseUrl ?? undefined),
    close: () => (own ? own.drop() : db.destroy()),
  };
}

/** A supertest agent acting with a token. */
export function as(app: Express, token: string) {
  const agent = supertest(app);
  const auth = { Authorization: `Bearer ${token}` };
  return {
    get: (url: string) => agent.get(url).set(auth),
    post: (url: string, body?: unknown) =>
      agent
        .post(url)
        .set(auth)
        .send(body as object),
    put: (url: string, body?: unknown) =>
      agent
        .put(url)
        .set(auth)
        .send(body as object),
    patch: (url: string, body?: unknown) =>
      agent
        .patch(url)
        .set(auth)
        .send(body as object),
    delete: (url: string) => agent.delete(url).set(auth),
  };
}
