import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../machines/registry.ts';
import { buildCustomer, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
let move: Move;
const workflowOf: Record<string, string> = {};
const tokens: Record<string, string> = {};
const outsiders: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  move = await Move.start(h.app, h.adminToken);
  const [c] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'admin_center' })]);
  await move.toMigrating();
  const r = await move.childOf('resellerRelationship', c!);
  await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
  await move.send(move.team.manager, r.id, { type: 'INVITATION_ACCEPTED' });
  workflowOf.transition = move.transitionId;
  workflowOf.enrollment = (await move.children('machine=enrollment'))[0]!.id;
  workflowOf.resellerRelationship = (await move.childOf('resellerRelationship', c!)).id;
  workflowOf.mcaReacceptance = (await move.childOf('mcaReacceptance', c!)).id;
  workflowOf.subscriptionTransfer = (await move.childOf('subscriptionTransfer', c!)).id;
  Object.assign(tokens, {
    admin: h.adminToken,
    manager: move.team.manager,
    global_admin: move.team.globalAdmin,
    provider: move.provider.token,
    auditor: move.team.auditor,
  });
  const other = await createPartnerTeam(h.app, h.adminToken);
  Object.assign(outsiders, {
    'manager of another partner': other.manager,
    'global_admin of another partner': other.globalAdmin,
    'another provider': (await Move.provider(h.app, h.adminToken, 'DE')).token,
  });
});
afterAll(async () => h.close());

/** Machines a provider does not see: the partner's own enrollment. */
const hiddenFromProvider = new Set(['enrollment']);

const cases = [...definitions.values()].flatMap((definition) =>
  Object.entries(definition.events)
    .filter(([, spec]) => spec.roles.some((r) => r !== 'system'))
    .map(([type, spec]) => ({
      machine: definition.name,
      type,
      roles: spec.roles,
      ownProvider: spec.ownProvider === true,
    })),
);

describe('who may send each event', () => {
  it.each(cases)(
    '$machine $type: allowed roles pass the role check, others get 403',
    async ({ machine, type, roles, ownProvider }) => {
      const id = workflowOf[machine]!;
      for (const role of ['admin', 'manager', 'global_admin', 'provider', 'auditor']) {
        const body: Record<string, unknown> = { type };
        if (ownProvider && role === 'provider') body.providerId = move.provider.id;
        // A stale If-Match stops an allowed event at 412, right after the role check, so
        // nothing is applied whatever the state.
        const res = await as(h.app, tokens[role]!)
          .post(`/v1/workflows/${id}/events`, body)
          .set('If-Match', '"0"');
        const allowed = roles.includes(role as never) && role !== 'auditor';
        const expected =
          role === 'provider' && hiddenFromProvider.has(machine) ? 404 : allowed ? 412 : 403;
        expect(res.status, `${role} → ${JSON.stringify(res.body)}`).toBe(expected);
      }
    },
  );

  it('when a provider names another provider in a provider event, then 403', async () => {
    const res = await as(h.app, move.provider.token).post(
      `/v1/workflows/${move.transitionId}/events`,
      {
        type: 'PROVIDER_DECLINED',
        providerId: 'prv_someone_else',
      },
    );
    expect(res.status).toBe(403);
  });
});

describe('who may see each workflow', () => {
  it.each(Object.keys(workflowOf))(
    '%s is not found for people of another partner or another provider',
    async (machine) => {
      for (const [who, token] of Object.entries(outsiders)) {
        const id = workflowOf[machine]!;
        expect((await as(h.app, token).get(`/v1/workflows/${id}`)).status, who).toBe(404);
        expect(
          (
            await as(h.app, token).post(`/v1/workflows/${id}/events`, {
              type: 'CANCEL',
              reason: 'x',
            })
          ).status,
          who,
        ).toBe(404);
        expect((await as(h.app, token).get(`/v1/workflows/${id}/history`)).status, who).toBe(404);
      }
    },
  );

  it('when the chosen provider lists workflows, then it sees the transition and the customer workflows, not the enrollment', async () => {
    const res = await as(h.app, move.provider.token).get(
      `/v1/workflows?partnerId=${move.team.partnerId}`,
    );
    const machines = (res.body as { items: Array<{ machine: string }> }).items
      .map((w) => w.machine)
      .sort();
    expect(machines).toEqual([
      'mcaReacceptance',
      'resellerRelationship',
      'subscriptionTransfer',
      'transition',
    ]);
  });
});
