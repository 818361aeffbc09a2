import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';

let h: Harness;

beforeAll(async () => {
  // Its own database: it stores a workflow of a machine version no build runs, which would stop
  // every other start on a shared one.
  h = await startHarness({ ownDatabase: true });
});

afterAll(async () => {
  await h?.close();
});

const batchPath = '/v1/workflows/events:batch';

interface BatchItem {
  workflowId: string;
  customerId: string | null;
  outcome: 'applied' | 'refused';
  status: number;
  state?: string;
  code?: string;
  problem?: Record<string, unknown>;
}
interface BatchAnswer {
  items: BatchItem[];
  applied: number;
  refused: number;
  remaining: number;
  nextCursor: string | null;
}

/** A move in `migratingCustomers` with `count` customers, each MCA waiting for its request. */
async function migratingWith(count: number): Promise<{ move: Move; mcas: Workflow[] }> {
  const move = await Move.start(h.app, h.adminToken);
  await move.importCustomers(Array.from({ length: count }, () => buildCustomer()));
  await move.toMigrating();
  const mcas = await move.children('machine=mcaReacceptance');
  expect(mcas.map((m) => m.state)).toEqual(Array(count).fill('awaitingAcceptance'));
  return { move, mcas };
}

const waitingMcas = (move: Move) => ({
  machine: 'mcaReacceptance',
  state: 'awaitingAcceptance',
  parentId: move.transitionId,
});

async function batch(token: string, body: unknown, key?: string) {
  const req = as(h.app, token).post(batchPath, body);
  return key === undefined ? req : req.set('Idempotency-Key', key);
}

