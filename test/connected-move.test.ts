import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { as, startHarness, type Harness } from './harness.ts';
import { ConnectedRig, consentByExtension } from './connected-rig.ts';
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

describe('connected mode: one customer moved by Partner Center', () => {
  it('records the relationship, the MCA and the transfer from what Partner Center reports, each done once there', async () => {
    rig.startWorker();
    const { move, partner, provider } = await rig.connectedMove();
    const c = await rig.customer(move, partner);
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
    expect(await rig.effects(c.tenantId)).toEqual({
      acceptProviderRelationship: 1,
      acceptResellerRelationship: 1,
      signMcaDirectly: 1,
      createTransfer: 1,
      submitTransfer: 1,
      completeTransfer: 1,
    });
  });
});

interface HistoryRow {
  type: string;
  outcome: string;
  actor: { role: string };
  payload: { evidence?: { partnerCenter?: { resourceId?: string } } };
}

async function historyOf(id: string): Promise<HistoryRow[]> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history?limit=500`);
  return (res.body as { items: HistoryRow[] }).items;
}

/** What people still do in connected mode: the consent, and the steps Partner Center has no API for. */
const byHand = new Set([
  'USE_EXTENSION',
  'USE_INVITATION',
  'CONSENT_GRANTED',
  'BILL_TO_SHARING_CONFIRMED',
  'ACCEPTANCE_RECORDED',
  'CUSTOMER_AGREED',
  'DETAILS_CONFIRMED',
  'RETRY',
]);

describe('connected mode: a whole move', () => {
  it('moves a four-customer partner with nobody typing in what Partner Center reports', async () => {
    rig.startWorker();
    const { move, partner, provider } = await rig.connectedMove();
    const tag = crypto.randomUUID().slice(0, 8);
    const plain = await rig.customer(move, partner, {
      subscriptions: [
        { id: `m365-${tag}`, offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 12 },
        {
          id: `phone-${tag}`,
          offer: 'Teams Phone',
          kind: 'nce_license',
          quantity: 12,
          baseSubscriptionId: `m365-${tag}`,
        },
      ],
    });
    const admin = await rig.customer(move, partner, { providerNeedsAdmin: true });
    const legacyId = `legacy-${tag}`;
    const legacy = await rig.customer(
      move,
      partner,
      {
        subscriptions: [
          { id: legacyId, offer: 'Office 365 E1', kind: 'legacy_license', quantity: 3 },
        ],
      },
      [legacyId],
    );
    const failing = await rig.customer(move, partner);
    const customers = [plain, admin, legacy, failing];
    await move.toMigrating();

    // The relationships: consent and the extension, or the invitation; the customer accepts.
    const relationships = new Map<string, string>();
    for (const c of customers) {
      const relationship = await move.childOf('resellerRelationship', c.id);
      relationships.set(c.id, relationship.id);
      if (c === admin) {
        await move.send(move.team.manager, relationship.id, { type: 'USE_INVITATION' });
      } else {
        await consentByExtension(move, relationship);
      }
      await rig.control(`/customers/${c.tenantId}/relationships`, {
        providerTenantId: provider.tenantId,
        resellerTenantId: partner.tenantId,
      });
    }
    // GDAP: Tiershift asks for it; the customer approves in Partner Center.
    await rig.reach(move, relationships.get(admin.id)!, 'gdapRequested');
    const requested = (await historyOf(relationships.get(admin.id)!)).find(
      (r) => r.type === 'GDAP_REQUESTED',
    );
    const gdapId = requested?.payload.evidence?.partnerCenter?.resourceId;
    expect(gdapId).toEqual(expect.any(String));
    await rig.control(`/gdap/${gdapId}/approve`, {});
    for (const c of customers) {
      await rig.reach(move, relationships.get(c.id)!, 'established', { reconcile: true });
    }

    // The MCA: three customers sign it themselves; the provider records the fourth's.
    for (const c of customers) {
      const mca = await move.childOf('mcaReacceptance', c.id);
      if (c === admin) {
        await move.send(move.provider.token, mca.id, {
          type: 'ACCEPTANCE_RECORDED',
          acceptedBy: { firstName: 'Dana', lastName: 'Reyes', email: 'dana@fabrikam.example' },
          dateAgreed: new Date().toISOString().slice(0, 10),
        });
      } else {
        await rig.control(`/customers/${c.tenantId}/mca/sign`, {});
        await rig.reach(move, mca.id, 'accepted', { reconcile: true });
      }
    }

    // The transfers: agreed and settled by people, carried out by Partner Center.
    await rig.control('/transfer-failures', {
      subscriptionId: failing.subscriptions[0]!.id,
      code: 5010,
      description: 'The seat count exceeds what the provider may sell.',
    });
    const transfers = new Map<string, string>();
    for (const c of customers) {
      const transfer = await eventually(
        async () => (await move.children(`machine=subscriptionTransfer&customerId=${c.id}`))[0],
        `the transfer of ${c.id}`,
      );
      transfers.set(c.id, transfer.id);
      await move.send(move.team.manager, transfer.id, { type: 'CUSTOMER_AGREED' });
    }
    const migrated = await eventually(async () => {
      await rig.connected.reconcile();
      const transfer = await move.get(transfers.get(legacy.id)!);
      const subscriptions = transfer.context.subscriptions as Array<{ id: string; kind: string }>;
      return subscriptions.every((s) => s.kind !== 'legacy_license') && subscriptions;
    }, 'the legacy subscription migrated');
    expect(migrated[0]!.id).not.toBe(legacyId);
    for (const c of customers) {
      const transfer = await move.get(transfers.get(c.id)!);
      const ids = (transfer.context.subscriptions as Array<{ id: string }>).map((s) => s.id);
      await move.send(move.provider.token, transfer.id, {
        type: 'DETAILS_CONFIRMED',
        subscriptionIds: ids,
      });
    }
    await rig.reach(move, transfers.get(failing.id)!, 'partiallyFailed', { timeoutMs: 20_000 });
    await move.send(move.team.manager, transfers.get(failing.id)!, {
      type: 'RETRY',
      subscriptionIds: [failing.subscriptions[0]!.id],
    });
    for (const c of customers) {
      await rig.reach(move, transfers.get(c.id)!, 'completed', { timeoutMs: 20_000 });
    }
    await rig.reach(move, move.transitionId, 'completed');

    // Nobody typed in what Partner Center reported, and its reports carry their evidence.
    for (const c of customers) {
      for (const id of [
        relationships.get(c.id)!,
        transfers.get(c.id)!,
        (await move.childOf('mcaReacceptance', c.id)).id,
      ]) {
        for (const row of await historyOf(id)) {
          if (row.outcome !== 'applied' || ['system', 'partner_center'].includes(row.actor.role)) {
            continue;
          }
          expect(byHand.has(row.type) || row.type === 'CREATED', `${row.type} by hand`).toBe(true);
        }
      }
    }

    // And Partner Center did each step once.
    expect(await rig.effects(plain.tenantId)).toMatchObject({
      createTransfer: 1,
      submitTransfer: 1,
    });
    expect(await rig.effects(admin.tenantId)).toMatchObject({
      createGdapRelationship: 1,
      lockGdapForApproval: 1,
      createAgreement: 1,
      createTransfer: 1,
    });
    expect(await rig.effects(legacy.tenantId)).toMatchObject({
      createMigration: 1,
      createTransfer: 1,
    });
    expect(await rig.effects(failing.tenantId)).toMatchObject({
      createTransfer: 2,
      submitTransfer: 2,
    });
  });
});
