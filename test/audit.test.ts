import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** Runs a change on history with its guard trigger off, as an attacker with DDL rights could. */
async function tamper(change: (db: Harness['db']) => Promise<unknown>): Promise<void> {
  await h.db.transaction(async (tx) => {
    await tx.raw('ALTER TABLE history DISABLE TRIGGER history_append_only');
    await change(tx);
    await tx.raw('ALTER TABLE history ENABLE TRIGGER history_append_only');
  });
}

async function verify(id: string, token = h.adminToken) {
  const res = await as(h.app, token).get(`/v1/workflows/${id}/history/verify`);
  return res;
}

/** A transition with a few history rows, applied and rejected. */
async function someHistory(): Promise<Move> {
  const move = await Move.start(h.app, h.adminToken);
  await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
  await move.send(h.adminToken, move.transitionId, { type: 'CONFIRM_PROFILE' }, 403);
  await move.send(move.team.globalAdmin, move.transitionId, {
    type: 'NEW_TENANT_REGISTERED',
    tenantId: crypto.randomUUID(),
  });
  return move;
}

describe('tamper-evident history', () => {
  it('when nothing was touched, then the chain verifies', async () => {
    const move = await someHistory();
    const res = await verify(move.transitionId, move.team.auditor);
    const history = await as(h.app, move.team.auditor).get(
      `/v1/workflows/${move.transitionId}/history`,
    );
    const head = (history.body as { items: Array<{ hash: string }> }).items[3]!.hash;
    expect(res.body).toEqual({ valid: true, checked: 4, problems: [], headHash: head });
  });

  it('when someone updates or deletes history, then the database refuses', async () => {
    const move = await someHistory();
    await expect(
      h.db('history').where({ workflow_id: move.transitionId, seq: 2 }).update({ type: 'X' }),
    ).rejects.toThrow(/append-only/);
    await expect(
      h.db('history').where({ workflow_id: move.transitionId }).delete(),
    ).rejects.toThrow(/append-only/);
    expect((await verify(move.transitionId)).body).toMatchObject({ valid: true });
  });

  it('when a payload is changed behind the trigger, then verification names that row', async () => {
    const move = await someHistory();
    await tamper((db) =>
      db('history')
        .where({ workflow_id: move.transitionId, seq: 4 })
        .update({ payload: JSON.stringify({ tenantId: 'forged' }) }),
    );
    expect((await verify(move.transitionId)).body).toMatchObject({
      valid: false,
      checked: 4,
      firstBrokenSeq: 4,
      problems: expect.arrayContaining([expect.objectContaining({ kind: 'hash', seq: 4 })]),
    });
  });

  it('when a row is deleted, then verification names the first missing sequence', async () => {
    const move = await someHistory();
    await tamper((db) => db('history').where({ workflow_id: move.transitionId, seq: 2 }).delete());
    expect((await verify(move.transitionId)).body).toMatchObject({
      valid: false,
      checked: 3,
      firstBrokenSeq: 2,
      problems: expect.arrayContaining([{ kind: 'hash', seq: 2, detail: 'missing: row 2' }]),
    });
  });

  it('when two rows are swapped, then verification names the first of them', async () => {
    const move = await someHistory();
    await tamper(async (db) => {
      await db('history').where({ workflow_id: move.transitionId, seq: 2 }).update({ seq: -2 });
      await db('history').where({ workflow_id: move.transitionId, seq: 3 }).update({ seq: 2 });
      await db('history').where({ workflow_id: move.transitionId, seq: -2 }).update({ seq: 3 });
    });
    expect((await verify(move.transitionId)).body).toMatchObject({
      valid: false,
      checked: 4,
      firstBrokenSeq: 2,
      problems: expect.arrayContaining([expect.objectContaining({ kind: 'hash', seq: 2 })]),
    });
  });

  it('when a manager asks for verification, then 403; another partner, 404', async () => {
    const move = await someHistory();
    expect((await verify(move.transitionId, move.team.manager)).status).toBe(403);
    const other = await Move.start(h.app, h.adminToken);
    expect((await verify(move.transitionId, other.team.manager)).status).toBe(404);
  });
});

describe('anchoring digests', () => {
  it('when history only grew since a saved digest, then it verifies; when rewritten, the workflow is named', async () => {
    const move = await someHistory();
    const saved = (
      await as(h.app, move.team.auditor).get(`/v1/audit/digest?partnerId=${move.team.partnerId}`)
    ).body as {
      workflows: Array<{ id: string; length: number; headHash: string }>;
      digest: string;
    };
    expect(saved.workflows.map((w) => w.id)).toContain(move.transitionId);
    expect(saved.digest).toMatch(/^[0-9a-f]{64}$/);

    await move.send(move.team.manager, move.transitionId, { type: 'CANCEL', reason: 'x' }, 403);
    const grown = await as(h.app, move.team.auditor).post('/v1/audit/digest/verify', saved);
    expect(grown.body).toMatchObject({ valid: true, digestIntact: true, diverged: [] });

    await tamper((db) =>
      db('history')
        .where({ workflow_id: move.transitionId, seq: 2 })
        .update({ payload: JSON.stringify({ note: 'rewritten' }) }),
    );
    const rewritten = await as(h.app, h.adminToken).post('/v1/audit/digest/verify', saved);
    expect(rewritten.body).toMatchObject({
      valid: false,
      diverged: [{ id: move.transitionId, reason: 'chain_broken' }],
    });

    const forged = {
      ...saved,
      workflows: saved.workflows.map((w) => ({ ...w, length: w.length + 5 })),
    };
    const forgedRes = await as(h.app, h.adminToken).post('/v1/audit/digest/verify', forged);
    expect(forgedRes.body).toMatchObject({ valid: false, digestIntact: false });
    expect((await as(h.app, move.team.manager).get('/v1/audit/digest')).status).toBe(403);
  });
});

