import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

/**
 * An import into a partner whose transition is migrating plans its customers in its own
 * transaction, yet holds the transition's row only for its last short step. On Postgres the
 * racing cases really race (the harness pool has 20 connections); on the embedded database
 * the same requests queue, and the outcome must be the same.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** Customers of both MCA kinds: one kept from the admin center is settled at creation. */
function customers(count: number): object[] {
  return Array.from({ length: count }, (_, i) =>
    buildCustomer({ mcaAcceptance: i % 3 === 0 ? 'admin_center' : 'none' }),
  );
}

function postImport(move: Move, body: object[], headers: Record<string, string> = {}) {
  return as(h.app, move.team.manager)
    .post(`/v1/partners/${move.team.partnerId}/customers`, body)
    .set(headers);
}

function idsOf(body: unknown): string[] {
  return (body as { items: Array<{ id: string }> }).items.map((c) => c.id);
}

interface Child {
  id: string;
  customer_id: string;
  machine: string;
  state: string;
  status: string;
}

async function childrenOf(transitionId: string): Promise<Child[]> {
  return h
    .db('workflows')
    .where('parent_id', transitionId)
    .whereNotNull('customer_id')
    .select('id', 'customer_id', 'machine', 'state', 'status');
}

/** Per customer, how many children of each machine it has under the transition. */
async function planOf(transitionId: string): Promise<Map<string, Record<string, number>>> {
  const plan = new Map<string, Record<string, number>>();
  for (const child of await childrenOf(transitionId)) {
    const counts = plan.get(child.customer_id) ?? {};
    counts[child.machine] = (counts[child.machine] ?? 0) + 1;
    plan.set(child.customer_id, counts);
  }
  return plan;
}

/** I4: each customer has one relationship and one MCA, and the transition counts them all. */
async function expectPlannedOnce(move: Move, customerIds: string[]): Promise<void> {
  const plan = await planOf(move.transitionId);
  for (const id of customerIds) {
    expect(plan.get(id), `customer ${id}`).toEqual({ resellerRelationship: 1, mcaReacceptance: 1 });
  }
  const transition = await move.get(move.transitionId);
  expect(transition.context.customersTotal).toBe(plan.size);
}

async function expectChainVerifies(id: string): Promise<void> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history/verify`);
  expect(res.status).toBe(200);
  expect(res.body, id).toMatchObject({ valid: true });
}

/** Waits until this many of the database's sessions wait for a lock. */
async function waitingOnLocks(count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const result: { rows: Array<{ n: string }> } = await h.db.raw(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(result.rows[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} sessions wait for a lock`);
}

async function importingMove(before = 1): Promise<{ move: Move; first: string[] }> {
  const move = await Move.start(h.app, h.adminToken);
  const first = await move.importCustomers(customers(before));
  await move.toMigrating();
  return { move, first };
}

