import knexFactory, { type Knex } from 'knex';
import { inject } from 'vitest';

export interface FreshDatabase {
  url: string;
  /** A small pool on it, for the test's own reads. */
  db: Knex;
  /** Closes the pool and drops the database, whoever is still connected. */
  drop: () => Promise<void>;
}

/**
 * A new database on the run's Postgres, for a test that counts everything in it (outbox
 * messages, deliveries) and must not see another file's workflows or unfinished work.
 */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const runUrl = inject('databaseUrl');
  if (!runUrl) throw new Error('The chaos tests run on Postgres: set DATABASE_URL');
  const name = `tiershift_${prefix}_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: runUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(runUrl);
  url.pathname = `/${name}`;
  const db = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 2 } });
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}
