import { randomInt } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import { partnerInEnrolling } from '../../bench/scenario.ts';
import { ServerProcess } from '../../bench/server-process.ts';

const adminToken = `chaos-admin-${crypto.randomUUID()}`;
let servers: ServerProcess[] = [];
let apis: Api[] = [];
let db: Knex;

beforeAll(async () => {
  const databaseUrl = inject('databaseUrl');
  if (!databaseUrl) throw new Error('The chaos tests run on Postgres: set DATABASE_URL');
  db = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 2 } });
  // Two processes on one database: nothing but Postgres is shared between them.
  servers = await Promise.all([
    ServerProcess.start({ databaseUrl, adminToken }),
    ServerProcess.start({ databaseUrl, adminToken }),
  ]);
  apis = servers.map((s) => new Api(s.base));
});

afterAll(async () => {
  for (const api of apis) api.close();
  await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  await db?.destroy();
});

async function counters(id: string): Promise<{ version: number; history_length: number }> {
  const row = await db<{ id: string; version: number; history_length: number }>('workflows')
    .where('id', id)
    .first('version', 'history_length');
  if (!row) throw new Error(`No workflow ${id}`);
  return row;
}

async function outcomesSince(workflowId: string, seq: number): Promise<Record<string, number>> {
  const rows = await db('history')
    .where('workflow_id', workflowId)
    .andWhere('seq', '>', seq)
    .select('outcome')
    .count<Array<{ outcome: string; count: number | string }>>({ count: '*' })
    .groupBy('outcome');
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.count)]));
}

describe('races on one workflow, across two server processes', () => {
  it('when 2 to 100 events race with the same If-Match, 200 times over, then each time exactly one applies', async () => {
    const enrollment = await partnerInEnrolling(apis[0]!, adminToken);
    const path = `/v1/workflows/${enrollment.enrollmentId}/events`;
    let total = 0;
    for (let round = 1; round <= 200; round += 1) {
      const before = await counters(enrollment.enrollmentId);
      const racers = randomInt(2, 101);
      total += racers;
      const answers = await Promise.all(
        Array.from({ length: racers }, (_, i) =>
          apis[i % 2]!.request('POST', path, {
            token: enrollment.manager,
            body: { type: 'UPDATE_PROFILE', mfaEnforced: round % 2 === 0 },
            headers: { 'If-Match': `"${before.version}"` },
          }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      const where = `round ${round}, ${racers} racers: ${statuses.join(',')}`;
      expect(
        statuses.filter((s) => s === 200),
        where,
      ).toHaveLength(1);
      expect(
        statuses.every((s) => s === 200 || s === 409 || s === 412),
        where,
      ).toBe(true);
      const after = await counters(enrollment.enrollmentId);
      expect(after.version, where).toBe(before.version + 1);
      // The losers are on record too, as refused: every attempt is history, one is applied.
      expect(await outcomesSince(enrollment.enrollmentId, before.history_length), where).toEqual(
        racers > 1 ? { applied: 1, rejected: racers - 1 } : { applied: 1 },
      );
      expect(after.history_length, where).toBe(before.history_length + racers);
    }
    expect(total).toBeGreaterThan(400);
    const verdict = await apis[1]!.call<{ valid: boolean }>(
      adminToken,
      'GET',
      `/v1/workflows/${enrollment.enrollmentId}/history/verify`,
    );
    expect(verdict.valid).toBe(true);
  });
});
