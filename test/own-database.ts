import knexFactory from 'knex';
import { inject } from 'vitest';
import { createDatabase, migrateToLatest, type Database } from '../src/store/database.ts';

/**
 * A migrated database no other test file writes to: for tests that read or fire everything
 * of a kind (every due timer, every count), which the run's shared Postgres database would
 * mix with other files' rows. An in-memory PGlite without DATABASE_URL.
 */
export async function ownDatabase(
  prefix: string,
): Promise<{ db: Database; url: string | undefined; drop(): Promise<void> }> {
  const url = inject('databaseUrl');
  if (!url) {
    const db = createDatabase({ dataDir: 'memory://' });
    await migrateToLatest(db);
    return { db, url: undefined, drop: () => db.destroy() };
  }
  const name = `tiershift_${prefix}_${process.pid}_${Date.now()}`;
  const server = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  await server.raw(`CREATE DATABASE ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const db = createDatabase({ databaseUrl: own.toString(), poolMax: 10 });
  await migrateToLatest(db);
  return {
    db,
    url: own.toString(),
    drop: async () => {
      await db.destroy();
      await server.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.destroy();
    },
  };
}
