import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

interface Timer {
  workflowId: string;
  eventType: string;
  status: string;
  dueAt: string;
  attempts: number;
  lastError: string | null;
}

const timersOf = async (token: string, id: string) => {
  const res = await as(h.app, token).get(`/v1/workflows/${id}/timers`);
  return { status: res.status, items: (res.body as { items?: Timer[] }).items ?? [] };
};

describe("a workflow's timers", () => {
  it('when an MCA is asked for, then its reminder shows with when it fires, to those who may read the MCA', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [customer] = await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    const mca = await move.childOf('mcaReacceptance', customer!);
    expect((await timersOf(move.team.manager, mca.id)).items).toEqual([]);

    await move.send(move.team.manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });
    const sevenDays = h.clock.now().getTime() + 7 * 24 * 3600 * 1000;
    const { status, items } = await timersOf(move.team.manager, mca.id);
    expect(status).toBe(200);
    expect(items).toMatchObject([
      { workflowId: mca.id, eventType: 'REMINDER_DUE', status: 'pending', attempts: 0 },
    ]);
    expect(new Date(items[0]!.dueAt).getTime()).toBe(sevenDays);

    const other = await createPartnerTeam(h.app, h.adminToken);
    expect((await timersOf(other.manager, mca.id)).status).toBe(404);
    expect((await timersOf(move.team.auditor, mca.id)).status).toBe(200);
  });

  it('when a timer failed, then only admins and auditors read why', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [customer] = await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    const mca = await move.childOf('mcaReacceptance', customer!);
    await move.send(move.team.manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });
    await h.db('timers').where({ workflow_id: mca.id }).update({
      attempts: 2,
      last_error: 'connection terminated unexpectedly',
    });
    const byManager = await timersOf(move.team.manager, mca.id);
    expect(byManager.items[0]).toMatchObject({ attempts: 2, lastError: null });
    const byAuditor = await timersOf(move.team.auditor, mca.id);
    expect(byAuditor.items[0]).toMatchObject({
      attempts: 2,
      lastError: 'connection terminated unexpectedly',
    });
  });
});
