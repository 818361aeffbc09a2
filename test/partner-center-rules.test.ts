import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';

/**
 * The rules Partner Center applies to a move, each refused with its code through the API:
 * transfer requests, partner of record, add-ons, what new commerce carries, legacy Azure,
 * region, the MCA in the admin center, and GDAP after the invitation.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const subscription = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  offer: `Offer ${id}`,
  kind: 'nce_license',
  quantity: 1,
  ...fields,
});

/** A move migrating the given customers, with each one's relationship established. */
async function migrating(customers: object[]): Promise<{ move: Move; ids: string[] }> {
  const move = await Move.start(h.app, h.adminToken);
  const ids = await move.importCustomers(customers);
  await move.toMigrating();
  return { move, ids };
}

async function establish(move: Move, customerId: string): Promise<void> {
  const r = await move.childOf('resellerRelationship', customerId);
  await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
  await move.send(move.team.manager, r.id, { type: 'INVITATION_ACCEPTED' });
}

/** The customer's transfer, agreed: waiting for its details to be confirmed. */
async function transferOf(move: Move, customerId: string): Promise<Workflow> {
  await establish(move, customerId);
  const t = await move.childOf('subscriptionTransfer', customerId);
  await move.send(move.team.manager, t.id, { type: 'CUSTOMER_AGREED' });
  return t;
}

/** A move with one customer whose subscription is confirmed: it waits for its request. */
async function awaitingRequest(): Promise<{ move: Move; t: Workflow }> {
  const { move, ids } = await migrating([buildCustomer({ mcaAcceptance: 'admin_center' })]);
  const t = await transferOf(move, ids[0]!);
  const subscriptionIds = (t.context.subscriptions as Array<{ id: string }>).map((s) => s.id);
  await move.send(move.provider.token, t.id, { type: 'DETAILS_CONFIRMED', subscriptionIds });
  return { move, t };
}

function request(move: Move, fields: Record<string, unknown> = {}) {
  return {
    type: 'TRANSFER_REQUEST_CREATED',
    customerEmail: 'it@fabrikam.example',
    sourcePartnerTenantId: move.partner.tenantId,
    partnerOnRecord: move.partner.mpnId,
    ...fields,
  };
}

async function refusal(token: string, id: string, event: object): Promise<unknown> {
  const res = await as(h.app, token).post(`/v1/workflows/${id}/events`, event);
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  return res.body;
}

describe('transfer requests as Partner Center keeps them', () => {
  it('when a partly failed transfer is retried, then a new request is needed, for the failed subscriptions only', async () => {
    const { move, ids } = await migrating([
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [subscription('a'), subscription('b')],
      }),
    ]);
    const { manager } = move.team;
    const provider = move.provider.token;
    const t = await transferOf(move, ids[0]!);
    await move.send(provider, t.id, { type: 'DETAILS_CONFIRMED', subscriptionIds: ['a', 'b'] });
    await move.send(provider, t.id, request(move));
    await move.send(manager, t.id, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['a', 'b'] });
    await move.send(provider, t.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'a',
      newSubscriptionId: 'new-a',
    });
    await move.send(provider, t.id, {
      type: 'SUBSCRIPTION_TRANSFER_FAILED',
      subscriptionId: 'b',
      reason: '900102',
    });

    const retried = await move.send(manager, t.id, { type: 'RETRY', subscriptionIds: ['b'] });
    expect(retried).toMatchObject({
      state: 'awaitingTransferRequest',
      context: { confirmedIds: ['b'], request: null, results: { a: { status: 'transferred' } } },
    });
    await move.send(provider, t.id, request(move));
    await move.send(manager, t.id, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['a'] }, 422);
    await move.send(manager, t.id, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['b'] });
    const done = await move.send(provider, t.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'b',
      newSubscriptionId: 'new-b',
    });
    expect(done).toMatchObject({
      state: 'completed',
      output: { transferred: 2, newSubscriptionIds: { a: 'new-a', b: 'new-b' } },
    });
  });

  it("when Partner Center gives the request's expiry, then it lapses then, not after 30 days", async () => {
    const { move, t } = await awaitingRequest();
    const expiresAt = new Date(h.clock.now().getTime() + 3 * 86_400_000).toISOString();
    const created = await move.send(move.provider.token, t.id, request(move, { expiresAt }));
    expect(created.context.request).toMatchObject({
      expiresAt,
      partnerOnRecord: move.partner.mpnId,
    });

    h.clock.advanceDays(2);
    await h.engine.fireDueTimers();
    expect((await move.get(t.id)).state).toBe('sourceReview');
    h.clock.advanceDays(2);
    await h.engine.fireDueTimers();
    expect(await move.get(t.id)).toMatchObject({
      state: 'awaitingTransferRequest',
      context: { request: null, expiredRequests: 1 },
    });
  });
});

