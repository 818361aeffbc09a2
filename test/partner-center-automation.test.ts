import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utcDate } from '../src/engine/time.ts';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';

/**
 * Connected mode as a transition's people see it: which steps Partner Center carries out,
 * which it reports, which are attested by hand, and that what it answers or reports is
 * recorded by the workflow it concerns.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const consent = {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
};

/** Applies events as Partner Center's report, as the connected worker does. */
async function reported(workflowId: string, events: Array<{ type: string } & Record<string, unknown>>) {
  return h.db.transaction((tx) =>
    h.engine.applyReported(tx, workflowId, () => events, {
      operation: 'observed',
      requestId: crypto.randomUUID(),
      correlationId: crypto.randomUUID(),
    }),
  );
}

async function lastActor(workflowId: string): Promise<string> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${workflowId}/history`);
  expect(res.status).toBe(200);
  const items = (res.body as { items: Array<{ actor: { role: string } }> }).items;
  return items.at(-1)!.actor.role;
}

/** A move migrating one customer, with the customer's three workflows. */
async function migratingOne(customer = buildCustomer()) {
  const move = await Move.start(h.app, h.adminToken);
  const [customerId] = await move.importCustomers([customer]);
  await move.toMigrating();
  return { move, customerId: customerId! };
}

/** The customer's transfer, its request created: it waits for the source partner to submit. */
async function inSourceReview(move: Move, customerId: string): Promise<Workflow> {
  const r = await move.childOf('resellerRelationship', customerId);
  await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
  await move.send(move.team.manager, r.id, { type: 'INVITATION_ACCEPTED' });
  const t = await move.childOf('subscriptionTransfer', customerId);
  await move.send(move.team.manager, t.id, { type: 'CUSTOMER_AGREED' });
  const subscriptionIds = (t.context.subscriptions as Array<{ id: string }>).map((s) => s.id);
  await move.send(move.provider.token, t.id, { type: 'DETAILS_CONFIRMED', subscriptionIds });
  return move.send(move.provider.token, t.id, {
    type: 'TRANSFER_REQUEST_CREATED',
    customerEmail: 'it@fabrikam.example',
    sourcePartnerTenantId: move.partner.tenantId,
    partnerOnRecord: move.partner.mpnId,
  });
}

describe('what Partner Center answers and reports is recorded', () => {
  it('when Partner Center submits the transfer, then the transfer records the submission', async () => {
    const { move, customerId } = await migratingOne(
      buildCustomer({ mcaAcceptance: 'admin_center' }),
    );
    const t = await inSourceReview(move, customerId);
    expect(t.state).toBe('sourceReview');
    const subscriptionIds = t.context.confirmedIds as string[];

    const result = await reported(t.id, [{ type: 'TRANSFER_SUBMITTED', subscriptionIds }]);

    expect(result.refused).toBeUndefined();
    expect((await move.get(t.id)).state).toBe('transferring');
    expect(await lastActor(t.id)).toBe('partner_center');
  });

  it('when Partner Center sees the customer accepted the relationship, then the relationship is established', async () => {
    const { move, customerId } = await migratingOne();
    const r = await move.childOf('resellerRelationship', customerId);
    await move.send(move.team.manager, r.id, { type: 'USE_EXTENSION' });
    await move.send(move.team.manager, r.id, consent);
    await move.send(move.team.globalAdmin, r.id, { type: 'BILL_TO_SHARING_CONFIRMED' });

    const result = await reported(r.id, [{ type: 'RELATIONSHIP_ACCEPTED' }]);

    expect(result.refused).toBeUndefined();
    expect((await move.get(r.id)).state).toBe('established');
  });

  it('when Partner Center sees the customer signed the MCA, then the re-acceptance is accepted', async () => {
    const { move, customerId } = await migratingOne();
    const m = await move.childOf('mcaReacceptance', customerId);
    expect(m.state).toBe('awaitingAcceptance');

    const result = await reported(m.id, [
      { type: 'ACCEPTED_IN_ADMIN_CENTER', dateAgreed: utcDate(h.clock.now()) },
    ]);

    expect(result.refused).toBeUndefined();
    expect(await move.get(m.id)).toMatchObject({
      state: 'accepted',
      context: { acceptance: { channel: 'admin_center' } },
    });
  });
});
