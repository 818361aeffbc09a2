import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTiershiftClient,
  type EventBody,
  type Schema,
  type TiershiftClient,
} from '../src/client/index.ts';
import { buildCustomer, buildPartner, buildProvider } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const consent = {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Customer', email: 'carla@fabrikam.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
  evidenceRef: 'DMS-4411',
};

describe('the whole move, customer by customer', () => {
  it('when a partner with four customers walks the move, then it ends completed with the right counts', async () => {
    const partner = buildPartner();
    const move = await Move.start(h.app, h.adminToken, partner);
    const { manager, globalAdmin, auditor } = move.team;
    const provider = move.provider;
    const T = move.transitionId;

    // Customers: retained MCA; attested MCA with a provider needing GDAP and a legacy
    // subscription; a customer who will decline; one whose transfer partly fails.
    const [c1, c2, c3, c4] = await move.importCustomers([
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [
          { id: 'c1-base', offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 20 },
          {
            id: 'c1-addon',
            offer: 'Teams Phone',
            kind: 'nce_license',
            quantity: 20,
            baseSubscriptionId: 'c1-base',
          },
        ],
      }),
      buildCustomer({
        mcaAcceptance: 'partner_attestation',
        providerNeedsAdmin: true,
        subscriptions: [
          { id: 'c2-legacy', offer: 'Office 365 E1 (legacy)', kind: 'legacy_license', quantity: 5 },
          { id: 'c2-azure', offer: 'Azure plan', kind: 'azure_plan', quantity: 1 },
        ],
      }),
      buildCustomer({ mcaAcceptance: 'none' }),
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [
          { id: 'c4-a', offer: 'Microsoft 365 Business Premium', kind: 'nce_license', quantity: 3 },
          { id: 'c4-b', offer: 'Exchange Online Plan 1', kind: 'nce_license', quantity: 3 },
        ],
      }),
      buildCustomer({ acquiredAs: 'indirect_reseller' }),
    ]);

    await move.toPartnering();

    // Partnering: region, invitation order, own name only, a provider that declines.
    const elsewhere = await Move.provider(h.app, h.adminToken, 'US');
    const declining = await Move.provider(h.app, h.adminToken, partner.cspRegion);
    const mismatch = await as(h.app, manager).post(`/v1/workflows/${T}/events`, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: elsewhere.id,
    });
    expect(mismatch.body).toMatchObject({ status: 422, code: 'provider_region_mismatch' });
    expect((await as(h.app, provider.token).get(`/v1/workflows/${T}`)).status).toBe(404);
    await move.send(manager, T, { type: 'PARTNERSHIP_REQUESTED', providerId: provider.id });
    await move.send(globalAdmin, T, { type: 'PARTNERSHIP_REQUESTED', providerId: declining.id });
    expect((await as(h.app, provider.token).get(`/v1/workflows/${T}`)).status).toBe(200);
    expect((await as(h.app, elsewhere.token).get(`/v1/workflows/${T}`)).status).toBe(404);
    await move.send(
      globalAdmin,
      T,
      { type: 'PROVIDER_INVITATION_ACCEPTED', providerId: provider.id },
      422,
    );
    await move.send(
      provider.token,
      T,
      { type: 'PROVIDER_INVITATION_SENT', providerId: declining.id },
      403,
    );
    await move.send(declining.token, T, {
      type: 'PROVIDER_DECLINED',
      providerId: declining.id,
      reason: 'no capacity',
    });
    await move.send(provider.token, T, {
      type: 'PROVIDER_INVITATION_SENT',
      providerId: provider.id,
    });
    const migrating = await move.send(globalAdmin, T, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: provider.id,
    });
    expect(migrating).toMatchObject({ state: 'migratingCustomers', providerId: provider.id });
    expect(migrating.context).toMatchObject({ customersTotal: 4, customersPlanned: true });

    // Children: one relationship and one MCA per direct-bill customer, none for the indirect one.
    expect(await move.children('machine=resellerRelationship')).toHaveLength(4);
    const mcas = await move.children('machine=mcaReacceptance');
    expect(mcas.map((m) => m.state).sort()).toEqual([
      'awaitingAcceptance',
      'awaitingAcceptance',
      'retained',
      'retained',
    ]);
    expect((await move.childOf('mcaReacceptance', c2!)).context).toMatchObject({
      attestationInvalidated: true,
    });
    // The declining provider keeps read access to the transition alone.
    expect((await as(h.app, declining.token).get(`/v1/workflows/${T}`)).status).toBe(200);
    expect(
      (await as(h.app, declining.token).get(`/v1/workflows?parentId=${T}`)).body,
    ).toMatchObject({ items: [] });

    // Customer 1: extension with consent, bill-to shared, accepted; MCA retained.
    const r1 = await move.childOf('resellerRelationship', c1!);
    await move.send(manager, r1.id, { type: 'USE_EXTENSION' });
    const hidden = await move.get(r1.id, provider.token);
    expect(hidden.context.billTo).toBeUndefined();
    const hiddenHistory = await as(h.app, provider.token).get(`/v1/workflows/${r1.id}/history`);
    expect(JSON.stringify(hiddenHistory.body)).not.toContain('billTo');
    await move.send(manager, r1.id, { ...consent, statementVersion: 'rre-consent-v0' }, 422);
    await move.send(globalAdmin, r1.id, { type: 'BILL_TO_SHARING_CONFIRMED' }, 409);
    await move.send(manager, r1.id, consent);
    // An Admin agent shares bill-to in Partner Center: a manager may confirm it too.
    await move.send(provider.token, r1.id, { type: 'BILL_TO_SHARING_CONFIRMED' }, 403);
    await move.send(manager, r1.id, { type: 'BILL_TO_SHARING_CONFIRMED' });
    expect((await move.get(r1.id, provider.token)).context.billTo).toBeDefined();
    const established = await move.send(manager, r1.id, { type: 'RELATIONSHIP_ACCEPTED' });
    expect(established).toMatchObject({
      state: 'established',
      output: { method: 'extension', adminPrivileges: false },
    });

    // Its transfer exists as soon as both are settled; the add-on travels with its base.
    const t1 = await move.childOf('subscriptionTransfer', c1!);
    expect(t1.state).toBe('agreement');
    await move.send(manager, t1.id, { type: 'CUSTOMER_AGREED' });
    const confirmed1 = await move.send(provider.token, t1.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['c1-base'],
    });
    expect(confirmed1.context.confirmedIds).toEqual(['c1-base', 'c1-addon']);
    await move.send(
      manager,
      t1.id,
      {
        type: 'TRANSFER_REQUEST_CREATED',
        customerEmail: 'it@fabrikam.example',
        sourcePartnerTenantId: partner.tenantId,
        partnerOnRecord: partner.mpnId,
      },
      403,
    );
    await move.send(
      provider.token,
      t1.id,
      {
        type: 'TRANSFER_REQUEST_CREATED',
        customerEmail: 'it@fabrikam.example',
        sourcePartnerTenantId: crypto.randomUUID(),
        partnerOnRecord: partner.mpnId,
      },
      422,
    );
    await move.send(provider.token, t1.id, {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@fabrikam.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    });
    await move.send(manager, t1.id, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['c1-base'] });
    await move.send(provider.token, t1.id, { type: 'CANCEL', reason: 'too late' }, 403);
    await move.send(provider.token, t1.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'c1-base',
      newSubscriptionId: 'new-c1-base',
    });
    const done1 = await move.send(provider.token, t1.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'c1-addon',
      newSubscriptionId: 'new-c1-addon',
    });
    expect(done1).toMatchObject({ state: 'completed', status: 'done', output: { transferred: 2 } });

    // Customer 2: GDAP needs the invitation; the MCA must be accepted again through the provider.
    const r2 = await move.childOf('resellerRelationship', c2!);
    const gdap = await as(h.app, manager).post(`/v1/workflows/${r2.id}/events`, {
      type: 'USE_EXTENSION',
    });
    expect(gdap.body).toMatchObject({ code: 'gdap_requires_invitation' });
    await move.send(manager, r2.id, { type: 'USE_INVITATION' });
    // The invitation grants no admin rights: the customer is not ready until GDAP is active.
    expect(await move.send(manager, r2.id, { type: 'INVITATION_ACCEPTED' })).toMatchObject({
      state: 'awaitingGdap',
    });
    await move.send(provider.token, r2.id, {
      type: 'GDAP_REQUESTED',
      roles: ['Helpdesk Administrator', 'User Administrator'],
      durationDays: 730,
    });
    await move.send(globalAdmin, r2.id, { type: 'GDAP_APPROVED' });
    expect(await move.send(provider.token, r2.id, { type: 'GDAP_ACTIVATED' })).toMatchObject({
      state: 'established',
      output: { method: 'invitation', adminPrivileges: true },
      context: { gdap: { status: 'active', durationDays: 730 } },
    });
    const m2 = await move.childOf('mcaReacceptance', c2!);
    await move.send(manager, m2.id, { type: 'ACCEPTANCE_REQUESTED' });
    const acceptance = {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Dana', lastName: 'Ng', email: 'dana@fabrikam.example' },
    };
    await move.send(globalAdmin, m2.id, { ...acceptance, dateAgreed: '2026-03-01' }, 403);
    const future = await as(h.app, provider.token).post(`/v1/workflows/${m2.id}/events`, {
      ...acceptance,
      dateAgreed: '2026-03-03',
    });
    expect(future.body).toMatchObject({ code: 'date_in_future' });
    expect(
      (await move.send(provider.token, m2.id, { ...acceptance, dateAgreed: '2026-03-02' })).state,
    ).toBe('accepted');

    // Its transfer: the legacy subscription is migrated, under a new id, before confirming.
    const t2 = await move.childOf('subscriptionTransfer', c2!);
    await move.send(globalAdmin, t2.id, { type: 'CUSTOMER_AGREED' });
    const legacy = await as(h.app, provider.token).post(`/v1/workflows/${t2.id}/events`, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['c2-legacy', 'c2-azure'],
    });
    expect(legacy.body).toMatchObject({
      code: 'legacy_subscription_requires_migration',
      subscriptionIds: ['c2-legacy'],
    });
    await move.send(manager, t2.id, {
      type: 'SUBSCRIPTION_MIGRATED',
      subscriptionId: 'c2-legacy',
      newSubscriptionId: 'c2-nce',
    });
    await move.send(provider.token, t2.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['c2-nce', 'c2-azure'],
    });
    await move.send(provider.token, t2.id, {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@c2.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    });
    await move.send(
      manager,
      t2.id,
      { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['c2-legacy'] },
      422,
    );
    await move.send(manager, t2.id, {
      type: 'TRANSFER_SUBMITTED',
      subscriptionIds: ['c2-nce', 'c2-azure'],
    });
    await move.send(provider.token, t2.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'c2-nce',
      newSubscriptionId: 'p-c2-nce',
    });
    await move.send(h.adminToken, t2.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'c2-azure',
      newSubscriptionId: 'p-c2-azure',
    });

    // Customer 3 declines the consent and is excluded later, with its open MCA cancelled.
    const r3 = await move.childOf('resellerRelationship', c3!);
    await move.send(manager, r3.id, { type: 'USE_EXTENSION' });
    expect(
      await move.send(manager, r3.id, {
        type: 'CONSENT_DECLINED',
        reason: 'prefers to stay direct',
      }),
    ).toMatchObject({ state: 'declined', status: 'done' });
    await move.send(
      manager,
      T,
      { type: 'EXCLUDE_CUSTOMER', customerId: 'cus_unknown', reason: 'x' },
      422,
    );
    await move.send(manager, T, { type: 'EXCLUDE_CUSTOMER', customerId: c1!, reason: 'x' }, 422);
    await move.send(manager, T, {
      type: 'EXCLUDE_CUSTOMER',
      customerId: c3!,
      reason: 'declined the consent',
    });
    expect(await move.childOf('mcaReacceptance', c3!)).toMatchObject({
      state: 'awaitingAcceptance',
      status: 'cancelled',
    });

    // Customer 4: one subscription fails, is retried, and goes through.
    const r4 = await move.childOf('resellerRelationship', c4!);
    await move.send(manager, r4.id, { type: 'USE_EXTENSION' });
    await move.send(manager, r4.id, consent);
    await move.send(globalAdmin, r4.id, { type: 'BILL_TO_SHARING_CONFIRMED' });
    await move.send(globalAdmin, r4.id, { type: 'RELATIONSHIP_ACCEPTED' });
    const t4 = await move.childOf('subscriptionTransfer', c4!);
    await move.send(manager, t4.id, { type: 'CUSTOMER_AGREED' });
    await move.send(manager, t4.id, {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: ['c4-a', 'c4-b'],
    });
    await move.send(provider.token, t4.id, {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@c4.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    });
    await move.send(globalAdmin, t4.id, {
      type: 'TRANSFER_SUBMITTED',
      subscriptionIds: ['c4-a', 'c4-b'],
    });
    await move.send(provider.token, t4.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'c4-a',
      newSubscriptionId: 'p-c4-a',
    });
    const partial = await move.send(provider.token, t4.id, {
      type: 'SUBSCRIPTION_TRANSFER_FAILED',
      subscriptionId: 'c4-b',
      reason: 'quota',
    });
    expect(partial.state).toBe('partiallyFailed');
    await move.send(manager, t4.id, { type: 'RETRY', subscriptionIds: ['c4-a'] }, 422);
    // The completed request cannot change: the retry waits for a new one, for c4-b alone.
    const retried = await move.send(manager, t4.id, { type: 'RETRY', subscriptionIds: ['c4-b'] });
    expect(retried.state).toBe('awaitingTransferRequest');
    expect(retried.context).toMatchObject({ confirmedIds: ['c4-b'], request: null });
    await move.send(provider.token, t4.id, {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@c4.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    });
    await move.send(
      globalAdmin,
      t4.id,
      { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['c4-a'] },
      422,
    );
    expect(
      (
        await move.send(globalAdmin, t4.id, {
          type: 'TRANSFER_SUBMITTED',
          subscriptionIds: ['c4-b'],
        })
      ).state,
    ).toBe('transferring');
    await move.send(provider.token, t4.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'c4-b',
      newSubscriptionId: 'p-c4-b',
    });

    const completed = await move.get(T, auditor);
    expect(completed).toMatchObject({
      state: 'completed',
      status: 'done',
      output: {
        customersMoved: 3,
        customersExcluded: 1,
        subscriptionsTransferred: 6,
        apiAccessRevoked: true,
      },
    });
    await move.send(manager, T, { type: 'EXCLUDE_CUSTOMER', customerId: c4!, reason: 'late' }, 409);

    // A child's report is news for the parent, never a refusal: the only rejected rows of a
    // normal move are the callers this walk refused on purpose.
    const refusedSystemRows = await h
      .db('history')
      .join('workflows', 'workflows.id', 'history.workflow_id')
      .where({ 'workflows.partner_id': move.team.partnerId, 'history.actor_role': 'system' })
      .andWhere('history.outcome', 'rejected')
      .select('history.workflow_id', 'history.seq', 'history.type', 'history.reason');
    expect(refusedSystemRows).toEqual([]);
    const reports = await h
      .db('history')
      .where({ workflow_id: T, type: 'CHILD_DONE' })
      .select('outcome');
    expect(reports.length).toBeGreaterThan(5);
    expect(reports.every((r: { outcome: string }) => r.outcome === 'applied')).toBe(true);
  });

  it('when customers are imported while migrating, then they get their children at once', async () => {
    const move = await Move.start(h.app, h.adminToken);
    await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    const [late] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'admin_center' })]);
    expect(await move.childOf('mcaReacceptance', late!)).toMatchObject({ state: 'retained' });
    expect((await move.get(move.transitionId)).context).toMatchObject({ customersTotal: 2 });
  });

  it('when a partner has no direct-bill customer, then the move completes as soon as the provider is chosen', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const migrated = await move.toMigrating();
    expect(migrated).toMatchObject({
      state: 'completed',
      output: { customersMoved: 0, customersExcluded: 0 },
    });
  });

  it('when a declined relationship is re-planned, then a fresh one replaces it and the customer can still move', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [c] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'admin_center' })]);
    await move.toMigrating();
    const { manager } = move.team;
    await move.send(manager, move.transitionId, { type: 'REPLAN_CUSTOMER', customerId: c! }, 422);
    const first = await move.childOf('resellerRelationship', c!);
    await move.send(manager, first.id, { type: 'USE_EXTENSION' });
    await move.send(manager, first.id, { type: 'CONSENT_DECLINED', reason: 'not now' });
    await move.send(manager, move.transitionId, { type: 'REPLAN_CUSTOMER', customerId: c! });
    const second = await move.childOf('resellerRelationship', c!);
    expect(second.id).not.toBe(first.id);
    expect(second.state).toBe('choosingMethod');
    await move.send(manager, second.id, { type: 'USE_INVITATION' });
    await move.send(manager, second.id, { type: 'INVITATION_ACCEPTED' });
    expect((await move.childOf('subscriptionTransfer', c!)).state).toBe('agreement');
  });

  it('when the transition is cancelled while migrating, then every open customer workflow is cancelled', async () => {
    const move = await Move.start(h.app, h.adminToken);
    await move.importCustomers([buildCustomer(), buildCustomer()]);
    await move.toMigrating();
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'CANCEL',
      reason: 'deal fell through',
    });
    const children = await move.children('');
    expect(
      children.filter((c) => c.machine !== 'enrollment').every((c) => c.status === 'cancelled'),
    ).toBe(true);
  });
});

