import type { TestProject } from 'vitest/node';
import setupRunDatabase from '../global-setup.ts';

/**
 * The chaos tests need a real Postgres: several processes share it, and PGlite serves one.
 * Without DATABASE_URL they use the local server, in a database of their own as usual.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  return setupRunDatabase(project);
}
