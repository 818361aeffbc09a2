import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { ConnectedRig, type SimAccount } from './connected-rig.ts';
import type { Move, Workflow } from './move.ts';
import { eventually } from './webhook-receiver.ts';

let h: Harness;
let rig: ConnectedRig;

beforeAll(async () => {
  h = await startHarness();
  rig = await ConnectedRig.start(h);
});
afterEach(async () => {
  await Promise.all(rig.workers.splice(0).map((w) => w.stop()));
});
afterAll(async () => {
  await rig?.close();
  await h?.close();
});

interface SimCall {
  operation: string;
  customer: string | null;
  replayed: boolean;
  requestId: string | null;
}

async function calls(): Promise<SimCall[]> {
  return ((await rig.control('/calls')) as { items: SimCall[] }).items;
}

/** Effects the simulator carried out (not answers it repeated), by operation, for a customer. */
async function effects(tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const call of await calls()) {
    if (call.customer !== tenantId || call.replayed) continue;
    counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  }
  return counts;
}

/** The customer, known to Tiershift and to the simulator alike. */
async function customer(
  move: Move,
  partner: SimAccount,
  overrides: Record<string, unknown> = {},
  legacy: string[] = [],
) {
  const built = buildCustomer(overrides);
  const subscriptions = built.subscriptions as Array<{
    id: string;
    offer: string;
    quantity: number;
    baseSubscriptionId?: string;
  }>;
  await rig.control('/customers', {
    tenantId: built.tenantId,
    name: built.name,
    email: built.billTo.email,
    partnerTenantId: partner.tenantId,
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      offerId: s.offer,
      friendlyName: s.offer,
      quantity: s.quantity,
      billingCycle: 'Monthly',
      ...(legacy.includes(s.id) ? { legacy: true } : {}),
      ...(s.baseSubscriptionId ? { baseSubscriptionId: s.baseSubscriptionId } : {}),
    })),
  });
  const [id] = await move.importCustomers([built]);
  return { id: id!, tenantId: built.tenantId, subscriptions };
}

/** The extension, the consent and the bill-to: the relationship's steps that have no API. */
async function consentByExtension(move: Move, relationship: Workflow): Promise<void> {
  await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
  await move.send(move.team.manager, relationship.id, {
    type: 'CONSENT_GRANTED',
    grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
    method: 'signed_form',
    statementVersion: 'rre-consent-v1',
  });
  await move.send(move.team.globalAdmin, relationship.id, { type: 'BILL_TO_SHARING_CONFIRMED' });
}

describe('connected mode: one customer moved by Partner Center', () => {
  it('records the relationship, the MCA and the transfer from what Partner Center reports, each done once there', async () => {
    rig.startWorker();
    const { move, partner, provider } = await rig.connectedMove();
    const c = await customer(move, partner);
    await move.toMigrating();
    const relationship = await move.childOf('resellerRelationship', c.id);
    const mca = await move.childOf('mcaReacceptance', c.id);
    await consentByExtension(move, relationship);

    // The customer accepts in Partner Center: its webhook brings the news.
    await rig.control(`/customers/${c.tenantId}/relationships`, {
      providerTenantId: provider.tenantId,
      resellerTenantId: partner.tenantId,
    });
    await rig.reach(move, relationship.id, 'established');
    // The customer signs the MCA itself: no webhook says so; the reconciliation finds it.
    await rig.control(`/customers/${c.tenantId}/mca/sign`, {});
    await rig.reach(move, mca.id, 'accepted', { reconcile: true });

    const transfer = await eventually(
      async () => (await move.children(`machine=subscriptionTransfer&customerId=${c.id}`))[0],
      'the transfer workflow',
    );
    await move.send(move.team.manager, transfer.id, { type: 'CUSTOMER_AGREED' });
    await move.send(move.provider.token, transfer.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: c.subscriptions.map((s) => s.id),
    });
    const done = await rig.reach(move, transfer.id, 'completed', { timeoutMs: 20_000 });
    expect(Object.keys((done.output as { newSubscriptionIds: object }).newSubscriptionIds)).toEqual(
      c.subscriptions.map((s) => s.id),
    );
    await rig.reach(move, move.transitionId, 'completed');

    const history = await as(h.app, h.adminToken).get(`/v1/workflows/${transfer.id}/history`);
    const reported = (
      history.body as {
        items: Array<{ type: string; actor: { role: string }; payload: Record<string, unknown> }>;
      }
    ).items.filter((r) => r.actor.role === 'partner_center');
    expect(reported.map((r) => r.type)).toEqual([
      'TRANSFER_REQUEST_CREATED',
      'TRANSFER_SUBMITTED',
      'SUBSCRIPTION_TRANSFERRED',
    ]);
    for (const row of reported) {
      expect(row.payload.evidence).toMatchObject({
        partnerCenter: { requestId: expect.any(String), correlationId: expect.any(String) },
      });
    }
    const verified = await as(h.app, h.adminToken).get(
      `/v1/workflows/${transfer.id}/history/verify`,
    );
    expect(verified.body).toMatchObject({ valid: true });
    // Each step once in Partner Center, whatever the worker retried.
    expect(await effects(c.tenantId)).toEqual({
      acceptProviderRelationship: 1,
      acceptResellerRelationship: 1,
      signMcaDirectly: 1,
      createTransfer: 1,
      submitTransfer: 1,
      completeTransfer: 1,
    });
  });
});