describe('the whole move through the generated client', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** The answer's data; a problem fails with its body, as a client would see it. */
  function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
    expect(result.error, `${result.response.status} ${JSON.stringify(result.error)}`).toBe(
      undefined,
    );
    return result.data as T;
  }

  it("when the README's walkthrough is driven by the typed client, then the move completes", async () => {
    const admin = createTiershiftClient(base, h.adminToken);
    const partner = ok(await admin.POST('/v1/partners', { body: buildPartner() }));
    const token = async (role: 'manager' | 'global_admin' | 'provider', scope: object) =>
      ok(await admin.POST('/v1/principals', { body: { name: role, role, ...scope } })).token;
    const manager = createTiershiftClient(base, await token('manager', { partnerId: partner.id }));
    const ga = createTiershiftClient(base, await token('global_admin', { partnerId: partner.id }));
    const send = async (client: TiershiftClient, id: string, body: EventBody) =>
      ok(await client.POST('/v1/workflows/{id}/events', { params: { path: { id } }, body }));
    const childOf = async (query: { machine: string; parentId?: string; customerId?: string }) => {
      const page = ok(await manager.GET('/v1/workflows', { params: { query } }));
      return page.items.at(-1)!;
    };

    // Preparation and enrollment.
    const T = ok(
      await manager.POST('/v1/transitions', {
        body: { partnerId: partner.id, tenantStrategy: 'existing_tenant' },
      }),
    ).id;
    await send(manager, T, { type: 'CONFIRM_PROFILE' });
    await send(manager, T, { type: 'RESTRICTION_REQUESTED', supportTicketId: 'SR-1001' });
    expect((await send(admin, T, { type: 'DIRECT_BILL_RESTRICTED' })).state).toBe('enrolling');
    const E = (await childOf({ machine: 'enrollment', parentId: T })).id;
    await send(ga, E, { type: 'SUBMIT' });
    await send(admin, E, { type: 'APPROVE' });
    await send(ga, E, { type: 'ACCEPT_AGREEMENT', agreementVersion: 'MPA-2026' });

    // Customers, then the partnership: the distributor answers in its own name.
    const fabrikam: Schema<'CustomerInput'> = {
      name: 'Fabrikam',
      tenantId: crypto.randomUUID(),
      acquiredAs: 'direct_bill',
      mcaAcceptance: 'partner_attestation',
      billTo: { companyName: 'Fabrikam GmbH', email: 'billing@fabrikam.example', country: 'DE' },
      subscriptions: [
        { id: `fab-e3-${T}`, offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 25 },
      ],
    };
    const imported = ok(
      await manager.POST('/v1/partners/{id}/customers', {
        params: { path: { id: partner.id } },
        body: [fabrikam],
      }),
    );
    const customer = imported.items[0]!;
    // Before anything moves: the attested MCA is to be accepted again; nothing blocks.
    const preflight = ok(
      await manager.GET('/v1/transitions/{id}/preflight', { params: { path: { id: T } } }),
    );
    // The route also answers CSV; asked without Accept, it is the JSON report.
    if (typeof preflight === 'string') throw new Error('the preflight came as text');
    expect(preflight.customers.map((c) => c.findings.map((f) => f.code))).toEqual([
      ['mca_acceptance_required'],
    ]);
    expect(preflight.totals.bySeverity.blocker).toBe(0);
    const provider = ok(await admin.POST('/v1/providers', { body: buildProvider() }));
    const distributor = createTiershiftClient(
      base,
      await token('provider', { providerId: provider.id }),
    );
    await send(manager, T, { type: 'PARTNERSHIP_REQUESTED', providerId: provider.id });
    await send(distributor, T, { type: 'PROVIDER_INVITATION_SENT', providerId: provider.id });
    const migrating = await send(ga, T, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: provider.id,
    });
    expect(migrating.state).toBe('migratingCustomers');

    // The relationship through its consent checkpoint; the MCA recorded by the distributor.
    const R = (await childOf({ machine: 'resellerRelationship', customerId: customer.id })).id;
    await send(manager, R, { type: 'USE_EXTENSION' });
    await send(manager, R, {
      type: 'CONSENT_GRANTED',
      grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
      method: 'signed_form',
      statementVersion: 'rre-consent-v1',
      evidenceRef: 'DMS-4411',
    });
    await send(ga, R, { type: 'BILL_TO_SHARING_CONFIRMED' });
    await send(manager, R, { type: 'RELATIONSHIP_ACCEPTED' });
    const M = (await childOf({ machine: 'mcaReacceptance', customerId: customer.id })).id;
    await send(manager, M, { type: 'ACCEPTANCE_REQUESTED' });
    const accepted = await send(distributor, M, {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Carla', lastName: 'Jung', email: 'carla@fabrikam.example' },
      dateAgreed: h.clock.now().toISOString().slice(0, 10),
    });
    expect(accepted).toMatchObject({ state: 'accepted', status: 'done' });

    // The transfer: every subscription moves, and with it the customer.
    const X = (await childOf({ machine: 'subscriptionTransfer', customerId: customer.id })).id;
    const ids = customer.subscriptions.map((s) => s.id);
    await send(manager, X, { type: 'CUSTOMER_AGREED' });
    await send(distributor, X, { type: 'DETAILS_CONFIRMED', subscriptionIds: ids });
    await send(distributor, X, {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@fabrikam.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    });
    await send(manager, X, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ids });
    for (const id of ids) {
      await send(distributor, X, {
        type: 'SUBSCRIPTION_TRANSFERRED',
        subscriptionId: id,
        newSubscriptionId: `nw-${id}`,
      });
    }

    const transition = ok(await manager.GET('/v1/workflows/{id}', { params: { path: { id: T } } }));
    expect(transition).toMatchObject({
      state: 'completed',
      output: { customersMoved: 1, customersExcluded: 0, subscriptionsTransferred: ids.length },
    });
    const history = ok(
      await manager.GET('/v1/workflows/{id}/history', { params: { path: { id: T } } }),
    );
    expect(history.items[0]?.type).toBe('CREATED');
  });
});