describe('time travel', () => {
  it('when a past state is asked for, then it equals what the API answered at that time', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [c] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'admin_center' })]);
    const created = await move.get(move.transitionId);
    await move.toMigrating();
    // The transition's first event was CONFIRM_PROFILE: its answer is the state after row 2.
    const confirmed = move.answers.find((a) => a.id === move.transitionId)!.workflow;
    const history = (
      await as(h.app, h.adminToken).get(`/v1/workflows/${move.transitionId}/history?limit=500`)
    ).body as {
      items: Array<{ seq: number; outcome: string }>;
    };
    const final = await move.get(move.transitionId);
    const last = history.items.at(-1)!.seq;
    const then = (
      await as(h.app, h.adminToken).get(`/v1/workflows/${move.transitionId}/history/${last}/state`)
    ).body as Workflow;
    expect(then).toEqual(final);
    const first = (
      await as(h.app, h.adminToken).get(`/v1/workflows/${move.transitionId}/history/1/state`)
    ).body as Workflow;
    expect(first).toEqual(created);
    const second = (
      await as(h.app, h.adminToken).get(`/v1/workflows/${move.transitionId}/history/2/state`)
    ).body as Workflow;
    expect(second).toEqual(confirmed);

    const r = await move.childOf('resellerRelationship', c!);
    const before = await move.get(r.id);
    await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
    const replayed = (await as(h.app, h.adminToken).get(`/v1/workflows/${r.id}/history/1/state`))
      .body as Workflow;
    expect(replayed).toEqual(before);
    expect(
      (await as(h.app, h.adminToken).get(`/v1/workflows/${r.id}/history/99/state`)).status,
    ).toBe(404);
  });
});

describe('export', () => {
  it('when a partner history is exported, then every row comes in order as NDJSON or CSV, scoped', async () => {
    const move = await someHistory();
    const ndjson = await as(h.app, move.team.manager).get(
      `/v1/audit/events?partnerId=${move.team.partnerId}`,
    );
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers['content-type']).toMatch(/application\/x-ndjson/);
    const rows = ndjson.text
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { workflowId: string; seq: number; position: number; outcome: string },
      );
    const mine = rows.filter((r) => r.workflowId === move.transitionId);
    expect(mine.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(mine.map((r) => r.outcome)).toEqual(['applied', 'applied', 'rejected', 'applied']);
    expect(rows.map((r) => r.position)).toEqual(
      [...rows.map((r) => r.position)].sort((a, b) => a - b),
    );

    const csv = await supertest(h.app)
      .get(`/v1/audit/events?partnerId=${move.team.partnerId}&machine=transition`)
      .set('Authorization', `Bearer ${move.team.auditor}`)
      .set('Accept', 'text/csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^position,workflowId,machine,partnerId,seq,type,outcome/);
    expect(lines).toHaveLength(1 + 4);

    const byActor = await as(h.app, h.adminToken).get(
      `/v1/audit/events?partnerId=${move.team.partnerId}&actor=system`,
    );
    expect(
      byActor.text
        .trim()
        .split('\n')
        .filter(Boolean)
        .every((l) => (JSON.parse(l) as { actor: { id: string } }).actor.id === 'system'),
    ).toBe(true);

    const other = await Move.start(h.app, h.adminToken);
    expect(
      (await as(h.app, other.team.manager).get(`/v1/audit/events?partnerId=${move.team.partnerId}`))
        .status,
    ).toBe(404);
    const own = await as(h.app, other.team.manager).get('/v1/audit/events');
    expect(own.text).not.toContain(move.transitionId);
    expect((await as(h.app, other.provider.token).get('/v1/audit/events')).status).toBe(403);
  });

  it('when one workflow is exported, then only its rows come, and another partner’s is not found', async () => {
    const move = await someHistory();
    const [enrollment] = await move.children('machine=enrollment');
    const res = await supertest(h.app)
      .get(`/v1/audit/events?workflowId=${move.transitionId}`)
      .set('Authorization', `Bearer ${move.team.manager}`)
      .set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    const lines = res.text.trim().split('\n');
    expect(lines).toHaveLength(1 + 4);
    expect(lines.slice(1).every((l) => l.includes(`,${move.transitionId},`))).toBe(true);
    expect(res.text).not.toContain(enrollment!.id);

    const other = await Move.start(h.app, h.adminToken);
    const foreign = `/v1/audit/events?workflowId=${move.transitionId}`;
    expect((await as(h.app, other.team.manager).get(foreign)).status).toBe(404);
    expect((await as(h.app, other.team.globalAdmin).get(foreign)).status).toBe(404);
    expect((await as(h.app, move.provider.token).get(foreign)).status).toBe(403);
    expect(
      (await as(h.app, h.adminToken).get('/v1/audit/events?workflowId=wf_unknown')).status,
    ).toBe(404);
  });
});
