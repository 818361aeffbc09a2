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
    });
  }
  const dataDir = options.dataDir ?? './data';
  if (dataDir === 'memory://') {
    return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection: {} });
  }
  const folder = path.resolve(dataDir, 'pglite');
  mkdirSync(folder, { recursive: true });
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: { filename: folder },
  });
}

/** Brings the schema up to date; safe to call on every start. */
export async function migrateToLatest(db: Database): Promise<void> {
  await db.migrate.latest({ migrationSource });
}

/** True when every known migration has run. */
export async function migrationsComplete(db: Database): Promise<boolean> {
  const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], unknown[]];
  return pending.length === 0;
}
