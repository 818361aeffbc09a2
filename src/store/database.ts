import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import { migrationSource } from '../../db/migrations/index.ts';

// bigint (count(*)) and numeric arrive as strings from pg; our counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface DatabaseOptions {
  /** A Postgres URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory only. */
  dataDir?: string | undefined;
  poolMax?: number;
  /**
   * Postgres cancels any statement (a lock wait included) that runs longer, so a stuck
   * request rolls back instead of holding its connection. The embedded database serves
   * one connection at a time and has no one to wait for.
   */
  statementTimeoutMs?: number | undefined;
  /**
   * Where knex's own warnings go (a failed connection attempt, say). By default they are
   * dropped: the error also reaches the caller, which reports it once and in context, where
   * knex would print a stack for every attempt.
   */
  warn?: (message: string) => void;
}

export type Database = Knex;

/** One knex instance for either database, so that every query runs on both. */
export function createDatabase(options: DatabaseOptions): Database {
  if (options.databaseUrl) {
    return knexFactory({
      client: 'pg',
      connection: {
        connectionString: options.databaseUrl,
        ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      },
      pool: { min: 0, max: options.poolMax ?? 10 },
      acquireConnectionTimeout: 10_000,
      log: knexLog(options.warn),
    });
  }
  const dataDir = options.dataDir ?? './data';
  let db: Database;
  if (dataDir === 'memory://') {
    db = knexFactory({ client: ClientPgLite, dialect: 'postgres', connection: {} });
  } else {
    const folder = path.resolve(dataDir, 'pglite');
    mkdirSync(folder, { recursive: true });
    db = knexFactory({
      client: ClientPgLite,
      dialect: 'postgres',
      connection: { filename: folder },
    });
  }
  embedded.add(db);
  return db;
}

function knexLog(warn: (message: string) => void = () => {}): Knex.Config['log'] {
  const say = (message: unknown) =>
    warn(message instanceof Error ? message.message : String(message));
  return { warn: say, error: say, deprecate: say, debug: () => {} };
}

/** The embedded databases this process opened. */
const embedded = new WeakSet<Database>();

/** An arbitrary constant: the advisory lock every instance takes to migrate. */
const migrationLockKey = 7_241_965_031;

/**
 * Brings the schema up to date and returns the names of the migrations it applied; safe to
 * call on every start, from several instances at once. On Postgres the instances take turns
 * under an advisory lock: knex's own lock lives in a table that the first migration creates,
 * so two instances on a fresh database would both try to create it. `whileLocked` runs in the
 * same turn, for start-up work that must not race either (the first admin).
 */
export async function migrateToLatest(
  db: Database,
  whileLocked: () => Promise<void> = async () => {},
): Promise<string[]> {
  const migrate = async () => {
    const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
    await whileLocked();
    return applied;
  };
  // The embedded database has one connection, and its folder's lock already keeps other
  // processes out.
  if (embedded.has(db)) return migrate();
  return db.transaction(async (tx) => {
    // Another instance may take a while to migrate; waiting for it is not a stuck statement.
    await tx.raw('SET LOCAL statement_timeout = 0');
    await tx.raw('SELECT pg_advisory_xact_lock(?)', [migrationLockKey]);
    return migrate();
  });
}

/** True when every known migration has run. */
export async function migrationsComplete(db: Database): Promise<boolean> {
  const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], unknown[]];
  return pending.length === 0;
}
