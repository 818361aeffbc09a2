import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionSteps } from '../src/engine/automation.ts';
import { utcDate } from '../src/engine/time.ts';
import { createLogger } from '../src/logger.ts';
import { connectedMode } from '../src/partner-center/connected/worker.ts';
import {
  type Answered,
  type CallIds,
  type GdapRelationship,
  type NewGdapRelationship,
  type NewTransfer,
  type PartnerCenter,
  type Transfer,
  type TransferLineItem,
} from '../src/partner-center/partner-center.ts';
import { finishAttempt, type OutboxRow } from '../src/store/outbox.ts';
import { buildCustomer, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { connectPartnerCenter } from './partner-center-fixtures.ts';
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
async function reported(
  workflowId: string,
  events: Array<{ type: string } & Record<string, unknown>>,
) {
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

interface PartnerCenterView {
  mode: 'connected' | 'by_hand';
  partner: { connected: boolean };
  provider: { id: string; connected: boolean } | null;
  steps: Array<{
    machine: string;
    event: string;
    description: string;
    automated: boolean;
    how: 'call' | 'report' | 'hand';
    alsoRecordedInPartnerCenter: boolean;
  }>;
}

const connect = (kind: 'partner' | 'provider', id: string) =>
  connectPartnerCenter(h.app, h.adminToken, kind, id);

async function partnerCenterOf(token: string, id: string, expected = 200) {
  const res = await as(h.app, token).get(`/v1/transitions/${id}/partner-center`);
  expect(res.status, JSON.stringify(res.body)).toBe(expected);
  return res.body as PartnerCenterView;
}

describe("a transition's Partner Center steps", () => {
  it('when neither side is connected, then every step is by hand', async () => {
    const { move } = await migratingOne();
    const view = await partnerCenterOf(move.team.manager, move.transitionId);
    expect(view).toMatchObject({
      mode: 'by_hand',
      partner: { connected: false },
      provider: { id: move.provider.id, connected: false },
    });
    expect(view.steps).toEqual(transitionSteps(false));
    expect(view.steps.every((s) => s.how === 'hand' && !s.automated)).toBe(true);
  });

  it('when only the partner is connected, then it is still by hand', async () => {
    const { move } = await migratingOne();
    await connect('partner', move.team.partnerId);
    expect(await partnerCenterOf(move.team.manager, move.transitionId)).toMatchObject({
      mode: 'by_hand',
      partner: { connected: true },
      provider: { connected: false },
    });
  });

  it('when no provider was chosen yet, then there is none to connect, and it is by hand', async () => {
    const move = await Move.start(h.app, h.adminToken);
    await connect('partner', move.team.partnerId);
    await connect('provider', move.provider.id);
    expect(await partnerCenterOf(move.team.manager, move.transitionId)).toMatchObject({
      mode: 'by_hand',
      partner: { connected: true },
      provider: null,
    });
  });

  it('when the partner and the chosen provider are connected, then calls and reports are automated', async () => {
    const { move } = await migratingOne();
    await connect('partner', move.team.partnerId);
    await connect('provider', move.provider.id);
    const view = await partnerCenterOf(move.provider.token, move.transitionId);
    expect(view).toMatchObject({
      mode: 'connected',
      partner: { connected: true },
      provider: { id: move.provider.id, connected: true },
    });
    expect(view.steps).toEqual(transitionSteps(true));
    const how = (event: string) => view.steps.find((s) => s.event === event);
    expect(how('TRANSFER_SUBMITTED')).toMatchObject({ how: 'call', automated: true });
    expect(how('GDAP_APPROVED')).toMatchObject({ how: 'report', automated: true });
    expect(how('CONSENT_GRANTED')).toMatchObject({ how: 'hand', automated: false });
    expect(how('ACCEPTANCE_RECORDED')).toMatchObject({
      how: 'hand',
      alsoRecordedInPartnerCenter: true,
    });
  });

  it('when callers ask, then those who may read the transition are answered and the others are not told it exists', async () => {
    const { move, customerId } = await migratingOne();
    const other = await createPartnerTeam(h.app, h.adminToken);
    const stranger = await Move.provider(h.app, h.adminToken, 'DE');
    const id = move.transitionId;
    for (const token of [
      move.team.manager,
      move.team.globalAdmin,
      move.team.auditor,
      move.provider.token,
      h.adminToken,
    ]) {
      expect((await partnerCenterOf(token, id)).mode).toBe('by_hand');
    }
    await partnerCenterOf(other.manager, id, 404);
    await partnerCenterOf(stranger.token, id, 404);
    expect((await supertest(h.app).get(`/v1/transitions/${id}/partner-center`)).status).toBe(401);
    // Only a transition has them: a customer's workflow, or none at all, is not found.
    const relationship = await move.childOf('resellerRelationship', customerId);
    await partnerCenterOf(move.team.manager, relationship.id, 404);
    await partnerCenterOf(h.adminToken, 'wf_unknown', 404);
  });
});

/**
 * Partner Center as far as a transfer and a GDAP request need it: it does what it is asked and
 * remembers it. Anything else is not expected of it here.
 */
class FakePartnerCenter implements PartnerCenter {
  readonly calls: string[] = [];
  #answer<T>(name: string, body: T, ids: CallIds): Promise<Answered<T>> {
    this.calls.push(name);
    return Promise.resolve({ body, ids });
  }
  #unexpected(name: string): never {
    throw new Error(`${name} was not expected of Partner Center here`);
  }
  #transfer(customerTenantId: string, transfer: NewTransfer): Transfer {
    return {
      ...transfer,
      id: `tr-${randomUUID()}`,
      status: 'Active',
      customerTenantId,
      createdTime: h.clock.now().toISOString(),
      lastModifiedTime: h.clock.now().toISOString(),
      expirationTime: new Date(h.clock.now().getTime() + 30 * 86_400_000).toISOString(),
      lineItems: [],
    };
  }
  #submitted?: Transfer;
  createTransfer(_as: unknown, tenant: string, transfer: NewTransfer, ids: CallIds) {
    this.#submitted = this.#transfer(tenant, transfer);
    return this.#answer('createTransfer', this.#submitted, ids);
  }
  submitTransfer(
    _as: unknown,
    _tenant: string,
    _id: string,
    lineItems: TransferLineItem[],
    ids: CallIds,
  ) {
    return this.#answer(
      'submitTransfer',
      { ...this.#submitted!, status: 'InProgress' as const, lineItems },
      ids,
    );
  }
  readonly #gdap: GdapRelationship[] = [];
  createGdapRelationship(_as: unknown, relationship: NewGdapRelationship, ids: CallIds) {
    const created: GdapRelationship = {
      ...relationship,
      id: `gdap-${randomUUID()}`,
      status: 'created',
      createdDateTime: h.clock.now().toISOString(),
    };
    this.#gdap.push(created);
    return this.#answer('createGdapRelationship', created, ids);
  }
  listGdapRelationships(_as: unknown, filter: { displayName: string }, ids: CallIds) {
    return this.#answer(
      'listGdapRelationships',
      this.#gdap.filter((r) => r.displayName === filter.displayName),
      ids,
    );
  }
  lockGdapForApproval(_as: unknown, id: string, ids: CallIds) {
    return this.#answer(
      'lockGdapForApproval',
      { id, action: 'lockForApproval' as const, status: 'approvalPending' },
      ids,
    );
  }
  getTransfer = () => this.#unexpected('getTransfer');
  listTransfers = () => this.#unexpected('listTransfers');
  cancelTransfer = () => this.#unexpected('cancelTransfer');
  getMcaTemplate = () => this.#unexpected('getMcaTemplate');
  createAgreement = () => this.#unexpected('createAgreement');
  listAgreements = () => this.#unexpected('listAgreements');
  getDirectSignedMcaStatus = () => this.#unexpected('getDirectSignedMcaStatus');
  listRelationships = () => this.#unexpected('listRelationships');
  validateMigration = () => this.#unexpected('validateMigration');
  createMigration = () => this.#unexpected('createMigration');
  getMigration = () => this.#unexpected('getMigration');
  findMigrations = () => this.#unexpected('findMigrations');
  getGdapRelationship = () => this.#unexpected('getGdapRelationship');
}