describe('partner of record', () => {
  it('when the request names another PartnerID, then it is refused as an invalid partner of record', async () => {
    const { move, t } = await awaitingRequest();
    expect(
      await refusal(move.provider.token, t.id, request(move, { partnerOnRecord: '1111111' })),
    ).toMatchObject({ code: 'partner_of_record_invalid' });
    const missing = await as(h.app, move.provider.token)
      .post(`/v1/workflows/${t.id}/events`)
      .send({ ...request(move), partnerOnRecord: undefined });
    expect(missing.body).toMatchObject({ status: 422, code: 'validation_failed' });
  });

  it("when the partner's PLA is no longer verified, then no transfer request is accepted for it", async () => {
    const { move, t } = await awaitingRequest();
    h.clock.advanceDays(1);
    const patched = await as(h.app, h.adminToken)
      .patch(`/v1/partners/${move.team.partnerId}`)
      .send({ profile: { ...move.partner.profile, plaVerified: false } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(await refusal(move.provider.token, t.id, request(move))).toMatchObject({
      code: 'partner_of_record_invalid',
    });
  });
});

describe('what a new-commerce transfer carries', () => {
  it('when an add-on is confirmed or submitted without its base, then it is refused', async () => {
    const { move, ids } = await migrating([
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [
          subscription('base'),
          subscription('addon', { baseSubscriptionId: 'base' }),
        ],
      }),
    ]);
    const provider = move.provider.token;
    const t = await transferOf(move, ids[0]!);
    expect(
      await refusal(provider, t.id, { type: 'DETAILS_CONFIRMED', subscriptionIds: ['addon'] }),
    ).toMatchObject({ code: 'addon_without_base', subscriptionIds: ['addon'] });
    await move.send(provider, t.id, { type: 'DETAILS_CONFIRMED', subscriptionIds: ['base'] });
    await move.send(provider, t.id, request(move));
    expect(
      await refusal(move.team.manager, t.id, {
        type: 'TRANSFER_SUBMITTED',
        subscriptionIds: ['addon'],
      }),
    ).toMatchObject({ code: 'addon_without_base' });
    const submitted = await move.send(move.team.manager, t.id, {
      type: 'TRANSFER_SUBMITTED',
      subscriptionIds: ['base'],
    });
    expect(Object.keys(submitted.context.results as object)).toEqual(['base', 'addon']);
  });

  it('when reservations, savings plans, software and an eligible marketplace item are chosen, then they transfer with their terms kept', async () => {
    const terms = { termEndDate: '2027-06-30', billingCycle: 'annual' };
    const { move, ids } = await migrating([
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [
          subscription('ri', { kind: 'azure_reservation', ...terms }),
          subscription('sp', { kind: 'azure_savings_plan', billingCycle: 'monthly' }),
          subscription('sw', { kind: 'software', billingCycle: 'one_time' }),
          subscription('saas', { kind: 'marketplace_saas', transferEligible: true, ...terms }),
        ],
      }),
    ]);
    const t = await transferOf(move, ids[0]!);
    expect((t.context.subscriptions as object[])[0]).toEqual({
      id: 'ri',
      kind: 'azure_reservation',
      baseSubscriptionId: null,
      status: 'active',
      transferEligible: false,
      ...terms,
    });
    const confirmed = await move.send(move.provider.token, t.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['ri', 'sp', 'sw', 'saas'],
    });
    expect(confirmed.state).toBe('awaitingTransferRequest');
  });

  it('when a marketplace item is not eligible or a subscription is not active, then each is refused under its code', async () => {
    const { move, ids } = await migrating([
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [
          subscription('saas', { kind: 'marketplace_saas' }),
          subscription('suspended', { status: 'suspended' }),
          subscription('expired', { status: 'expired' }),
          subscription('trial', { status: 'trial' }),
          subscription('fine'),
        ],
      }),
    ]);
    const t = await transferOf(move, ids[0]!);
    const body = await refusal(move.provider.token, t.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['saas', 'suspended', 'expired', 'trial', 'fine'],
    });
    expect(body).toMatchObject({
      code: 'requirement_unmet',
      reasons: ['marketplace_not_transferable', 'subscription_not_active'],
    });
    await move.send(move.provider.token, t.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['fine'],
    });
  });

  it('when the customer still has a legacy Azure subscription, then nothing of it transfers until that is migrated', async () => {
    const { move, ids } = await migrating([
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [subscription('m365'), subscription('old', { kind: 'legacy_azure' })],
      }),
    ]);
    const t = await transferOf(move, ids[0]!);
    expect(
      await refusal(move.provider.token, t.id, {
        type: 'DETAILS_CONFIRMED',
        subscriptionIds: ['m365'],
      }),
    ).toMatchObject({ code: 'legacy_azure_blocks_transfer', subscriptionIds: ['old'] });
    await move.send(move.team.manager, t.id, {
      type: 'SUBSCRIPTION_MIGRATED',
      subscriptionId: 'old',
      newSubscriptionId: 'plan',
    });
    await move.send(move.provider.token, t.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['m365'],
    });
  });
});

