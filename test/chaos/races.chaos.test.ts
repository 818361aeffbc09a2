import { randomInt } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import {
  createProvider,
  importCustomers,
  partnerInEnrolling,
  startMigrating,
} from '../../bench/scenario.ts';
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

describe('batches across two server processes', () => {
  it('when batches, with one key and without, race single events on both processes, then each MCA takes the request exactly once', async () => {
    const customers = 60;
    const partner = await partnerInEnrolling(apis[0]!, adminToken);
    await importCustomers(apis[0]!, partner, customers, 1);
    await startMigrating(apis[0]!, adminToken, partner, await createProvider(apis[0]!, adminToken));
    // The bench's customers vary: those whose MCA must be asked for wait for it.
    const mcas = await db<{ id: string; parent_id: string; machine: string; state: string }>(
      'workflows',
    )
      .where({
        parent_id: partner.transitionId,
        machine: 'mcaReacceptance',
        state: 'awaitingAcceptance',
      })
      .select('id');
    expect(mcas.length).toBeGreaterThan(20);
    const batch = (i: number, extra: Record<string, unknown>, key?: string) =>
      apis[i % 2]!.request('POST', '/v1/workflows/events:batch', {
        token: i % 3 === 0 ? partner.globalAdmin : partner.manager,
        body: {
          filter: {
            machine: 'mcaReacceptance',
            state: 'awaitingAcceptance',
            parentId: partner.transitionId,
          },
          event: { type: 'ACCEPTANCE_REQUESTED' },
          ...extra,
        },
        headers: key === undefined ? {} : { 'Idempotency-Key': key },
      });
    const answers = await Promise.all([
      // One key, sent to both processes at once: a retry that overtook its first try.
      batch(0, {}, 'race-key'),
      batch(1, {}, 'race-key'),
      batch(2, { limit: 7 }),
      batch(3, { limit: 500 }),
      ...mcas.slice(0, 20).map(({ id }, i) =>
        apis[i % 2]!.request('POST', `/v1/workflows/${id}/events`, {
          token: partner.manager,
          body: { type: 'ACCEPTANCE_REQUESTED' },
        }),
      ),
    ]);
    for (const answer of answers) expect(answer.status, answer.text).toBeLessThan(500);
    const applied = await db('history')
      .whereIn(
        'workflow_id',
        mcas.map((m) => m.id),
      )
      .where({ type: 'ACCEPTANCE_REQUESTED', outcome: 'applied' })
      .select('workflow_id')
      .count<Array<{ workflow_id: string; count: string | number }>>({ count: '*' })
      .groupBy('workflow_id');
    expect(applied).toHaveLength(mcas.length);
    expect(applied.every((row) => Number(row.count) === 1)).toBe(true);
    const states = await db('workflows')
      .whereIn(
        'id',
        mcas.map((m) => m.id),
      )
      .distinct('state');
    expect(states).toEqual([{ state: 'requested' }]);
    // Every version step has its history row: nothing half-written by a loser.
    const torn = await db('workflows')
      .whereIn(
        'id',
        mcas.map((m) => m.id),
      )
      .whereRaw('history_length < version');
    expect(torn).toEqual([]);
  });
});