describe('an import into a migrating transition', () => {
  it('when customers are imported, then each is planned once, counted, and every chain verifies', async () => {
    const { move, first } = await importingMove();
    const res = await postImport(move, [
      ...customers(40),
      buildCustomer({ acquiredAs: 'indirect_reseller' }),
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const imported = idsOf(res.body);
    await expectPlannedOnce(move, [...first, ...imported.slice(0, 40)]);
    // The indirect reseller customer is not moved.
    expect((await planOf(move.transitionId)).has(imported[40]!)).toBe(false);

    // An MCA kept from the admin center is settled at once, and its report reached the parent.
    const children = await childrenOf(move.transitionId);
    const retained = children.filter((c) => c.state === 'retained');
    expect(retained.length).toBe(14 + 1);
    const reports = await h
      .db('history')
      .where({ workflow_id: move.transitionId, type: 'CHILD_DONE', outcome: 'applied' })
      .whereRaw(`payload->>'machine' = 'mcaReacceptance'`)
      .count({ n: '*' });
    expect(Number(reports[0]?.n)).toBe(retained.length);

    await expectChainVerifies(move.transitionId);
    for (const child of children) await expectChainVerifies(child.id);
  });

  it('when it is sent twice with one Idempotency-Key, then it is stored once and answered the same twice', async () => {
    const { move } = await importingMove();
    const body = customers(5);
    const headers = { 'Idempotency-Key': `import-${crypto.randomUUID()}` };
    const first = await postImport(move, body, headers);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await postImport(move, body, headers);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);

    const stored = await h.db('customers').where('partner_id', move.team.partnerId).pluck('id');
    expect(stored.length).toBe(1 + 5);
    await expectPlannedOnce(move, idsOf(first.body));

    // Another import with the same key is refused, and stores nothing.
    const other = await postImport(move, customers(1), headers);
    expect(other.status).toBe(422);
    expect((other.body as { code: string }).code).toBe('idempotency_key_reused');
    expect(await h.db('customers').where('partner_id', move.team.partnerId).pluck('id')).toEqual(
      expect.arrayContaining(stored),
    );
  });

  it('when it races a CANCEL, then its customers are planned and cancelled, or not planned at all', async () => {
    const { move } = await importingMove();
    const [imported, cancelled] = await Promise.all([
      postImport(move, customers(300)),
      as(h.app, move.team.globalAdmin).post(`/v1/workflows/${move.transitionId}/events`, {
        type: 'CANCEL',
        reason: 'the partner stays direct bill',
      }),
    ]);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);

    const children = await childrenOf(move.transitionId);
    expect(children.filter((c) => c.status === 'active')).toEqual([]);
    const plan = await planOf(move.transitionId);
    const planned = idsOf(imported.body).filter((id) => plan.has(id));
    // All or nothing: the import committed before the cancel, or after it.
    expect([0, 300]).toContain(planned.length);
    await expectPlannedOnce(
      move,
      idsOf(imported.body).filter((id) => plan.has(id)),
    );
    await expectChainVerifies(move.transitionId);
  });

  it('when the transition is cancelled after the children were written but before its lock, then they are dropped', async () => {
    const { move } = await importingMove();
    const cancel = { type: 'CANCEL', reason: 'the partner stays direct bill' };
    const body = customers(50);
    let imported;
    if (h.kind === 'postgres') {
      // Hold a child of the transition, so that the CANCEL, holding the transition's row,
      // waits on it while cancelling; the import writes its children meanwhile and queues on
      // the transition's row. Then the CANCEL commits first.
      const [child] = await childrenOf(move.transitionId);
      const hold = await h.db.transaction();
      await hold('workflows').where({ id: child!.id }).forNoKeyUpdate().first();
      const cancelled = Promise.resolve(
        as(h.app, move.team.globalAdmin).post(`/v1/workflows/${move.transitionId}/events`, cancel),
      );
      await waitingOnLocks(1);
      imported = Promise.resolve(postImport(move, body));
      await waitingOnLocks(2);
      await hold.commit();
      expect((await cancelled).status).toBe(200);
    } else {
      // One transaction at a time: the same order, one after the other.
      await move.send(move.team.globalAdmin, move.transitionId, cancel);
      imported = Promise.resolve(postImport(move, body));
    }
    const res = await imported;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const plan = await planOf(move.transitionId);
    expect(idsOf(res.body).filter((id) => plan.has(id))).toEqual([]);
    expect((await childrenOf(move.transitionId)).filter((c) => c.status === 'active')).toEqual([]);
    const transition = await move.get(move.transitionId);
    expect(transition.state).toBe('cancelled');
    expect(transition.context.customersTotal).toBe(plan.size);
    await expectChainVerifies(move.transitionId);
  });

  it('when two imports race, then every customer of both is planned once', async () => {
    const { move, first } = await importingMove();
    const [a, b] = await Promise.all([
      postImport(move, customers(200)),
      postImport(move, customers(200)),
    ]);
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    await expectPlannedOnce(move, [...first, ...idsOf(a.body), ...idsOf(b.body)]);
    await expectChainVerifies(move.transitionId);
  });

  it('when it races the transition entering migratingCustomers, then every customer is planned once', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const first = await move.importCustomers(customers(3));
    await move.toPartnering();
    await move.toInvitationSent();
    const [imported, accepted] = await Promise.all([
      postImport(move, customers(200)),
      as(h.app, move.team.globalAdmin).post(`/v1/workflows/${move.transitionId}/events`, {
        type: 'PROVIDER_INVITATION_ACCEPTED',
        providerId: move.provider.id,
      }),
    ]);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    await expectPlannedOnce(move, [...first, ...idsOf(imported.body)]);
    await expectChainVerifies(move.transitionId);
  });

  it('when a large import is planned, then events on the transition are not held up by it', async () => {
    const { move } = await importingMove();
    const event = { type: 'INCENTIVES_INVITATION_RECEIVED' };
    const waits: number[] = [];
    let importing = true;
    const started = Date.now();
    const imported = Promise.resolve(postImport(move, customers(2_000))).finally(() => {
      importing = false;
    });
    const events = (async () => {
      while (importing) {
        const sent = Date.now();
        const res = await as(h.app, move.team.manager).post(
          `/v1/workflows/${move.transitionId}/events`,
          event,
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        waits.push(Date.now() - sent);
      }
    })();
    const res = await imported;
    const importMs = Date.now() - started;
    await events;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await expectPlannedOnce(move, idsOf(res.body));
    expect(waits.length).toBeGreaterThan(0);
    // The embedded database runs one transaction at a time, so there the events queue behind
    // the whole import by design; on Postgres they wait at most for its last short step.
    if (h.kind === 'postgres') {
      expect(Math.max(...waits), `waits ${waits.join(', ')} during ${importMs} ms`).toBeLessThan(
        importMs / 4,
      );
    }
  }, 60_000);
});