describe("the provider's region", () => {
  it("when a customer is billed outside the provider's region, then neither the extension nor the invitation can be used", async () => {
    const { move, ids } = await migrating([
      buildCustomer({
        billTo: { companyName: 'Fabrikam SARL', email: 'billing@fabrikam.example', country: 'FR' },
      }),
    ]);
    const r = await move.childOf('resellerRelationship', ids[0]!);
    for (const type of ['USE_EXTENSION', 'USE_INVITATION']) {
      expect(await refusal(move.team.manager, r.id, { type })).toMatchObject({
        code: 'customer_region_mismatch',
      });
    }
  });
});

describe('the MCA, accepted where the customer chooses', () => {
  it('when the customer accepted in the Microsoft 365 admin center, then its provider records it and the customer may transact', async () => {
    const { move, ids } = await migrating([buildCustomer({ mcaAcceptance: 'none' })]);
    const m = await move.childOf('mcaReacceptance', ids[0]!);
    const event = { type: 'ACCEPTED_IN_ADMIN_CENTER', dateAgreed: '2026-03-01' };
    await move.send(move.team.manager, m.id, event, 403);
    await move.send(move.team.globalAdmin, m.id, event, 403);
    const future = await refusal(move.provider.token, m.id, {
      ...event,
      dateAgreed: '2999-01-01',
    });
    expect(future).toMatchObject({ code: 'date_in_future' });
    expect(await move.send(move.provider.token, m.id, event)).toMatchObject({
      state: 'accepted',
      context: {
        acceptance: { channel: 'admin_center', acceptedBy: null, dateAgreed: '2026-03-01' },
      },
      output: { retained: false, dateAgreed: '2026-03-01' },
    });
  });

  it('when the provider records an acceptance it was not asked for, then it counts', async () => {
    const { move, ids } = await migrating([
      buildCustomer({ mcaAcceptance: 'partner_attestation' }),
    ]);
    const m = await move.childOf('mcaReacceptance', ids[0]!);
    expect(m.state).toBe('awaitingAcceptance');
    const accepted = await move.send(move.provider.token, m.id, {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Dana', lastName: 'Ng', email: 'dana@fabrikam.example' },
      dateAgreed: '2026-03-01',
    });
    expect(accepted).toMatchObject({
      state: 'accepted',
      context: { acceptance: { channel: 'provider' } },
    });
  });
});

describe('GDAP after the invitation', () => {
  it('when the provider needs admin rights, then the customer is not ready for its transfer until GDAP is active', async () => {
    const { move, ids } = await migrating([
      buildCustomer({ mcaAcceptance: 'admin_center', providerNeedsAdmin: true }),
    ]);
    const customerId = ids[0]!;
    const provider = move.provider.token;
    await establish(move, customerId);
    const r = await move.childOf('resellerRelationship', customerId);
    const transfers = () => move.children(`machine=subscriptionTransfer&customerId=${customerId}`);
    expect(r.state).toBe('awaitingGdap');
    await move.send(
      provider,
      r.id,
      {
        type: 'GDAP_REQUESTED',
        roles: ['Helpdesk Administrator'],
        durationDays: 731,
      },
      422,
    );
    await move.send(provider, r.id, {
      type: 'GDAP_REQUESTED',
      roles: ['Helpdesk Administrator'],
      durationDays: 180,
    });
    await move.send(move.team.manager, r.id, { type: 'GDAP_ACTIVATED' }, 403);
    await move.send(provider, r.id, { type: 'GDAP_ACTIVATED' }, 409);
    await move.send(provider, r.id, { type: 'GDAP_APPROVED' });
    expect(await transfers()).toEqual([]);
    const established = await move.send(provider, r.id, { type: 'GDAP_ACTIVATED' });
    expect(established).toMatchObject({
      state: 'established',
      output: { method: 'invitation', adminPrivileges: true },
    });
    expect(await transfers()).toHaveLength(1);
  });

  it('when the provider needs no admin rights, then the invitation establishes the relationship without them', async () => {
    const { move, ids } = await migrating([buildCustomer({ mcaAcceptance: 'admin_center' })]);
    await establish(move, ids[0]!);
    expect(await move.childOf('resellerRelationship', ids[0]!)).toMatchObject({
      state: 'established',
      output: { method: 'invitation', adminPrivileges: false },
    });
  });
});