/**
 * The connected worker, made to carry out the calls written for one workflow as its outbox
 * would; answers which calls they were, by name.
 */
function worker(pc: PartnerCenter) {
  const mode = connectedMode({
    db: h.db,
    engine: h.engine,
    partnerCenter: pc,
    credentialsOf: () =>
      Promise.resolve({
        tenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecret: 'secret',
        refreshToken: 'refresh',
      }),
    now: () => h.clock.now(),
    logger: createLogger('silent'),
  });
  return async (workflowId: string): Promise<string[]> => {
    const due = await h
      .db<OutboxRow>('outbox')
      .where({ kind: 'partner_center.call', status: 'pending' })
      .whereRaw("payload->>'workflowId' = ?", [workflowId])
      .orderBy('created_at');
    const token = randomUUID();
    await h
      .db('outbox')
      .whereIn(
        'id',
        due.map((m) => m.id),
      )
      .update({ claim_token: token });
    for (const message of due) {
      expect(await mode.handlers['partner_center.call'](message, token)).toEqual({ ok: true });
      // As the outbox worker records every attempt a handler did not finish itself.
      await finishAttempt(h.db, message.id, token, {
        kind: 'delivered',
        at: h.clock.now(),
        responseStatus: 200,
      });
    }
    return due.map((m) => String(m.payload.operation)).sort();
  };
}

