import knexFactory, { type Knex } from 'knex';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import { partnerInEnrolling } from '../../bench/scenario.ts';
import { ServerProcess } from '../../bench/server-process.ts';

const adminToken = `chaos-admin-${crypto.randomUUID()}`;
let server: ServerProcess | undefined;
let db: Knex | undefined;
afterAll(async () => {
  await server?.kill('SIGTERM');
  await db?.destroy();
});

describe('a database that does not answer in time', () => {
  it('when a workflow stays locked past the statement time limit, then 503 promptly, nothing applied, and the next try works', async () => {
    const databaseUrl = inject('databaseUrl');
    if (!databaseUrl) throw new Error('The chaos tests run on Postgres: set DATABASE_URL');
    server = await ServerProcess.start({
      databaseUrl,
      adminToken,
      env: { STATEMENT_TIMEOUT_MS: '500' },
    });
    db = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 2 } });
    const api = new Api(server.base);
    const e = await partnerInEnrolling(api, adminToken);
    const path = `/v1/workflows/${e.enrollmentId}/events`;
    const lengthOf = async () =>
      (await db!('workflows').where('id', e.enrollmentId).first<{ history_length: number }>())
        .history_length;
    const before = await lengthOf();

    // Another session holds the workflow's row, as a stuck job would.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction(async (tx) => {
      await tx('workflows').where('id', e.enrollmentId).forUpdate().first();
      locked();
      await held;
    });
    await isLocked;

    const started = performance.now();
    const res = await api.request('POST', path, {
      token: e.manager,
      body: { type: 'UPDATE_PROFILE', mfaEnforced: false },
    });
    const took = performance.now() - started;
    release();
    await holder;

    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toMatchObject({
      code: 'unavailable',
      detail: expect.stringMatching(/did not answer in time; nothing was applied/),
    });
    expect(took).toBeLessThan(3000);
    expect(await lengthOf()).toBe(before);
    const retry = await api.request('POST', path, {
      token: e.manager,
      body: { type: 'UPDATE_PROFILE', mfaEnforced: false },
    });
    expect(retry.status).toBe(200);
    expect(await lengthOf()).toBe(before + 1);
    api.close();
  });
});
