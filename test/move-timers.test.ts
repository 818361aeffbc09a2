import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingTimers } from '../src/store/timers.ts';
import { buildCustomer, buildPartner } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function historyTypes(id: string): Promise<string[]> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history?limit=500`);
  return (res.body as { items: Array<{ type: string }> }).items.map((r) => r.type);
}

describe('timers of the move, under a moved clock', () => {
  it('when the MCA acceptance is awaited, then a reminder is recorded every 7 days until it is accepted', async () => {
    h.clock.set(new Date('2026-05-04T09:00:00Z'));
    const move = await Move.start(h.app, h.adminToken);
    const [c] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'none' })]);
    await move.toMigrating();
    const mca = await move.childOf('mcaReacceptance', c!);
    await move.send(move.team.manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });

    h.clock.advanceDays(7);
    await h.engine.fireDueTimers();
    h.clock.advanceDays(7);
    await h.engine.fireDueTimers();
    expect((await move.get(mca.id)).context.reminders).toBe(2);
    expect((await historyTypes(mca.id)).filter((t) => t === 'REMINDER_DUE')).toHaveLength(2);

    await move.send(move.provider.token, mca.id, {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Ann', lastName: 'Lee', email: 'ann@fabrikam.example' },
      dateAgreed: '2026-05-18',
    });
    expect(await pendingTimers(h.db, mca.id)).toEqual([]);
  });

  it('when a transfer request is not submitted within 30 days, then it expires back to awaitingTransferRequest', async () => {
    h.clock.set(new Date('2026-06-01T09:00:00Z'));
    const partner = buildPartner();
    const move = await Move.start(h.app, h.adminToken, partner);
    const [c] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'admin_center' })]);
    await move.toMigrating();
    const { manager } = move.team;
    const r = await move.childOf('resellerRelationship', c!);
    await move.send(manager, r.id, { type: 'USE_INVITATION' });
    await move.send(manager, r.id, { type: 'INVITATION_ACCEPTED' });
    const t = await move.childOf('subscriptionTransfer', c!);
    await move.send(manager, t.id, { type: 'CUSTOMER_AGREED' });
    const subscriptionId = (t.context.subscriptions as Array<{ id: string }>)[0]!.id;
    await move.send(manager, t.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: [subscriptionId],
    });
    await move.send(move.provider.token, t.id, {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@fabrikam.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    });

    h.clock.advanceDays(29);
    await h.engine.fireDueTimers();
    expect((await move.get(t.id)).state).toBe('sourceReview');
    h.clock.advanceDays(1);
    await h.engine.fireDueTimers();
    const expired = await move.get(t.id);
    expect(expired).toMatchObject({
      state: 'awaitingTransferRequest',
      context: { request: null, expiredRequests: 1 },
    });
  });

  it('when the incentives invitation does not come within 30 days on the existing tenant, then the transition is flagged', async () => {
    h.clock.set(new Date('2026-07-01T09:00:00Z'));
    const move = await Move.start(h.app, h.adminToken);
    const t = await as(h.app, move.team.globalAdmin).post(
      `/v1/workflows/${move.transitionId}/events`,
      {
        type: 'CANCEL',
        reason: 'start over on the existing tenant',
      },
    );
    expect(t.status).toBe(200);
    const created = await as(h.app, move.team.manager).post('/v1/transitions', {
      partnerId: move.team.partnerId,
      tenantStrategy: 'existing_tenant',
      migrationDeadline: '2026-08-15',
    });
    const id = (created.body as { id: string }).id;
    const { manager, globalAdmin } = move.team;
    await move.send(manager, id, { type: 'CONFIRM_PROFILE' });
    await move.send(h.adminToken, id, { type: 'DIRECT_BILL_RESTRICTED' });
    const list = await as(h.app, manager).get(`/v1/workflows?machine=enrollment&parentId=${id}`);
    const enrollmentId = (list.body as { items: Array<{ id: string }> }).items[0]!.id;
    await move.send(globalAdmin, enrollmentId, { type: 'SUBMIT' });
    await move.send(h.adminToken, enrollmentId, { type: 'APPROVE' });
    await move.send(globalAdmin, enrollmentId, {
      type: 'ACCEPT_AGREEMENT',
      agreementVersion: 'MPA-2026',
    });
    expect((await move.get(id)).flags).toEqual([]);

    h.clock.advanceDays(30);
    await h.engine.fireDueTimers();
    expect((await move.get(id)).flags).toEqual(['incentivesInvitationOverdue']);
    await move.send(manager, id, { type: 'INCENTIVES_INVITATION_RECEIVED' });
    expect((await move.get(id)).flags).toEqual([]);

    h.clock.set(new Date('2026-08-15T23:59:59Z'));
    await h.engine.fireDueTimers();
    expect((await move.get(id)).flags).toEqual([]);
    h.clock.set(new Date('2026-08-16T00:00:00Z'));
    await h.engine.fireDueTimers();
    expect((await move.get(id)).flags).toEqual(['migrationOverdue']);
  });
});