describe('what a connected transition leaves to Partner Center', () => {
  it('when the details are confirmed, then Partner Center creates and submits the transfer, with no one sending either', async () => {
    const { move, customerId } = await migratingOne(
      buildCustomer({ mcaAcceptance: 'admin_center' }),
    );
    await connect('partner', move.team.partnerId);
    await connect('provider', move.provider.id);
    const pc = new FakePartnerCenter();
    const carryOut = worker(pc);
    const r = await move.childOf('resellerRelationship', customerId);
    await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
    await move.send(move.team.manager, r.id, { type: 'INVITATION_ACCEPTED' });
    const t = await move.childOf('subscriptionTransfer', customerId);
    await move.send(move.team.manager, t.id, { type: 'CUSTOMER_AGREED' });
    const subscriptionIds = (t.context.subscriptions as Array<{ id: string }>).map((s) => s.id);
    await move.send(move.provider.token, t.id, { type: 'DETAILS_CONFIRMED', subscriptionIds });

    // Nothing legacy to migrate: that call finds nothing to do.
    expect(await carryOut(t.id)).toEqual(['createTransfer', 'migrateLegacySubscriptions']);
    expect((await move.get(t.id)).state).toBe('sourceReview');
    expect(await carryOut(t.id)).toEqual(['submitTransfer']);
    expect((await move.get(t.id)).state).toBe('transferring');
    expect(pc.calls).toEqual(['createTransfer', 'submitTransfer']);

    const history = await as(h.app, h.adminToken).get(`/v1/workflows/${t.id}/history`);
    const byPartnerCenter = (
      history.body as { items: Array<{ type: string; actor: { role: string } }> }
    ).items
      .filter((e) => e.actor.role === 'partner_center')
      .map((e) => e.type);
    expect(byPartnerCenter).toEqual(['TRANSFER_REQUEST_CREATED', 'TRANSFER_SUBMITTED']);
    const steps = (await partnerCenterOf(move.team.manager, move.transitionId)).steps;
    for (const type of byPartnerCenter) {
      expect(steps.find((s) => s.event === type)).toMatchObject({ how: 'call', automated: true });
    }
  });

  it('when the provider needs admin rights, then Partner Center asks the customer for GDAP', async () => {
    const { move, customerId } = await migratingOne(buildCustomer({ providerNeedsAdmin: true }));
    await connect('partner', move.team.partnerId);
    await connect('provider', move.provider.id);
    const pc = new FakePartnerCenter();
    const r = await move.childOf('resellerRelationship', customerId);
    await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
    await move.send(move.team.manager, r.id, { type: 'INVITATION_ACCEPTED' });

    expect(await worker(pc)(r.id)).toEqual(['requestGdap']);
    expect(await move.get(r.id)).toMatchObject({
      state: 'gdapRequested',
      context: { gdap: { status: 'requested' } },
    });
    expect(await lastActor(r.id)).toBe('partner_center');
  });

  it('when the transition is not connected, then no step is left to Partner Center', async () => {
    const { move, customerId } = await migratingOne(buildCustomer({ providerNeedsAdmin: true }));
    await connect('partner', move.team.partnerId);
    const r = await move.childOf('resellerRelationship', customerId);
    await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
    await move.send(move.team.manager, r.id, { type: 'INVITATION_ACCEPTED' });
    const pc = new FakePartnerCenter();
    expect(await worker(pc)(r.id)).toEqual([]);
    expect(pc.calls).toEqual([]);
    expect((await move.get(r.id)).state).toBe('awaitingGdap');
  });
});
