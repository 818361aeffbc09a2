import { execFileSync } from 'node:child_process';
import knexFactory from 'knex';
import type { TestProject } from 'vitest/node';
import { describeApi } from '../src/http/api-document.ts';
import { generateKey } from '../src/secrets/key.ts';
import { createDatabase, migrateToLatest } from '../src/store/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string | null;
    /** The OpenAPI document, as the code under test builds it: every answer is held to it. */
    apiDocument: Record<string, unknown>;
    /**
     * The key every test app seals stored secrets with: on Postgres, test files share one
     * database, and a worker of one file may deliver another file's webhooks.
     */
    secretsKey: string;
  }
}

/**
 * With DATABASE_URL set, the run gets a database of its own, created here and dropped at the
 * end, so runs never see each other's data. Without it, each test file opens an in-memory
 * PGlite.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Some tests run the compiled server as operators do; build it once if it is not current.
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  project.provide('apiDocument', await describeApi());
  project.provide('secretsKey', process.env.SECRETS_KEY || generateKey());
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    project.provide('databaseUrl', null);
    return async () => {};
  }
  const name = `tiershift_test_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ databaseUrl: url.toString() });
  await migrateToLatest(db);
  await db.destroy();
  project.provide('databaseUrl', url.toString());
  return async () => {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  };
}
