import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCustomer, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const batchPath = '/v1/workflows/events:batch';

interface BatchAnswer {
  items: Array<{ workflowId: string; outcome: string; code?: string }>;
  remaining: number;
  nextCursor: string | null;
}

async function migratingWith(count: number): Promise<{ move: Move; mcas: Workflow[] }> {
  const move = await Move.start(h.app, h.adminToken);
  await move.importCustomers(Array.from({ length: count }, () => buildCustomer()));
  await move.toMigrating();
  return { move, mcas: await move.children('machine=mcaReacceptance') };
}

async function history(id: string): Promise<Array<{ type: string; outcome: string }>> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history`);
  return (res.body as { items: Array<{ type: string; outcome: string }> }).items;
}

describe('attacks on one event to many workflows', () => {
  it('when an event carries a "__proto__" key, then the batch refuses it whole as the single route does, and nothing moves', async () => {
    const { move, mcas } = await migratingWith(1);
    const event = '{"type":"ACCEPTANCE_REQUESTED","__proto__":{"note":"hidden"}}';
    const single = await as(h.app, move.team.manager)
      .post(`/v1/workflows/${mcas[0]!.id}/events`)
      .set('Content-Type', 'application/json')
      .send(event);
    expect(single.status).toBe(422);

    const res = await as(h.app, move.team.manager)
      .post(batchPath)
      .set('Content-Type', 'application/json')
      .send(
        `{"filter":{"machine":"mcaReacceptance","workflowIds":["${mcas[0]!.id}"]},"event":${event}}`,
      );
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect((res.body as { errors: Array<{ path: string }> }).errors).toContainEqual(
      expect.objectContaining({ path: 'event' }),
    );
    expect(await move.get(mcas[0]!.id)).toMatchObject({ state: 'awaitingAcceptance', version: 1 });
  });

  it('when a cursor is forged (negative, huge, of another shape), then it is refused, never read', async () => {
    const { move, mcas } = await migratingWith(1);
    const forged = [
      { seq: -1 },
      { seq: 1e300 },
      { seq: '1' },
      [1],
      { s: 'name', o: 'asc', k: 'a', p: 1 },
    ];
    for (const value of forged) {
      const res = await as(h.app, move.team.manager).post(batchPath, {
        filter: { machine: 'mcaReacceptance', workflowIds: [mcas[0]!.id] },
        event: { type: 'ACCEPTANCE_REQUESTED' },
        cursor: Buffer.from(JSON.stringify(value)).toString('base64url'),
      });
      expect(res.status, JSON.stringify(value)).toBe(422);
    }
    expect((await move.get(mcas[0]!.id)).version).toBe(1);
  });

  it("when others aim at a transition's workflows by id, parent or partner, then they find, count and move nothing", async () => {
    const { move, mcas } = await migratingWith(3);
    const stranger = await createPartnerTeam(h.app, h.adminToken);
    const otherProvider = await Move.provider(h.app, h.adminToken, 'EU');
    const filters = [
      { machine: 'mcaReacceptance', workflowIds: [...mcas.map((m) => m.id), mcas[0]!.id] },
      { machine: 'mcaReacceptance', parentId: move.transitionId },
      { machine: 'mcaReacceptance', partnerId: move.team.partnerId },
    ];
    for (const filter of filters) {
      const asStranger = await as(h.app, stranger.manager).post(batchPath, {
        filter,
        event: { type: 'ACCEPTANCE_REQUESTED' },
        limit: 1,
      });
      expect(asStranger.body).toMatchObject({ items: [], remaining: 0, nextCursor: null });
      const asProvider = await as(h.app, otherProvider.token).post(batchPath, {
        filter,
        event: {
          type: 'ACCEPTANCE_RECORDED',
          acceptedBy: { firstName: 'E', lastName: 'Ve', email: 'eve@example.com' },
          dateAgreed: '2026-01-01',
        },
        limit: 1,
      });
      expect(asProvider.status, JSON.stringify(asProvider.body)).toBe(200);
      expect(asProvider.body).toMatchObject({ items: [], remaining: 0, nextCursor: null });
    }
    for (const mca of mcas) expect((await move.get(mca.id)).version).toBe(1);
  });

  it('when batches with one Idempotency-Key race each other, then each workflow takes the event once and every answer says applied', async () => {
    const { move, mcas } = await migratingWith(5);
    const body = {
      filter: { machine: 'mcaReacceptance', workflowIds: mcas.map((m) => m.id) },
      event: { type: 'ACCEPTANCE_REQUESTED' },
    };
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        as(h.app, move.team.manager).post(batchPath, body).set('Idempotency-Key', 'same-run'),
      ),
    );
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect((res.body as BatchAnswer).items.map((i) => i.outcome)).toEqual(
        Array(5).fill('applied'),
      );
    }
    for (const mca of mcas) {
      const applied = (await history(mca.id)).filter(
        (row) => row.type === 'ACCEPTANCE_REQUESTED' && row.outcome === 'applied',
      );
      expect(applied).toHaveLength(1);
    }
  });

  it('when a batch races a cancel of the parent transition, then no cancelled child moves after its cancellation', async () => {
    const { move, mcas } = await migratingWith(8);
    const body = {
      filter: { machine: 'mcaReacceptance', parentId: move.transitionId },
      event: { type: 'ACCEPTANCE_REQUESTED' },
    };
    const [first, cancel, second] = await Promise.all([
      as(h.app, move.team.manager).post(batchPath, body),
      as(h.app, move.team.globalAdmin).post(`/v1/workflows/${move.transitionId}/events`, {
        type: 'CANCEL',
        reason: 'stopped by the partner',
      }),
      as(h.app, move.team.globalAdmin).post(batchPath, body).set('Idempotency-Key', 'race'),
    ]);
    expect([first.status, cancel.status, second.status]).toEqual([200, 200, 200]);
    for (const mca of mcas) {
      expect((await move.get(mca.id)).status).toBe('cancelled');
      const rows = await history(mca.id);
      const cancelledAt = rows.findIndex((row) => row.type === 'PARENT_CANCELLED');
      expect(cancelledAt).toBeGreaterThan(0);
      expect(rows.slice(cancelledAt + 1).filter((row) => row.outcome === 'applied')).toEqual([]);
    }
  });
});

describe('a batch that fails on one workflow', () => {
  it('when one workflow fails with an error that is no refusal, then the call answers only once nothing more moves, and takes no other workflow', async () => {
    const { move, mcas } = await migratingWith(30);
    // The database gives up on one workflow's statement, as under a statement timeout.
    const send = h.engine.send.bind(h.engine);
    const spy = vi.spyOn(h.engine, 'send').mockImplementation(async (request) => {
      if (request.workflowId !== mcas[0]!.id) return send(request);
      throw Object.assign(new Error('canceling statement due to statement timeout'), {
        code: '57014',
      });
    });
    const body = {
      filter: { machine: 'mcaReacceptance', parentId: move.transitionId },
      event: { type: 'ACCEPTANCE_REQUESTED' },
    };
    let results: Array<{ workflowId: string; outcome: string }> = [];
    try {
      const res = await as(h.app, move.team.manager)
        .post(batchPath, body)
        .set('Idempotency-Key', 'interrupted-1');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      // Not "nothing was applied": the answer names what was handled before it stopped.
      expect(res.body).toMatchObject({ code: 'unavailable' });
      expect((res.body as { detail: string }).detail).toContain('Idempotency-Key');
      results = (res.body as { results: typeof results }).results;
      const moved = async () => {
        const [row] = await h
          .db('workflows')
          .whereIn(
            'id',
            mcas.map((m) => m.id),
          )
          .where({ state: 'requested' })
          .count<Array<{ count: string | number }>>({ count: '*' });
        return Number(row?.count);
      };
      const atAnswer = await moved();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await moved()).toBe(atAnswer);
      expect(atAnswer).toBeLessThan(mcas.length - 1);
      expect(results.filter((r) => r.outcome === 'applied')).toHaveLength(atAnswer);
    } finally {
      spy.mockRestore();
    }
    // Sent again with its key once the fault is gone, the batch finishes, none twice.
    const again = await as(h.app, move.team.manager)
      .post(batchPath, body)
      .set('Idempotency-Key', 'interrupted-1');
    expect(again.status).toBe(200);
    for (const mca of mcas) expect((await move.get(mca.id)).state).toBe('requested');
  });
});
