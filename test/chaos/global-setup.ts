import type { TestProject } from 'vitest/node';
import { generateKey } from '../../src/secrets/key.ts';
import setupRunDatabase from '../global-setup.ts';

/**
 * The chaos tests need a real Postgres: several processes share it, and PGlite serves one.
 * Without DATABASE_URL they use the local server, in a database of their own as usual.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  // The servers the tests start inherit it, and the tests' own apps read it back: webhooks
  // sealed by one are opened by the others.
  process.env.SECRETS_KEY ||= generateKey();
  return setupRunDatabase(project);
}