async function historyTypes(id: string): Promise<Array<[string, string]>> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history`);
  const items = (res.body as { items: Array<{ type: string; outcome: string }> }).items;
  return items.map((e) => [e.type, e.outcome]);
}

describe('one event to many workflows', () => {
  it('when a manager asks for the MCA of every waiting customer, then each is applied and recorded as if sent alone', async () => {
    const { move, mcas } = await migratingWith(3);
    const res = await batch(move.team.manager, {
      filter: waitingMcas(move),
      event: { type: 'ACCEPTANCE_REQUESTED' },
    });
    expect(res.status).toBe(200);
    const answer = res.body as BatchAnswer;
    expect(answer).toMatchObject({ applied: 3, refused: 0, remaining: 0, nextCursor: null });
    expect(answer.items.map((i) => i.workflowId)).toEqual(mcas.map((m) => m.id));
    for (const item of answer.items) {
      expect(item).toMatchObject({ outcome: 'applied', status: 200, state: 'requested' });
      expect(await historyTypes(item.workflowId)).toContainEqual([
        'ACCEPTANCE_REQUESTED',
        'applied',
      ]);
    }
    const history = await as(h.app, h.adminToken).get(`/v1/workflows/${mcas[0]!.id}/history`);
    const last = (history.body as { items: Array<{ actor: { role: string } }> }).items.at(-1);
    expect(last?.actor.role).toBe('manager');
  });

  it('when more match than the limit, then a call takes a page and the cursor takes the rest', async () => {
    const { move, mcas } = await migratingWith(3);
    const first = (
      await batch(move.team.manager, {
        filter: waitingMcas(move),
        event: { type: 'ACCEPTANCE_REQUESTED' },
        limit: 2,
      })
    ).body as BatchAnswer;
    expect(first.items.map((i) => i.workflowId)).toEqual([mcas[0]!.id, mcas[1]!.id]);
    expect(first.remaining).toBe(1);
    expect(first.nextCursor).not.toBeNull();
    const second = (
      await batch(move.team.manager, {
        filter: waitingMcas(move),
        event: { type: 'ACCEPTANCE_REQUESTED' },
        limit: 2,
        cursor: first.nextCursor,
      })
    ).body as BatchAnswer;
    expect(second.items.map((i) => i.workflowId)).toEqual([mcas[2]!.id]);
    expect(second).toMatchObject({ remaining: 0, nextCursor: null });
  });

  it('when a chosen workflow cannot take the event, then it alone is refused with its code, and the refusal is in its history', async () => {
    const { move, mcas } = await migratingWith(2);
    await move.send(move.team.manager, mcas[0]!.id, { type: 'ACCEPTANCE_REQUESTED' });
    const res = await batch(move.team.manager, {
      filter: { machine: 'mcaReacceptance', workflowIds: mcas.map((m) => m.id) },
      event: { type: 'ACCEPTANCE_REQUESTED' },
    });
    expect(res.status).toBe(200);
    const [refused, applied] = (res.body as BatchAnswer).items;
    expect(refused).toMatchObject({
      workflowId: mcas[0]!.id,
      outcome: 'refused',
      status: 409,
      code: 'event_not_allowed',
    });
    expect(refused?.problem?.nextEvents).toBeDefined();
    expect(applied).toMatchObject({ workflowId: mcas[1]!.id, outcome: 'applied' });
    expect(await historyTypes(mcas[0]!.id)).toContainEqual(['ACCEPTANCE_REQUESTED', 'rejected']);
  });

  it('when one workflow was stored by a machine version this server does not run, then it alone is refused', async () => {
    const { move, mcas } = await migratingWith(2);
    await h.db('workflows').where({ id: mcas[0]!.id }).update({ machine_version: 99 });
    const res = await batch(move.team.manager, {
      filter: { machine: 'mcaReacceptance', workflowIds: mcas.map((m) => m.id) },
      event: { type: 'ACCEPTANCE_REQUESTED' },
    });
    expect(res.status).toBe(200);
    expect((res.body as BatchAnswer).items).toMatchObject([
      { workflowId: mcas[0]!.id, outcome: 'refused', code: 'machine_version_unsupported' },
      { workflowId: mcas[1]!.id, outcome: 'applied' },
    ]);
  });

  it('when the event cannot be applied to any workflow, then the whole batch is refused before one is touched', async () => {
    const { move, mcas } = await migratingWith(1);
    const filter = waitingMcas(move);
    const cases: Array<[string, unknown, number, string]> = [
      [move.team.manager, { filter, event: { type: 'NO_SUCH_EVENT' } }, 422, 'event.type'],
      [
        move.team.manager,
        { filter: { machine: 'nope' }, event: { type: 'X' } },
        422,
        'filter.machine',
      ],
      [
        move.team.manager,
        { filter, event: { type: 'ACCEPTANCE_REQUESTED', extra: 1 } },
        422,
        'event',
      ],
      [move.team.manager, { filter, event: { type: 'REMINDER_DUE' } }, 422, 'event.type'],
      [move.team.auditor, { filter, event: { type: 'ACCEPTANCE_REQUESTED' } }, 403, ''],
      [move.team.auditor, { filter, event: { type: 'NO_SUCH_EVENT' } }, 403, ''],
      [move.provider.token, { filter, event: { type: 'ACCEPTANCE_REQUESTED' } }, 403, ''],
      [
        move.team.manager,
        { filter, event: { type: 'ACCEPTANCE_REQUESTED' }, cursor: 'x' },
        422,
        'cursor',
      ],
      [
        move.team.manager,
        { filter, event: { type: 'ACCEPTANCE_REQUESTED' }, limit: 501 },
        422,
        'limit',
      ],
      [move.team.manager, { event: { type: 'ACCEPTANCE_REQUESTED' } }, 422, 'filter'],
    ];
    for (const [token, body, status, path] of cases) {
      const res = await batch(token, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (path) {
        const errors = (res.body as { errors: Array<{ path: string }> }).errors;
        expect(errors.map((e) => e.path).some((p) => p.startsWith(path))).toBe(true);
      }
    }
    expect((await batch(move.team.manager, [])).status).toBe(400);
    expect(await historyTypes(mcas[0]!.id)).toEqual([['CREATED', 'applied']]);
  });

  it("when another partner's manager aims at a transition not its own, then nothing is found and nothing changes", async () => {
    const { move, mcas } = await migratingWith(2);
    const other = await createPartnerTeam(h.app, h.adminToken);
    const res = await batch(other.manager, {
      filter: { machine: 'mcaReacceptance', workflowIds: mcas.map((m) => m.id) },
      event: { type: 'ACCEPTANCE_REQUESTED' },
    });
    expect(res.body).toMatchObject({ items: [], applied: 0, refused: 0, remaining: 0 });
    for (const mca of mcas) expect((await move.get(mca.id)).state).toBe('awaitingAcceptance');
  });

  it('when a call is repeated with its Idempotency-Key, then nothing is applied twice and the first outcome is answered again', async () => {
    const { move, mcas } = await migratingWith(2);
    const body = {
      filter: { machine: 'mcaReacceptance', workflowIds: mcas.map((m) => m.id) },
      event: { type: 'ACCEPTANCE_REQUESTED' },
    };
    const first = (await batch(move.team.manager, body, 'ask-all-1')).body as BatchAnswer;
    const again = (await batch(move.team.manager, body, 'ask-all-1')).body as BatchAnswer;
    expect(first.applied).toBe(2);
    expect(again.items).toEqual(first.items);
    for (const mca of mcas) {
      const types = await historyTypes(mca.id);
      expect(types.filter(([t]) => t === 'ACCEPTANCE_REQUESTED')).toEqual([
        ['ACCEPTANCE_REQUESTED', 'applied'],
      ]);
    }
    // Without the key the same call is new: the MCAs have moved on and refuse it.
    const fresh = (await batch(move.team.manager, body)).body as BatchAnswer;
    expect(fresh.items.map((i) => i.code)).toEqual(['event_not_allowed', 'event_not_allowed']);
  });

  it('when batches and single events race for the same workflows, then each workflow takes the event exactly once and its history still verifies', async () => {
    const { move, mcas } = await migratingWith(6);
    const body = { filter: waitingMcas(move), event: { type: 'ACCEPTANCE_REQUESTED' } };
    const answers = await Promise.all([
      batch(move.team.manager, body),
      batch(move.team.globalAdmin, body),
      batch(move.team.manager, { ...body, limit: 2 }),
      ...mcas.map((m) =>
        as(h.app, move.team.globalAdmin).post(`/v1/workflows/${m.id}/events`, {
          type: 'ACCEPTANCE_REQUESTED',
        }),
      ),
    ]);
    for (const res of answers) expect(res.status).toBeLessThan(500);
    for (const mca of mcas) {
      expect((await move.get(mca.id)).state).toBe('requested');
      const applied = (await historyTypes(mca.id)).filter(
        ([t, o]) => t === 'ACCEPTANCE_REQUESTED' && o === 'applied',
      );
      expect(applied).toHaveLength(1);
      const verified = await as(h.app, h.adminToken).get(`/v1/workflows/${mca.id}/history/verify`);
      expect(verified.body).toMatchObject({ valid: true });
    }
    const refusals = answers
      .slice(0, 3)
      .flatMap((res) => (res.body as BatchAnswer).items)
      .filter((i) => i.outcome === 'refused');
    for (const refusal of refusals) {
      expect(['version_conflict', 'event_not_allowed']).toContain(refusal.code);
    }
  });
});
