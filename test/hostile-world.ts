import supertest from 'supertest';
import { expect } from 'vitest';
import type { Role } from '../machines/common.ts';
import { buildCustomer, buildPartner, createPartnerTeam } from './factories.ts';
import { as, type Harness } from './harness.ts';
import { Move } from './move.ts';

/** A token that works, with what it is scoped to. */
export interface Caller {
  token: string;
  role: Exclude<Role, 'customer' | 'system'>;
  partnerId?: string;
  providerId?: string;
}

export interface Customer {
  id: string;
  partnerId: string;
  tenantId: string;
  subscriptions: string[];
}

/**
 * What the hostile requests aim at: callers of every role, and the ids of things that exist,
 * in many states, so that requests get past the door and into the domain.
 */
export interface World {
  callers: Caller[];
  /** Tokens that never worked, or stopped working. */
  deadTokens: string[];
  /** Workflows in many states and of every machine, one stored by a version this build lacks. */
  workflows: string[];
  /** The ones in a state worth aiming at more often than the pool's share would. */
  notable: string[];
  /** Every move's transition, for the routes under `/v1/transitions/{id}`. */
  transitions: string[];
  /** Stored by a machine version this build does not run: reads of it answer 409. */
  newer: string;
  partners: Array<{ id: string; tenantId: string; providerId?: string }>;
  providers: string[];
  customers: Customer[];
  mpnIds: string[];
  /** Principals the requests may revoke and rotate: never one whose token they use. */
  victims: string[];
  timers: string[];
  /** Webhook subscriptions, each with one delivery in its log. */
  webhooks: string[];
  deliveries: string[];
  /** Subscriptions for the route that deletes them. */
  spareWebhooks: string[];
  consentRequests: Array<{ workflowId: string; id: string }>;
  /** Consent links: open ones, one used, one revoked, one expired. */
  consentTokens: string[];
  /** The move migrating customers, for requests that need one. */
  migrating: { transitionId: string; partnerId: string; manager: string };
}

const consent = {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Customer', email: 'carla@fabrikam.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
};

/**
 * Moves in different states: one migrating customers (relationships waiting for consent with
 * links open, used, revoked and expired; MCAs waiting with their reminders; a transfer), one
 * partnering, one just started, one cancelled, one stored by an unknown machine version;
 * partners with people and no transition; principals to revoke; two timers given up.
 */
export async function buildWorld(h: Harness): Promise<World> {
  const { app, adminToken } = h;
  const world: World = {
    callers: [{ token: adminToken, role: 'admin' }],
    deadTokens: [`ts_${'0'.repeat(43)}`, 'not-a-token'],
    workflows: [],
    notable: [],
    transitions: [],
    newer: '',
    partners: [],
    providers: [],
    customers: [],
    mpnIds: [],
    victims: [],
    timers: [],
    webhooks: [],
    deliveries: [],
    spareWebhooks: [],
    consentRequests: [],
    consentTokens: [],
    migrating: { transitionId: '', partnerId: '', manager: '' },
  };
  const enlist = (move: Move, tenantId: string) => {
    const { partnerId, manager, globalAdmin, auditor } = move.team;
    world.callers.push(
      { token: manager, role: 'manager', partnerId },
      { token: globalAdmin, role: 'global_admin', partnerId },
      { token: auditor, role: 'auditor' },
      { token: move.provider.token, role: 'provider', providerId: move.provider.id },
    );
    world.partners.push({ id: partnerId, tenantId, providerId: move.provider.id });
  };
  const startMove = async () => {
    const partner = buildPartner();
    const move = await Move.start(app, adminToken, partner);
    enlist(move, partner.tenantId);
    world.transitions.push(move.transitionId);
    return move;
  };
  const importInto = async (move: Move, customers: Array<ReturnType<typeof buildCustomer>>) => {
    const ids = await move.importCustomers(customers);
    customers.forEach((c, i) =>
      world.customers.push({
        id: ids[i]!,
        partnerId: move.team.partnerId,
        tenantId: c.tenantId,
        subscriptions: c.subscriptions.map((s) => s.id),
      }),
    );
    return ids;
  };

  const migrating = await startMove();
  const [settled, gdap, declining, ...waiting] = await importInto(migrating, [
    buildCustomer({ mcaAcceptance: 'admin_center' }),
    buildCustomer({ mcaAcceptance: 'partner_attestation', providerNeedsAdmin: true }),
    buildCustomer({ mcaAcceptance: 'admin_center' }),
    buildCustomer({ mcaAcceptance: 'none' }),
    buildCustomer({ mcaAcceptance: 'none' }),
    ...Array.from({ length: 14 }, () => buildCustomer({ mcaAcceptance: 'admin_center' })),
  ]);
  await migrating.toMigrating();
  const { manager, globalAdmin, partnerId } = migrating.team;
  world.migrating = { transitionId: migrating.transitionId, partnerId, manager };
  const relationship = async (customerId: string) =>
    (await migrating.childOf('resellerRelationship', customerId)).id;

  // One customer all the way to its subscription transfer.
  const r1 = await relationship(settled!);
  await migrating.send(manager, r1, { type: 'USE_EXTENSION' });
  await migrating.send(manager, r1, consent);
  await migrating.send(globalAdmin, r1, { type: 'BILL_TO_SHARING_CONFIRMED' });
  await migrating.send(manager, r1, { type: 'RELATIONSHIP_ACCEPTED' });
  // MCAs waiting for the customer, their reminders armed.
  for (const customerId of [gdap!, waiting[0]!, waiting[1]!]) {
    const mca = await migrating.childOf('mcaReacceptance', customerId);
    await migrating.send(manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });
  }
  await migrating.send(manager, await relationship(gdap!), { type: 'USE_INVITATION' });

  // Relationships waiting for consent, with links in every status.
  const link = async (workflowId: string, expiresInDays = 14) => {
    const res = await as(app, manager).post(`/v1/workflows/${workflowId}/consent-requests`, {
      expiresInDays,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { id, url } = res.body as { id: string; url: string };
    world.consentRequests.push({ workflowId, id });
    const token = new URL(url).pathname.split('/').at(-1)!;
    world.consentTokens.push(token);
    return { id, token };
  };
  // Several, since the run's own events and answers move them on.
  const awaiting: string[] = [];
  for (const customerId of waiting) {
    awaiting.push(await relationship(customerId));
    await migrating.send(manager, awaiting.at(-1)!, { type: 'USE_EXTENSION' });
  }
  world.notable.push(...awaiting, migrating.transitionId);
  world.notable.push((await migrating.childOf('subscriptionTransfer', settled!)).id);
  await link(awaiting[0]!, 1);
  h.clock.advanceDays(2);
  const revoked = await link(awaiting[1]!);
  const revokedAnswer = await supertest(app)
    .delete(`/v1/workflows/${awaiting[1]}/consent-requests/${revoked.id}`)
    .set('Authorization', `Bearer ${manager}`);
  expect(revokedAnswer.status).toBe(200);
  for (const id of awaiting) await link(id);
  const declined = await relationship(declining!);
  await migrating.send(manager, declined, { type: 'USE_EXTENSION' });
  const used = await supertest(app)
    .post(`/consent/${(await link(declined)).token}`)
    .type('form')
    .send('decision=decline&reason=not+now');
  expect(used.status).toBe(200);

  const partnering = await startMove();
  world.notable.push(partnering.transitionId);
  await importInto(partnering, [
    buildCustomer(),
    buildCustomer({ acquiredAs: 'indirect_reseller' }),
  ]);
  await partnering.toPartnering();
  // Asked but not chosen: its provider reads the transition, not what only the chosen one may.
  await partnering.send(partnering.team.manager, partnering.transitionId, {
    type: 'PARTNERSHIP_REQUESTED',
    providerId: partnering.provider.id,
  });

  world.notable.push((await startMove()).transitionId);

  const cancelled = await startMove();
  await cancelled.send(cancelled.team.globalAdmin, cancelled.transitionId, {
    type: 'CANCEL',
    reason: 'the partner stays on direct bill',
  });

  // What a newer build leaves behind after a rollback.
  const newer = await startMove();
  await newer.send(newer.team.manager, newer.transitionId, { type: 'CONFIRM_PROFILE' });
  world.notable.push(cancelled.transitionId);
  world.newer = newer.transitionId;
  await h
    .db('workflows')
    .where({ id: newer.transitionId })
    .update({ machine_version: h.db.raw('machine_version + 100') });

  // Partners with people and no transition yet: where a transition can start.
  for (let i = 0; i < 4; i += 1) {
    const partner = buildPartner();
    const team = await createPartnerTeam(app, adminToken, partner);
    world.callers.push(
      { token: team.manager, role: 'manager', partnerId: team.partnerId },
      { token: team.globalAdmin, role: 'global_admin', partnerId: team.partnerId },
    );
    world.partners.push({ id: team.partnerId, tenantId: partner.tenantId });
    const customer = buildCustomer();
    const imported = await as(app, team.manager).post(
      `/v1/partners/${team.partnerId}/customers`,
      customer,
    );
    expect(imported.status).toBe(201);
    world.customers.push({
      id: (imported.body as { items: Array<{ id: string }> }).items[0]!.id,
      partnerId: team.partnerId,
      tenantId: customer.tenantId,
      subscriptions: customer.subscriptions.map((s) => s.id),
    });
  }

  for (const body of [
    { role: 'auditor' },
    { role: 'auditor' },
    { role: 'manager', partnerId: world.partners[0]!.id },
    { role: 'provider', providerId: migrating.provider.id },
  ]) {
    const res = await as(app, adminToken).post('/v1/principals', { name: 'victim', ...body });
    expect(res.status).toBe(201);
    world.victims.push((res.body as { id: string }).id);
    if (world.victims.length === 1) world.deadTokens.push((res.body as { token: string }).token);
  }
  // The first one revoked: its token is one that stopped working.
  const gone = await as(app, adminToken).post(`/v1/principals/${world.victims[0]}/revoke`, {});
  expect(gone.status).toBe(200);

  // Timers given up after their last attempt, as timers.test.ts reaches it by failing it.
  // Every list in the order things were made, not by their random ids: a seed replays a run.
  const timers = await h
    .db('timers')
    .join('workflows', 'workflows.id', 'timers.workflow_id')
    .select<Array<{ id: string }>>('timers.id')
    .orderBy(['workflows.seq', 'timers.key']);
  expect(timers.length).toBeGreaterThan(2);
  world.timers = timers.map((t) => t.id);
  await h.db('timers').whereIn('id', world.timers.slice(0, 2)).update({
    failed_at: h.clock.now(),
    next_attempt_at: null,
    attempts: 8,
    last_error: 'given up',
  });

  // A partner's and a provider's subscriptions, each with a delivery given up in its log.
  for (const token of [manager, migrating.provider.token]) {
    const res = await as(app, token).post('/v1/webhooks', {
      url: 'https://93.184.216.34/hook',
      events: ['workflow.state_changed'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = (res.body as { id: string }).id;
    const at = h.clock.now();
    const delivery = `msg_world_${world.webhooks.length}`;
    await h.db('outbox').insert({
      id: delivery,
      kind: 'webhook.delivery',
      payload: JSON.stringify({ body: '{}' }),
      status: 'failed',
      attempts: 3,
      next_attempt_at: at,
      give_up_at: at,
      created_at: at,
      finished_at: at,
      last_error: 'HTTP 503',
      subscription_id: id,
      event_id: `evt_world_${world.webhooks.length}`,
      event_type: 'workflow.state_changed',
    });
    world.webhooks.push(id);
    world.deliveries.push(delivery);
  }
  for (let i = 0; i < 6; i += 1) {
    const res = await as(app, i % 2 === 0 ? manager : migrating.provider.token).post(
      '/v1/webhooks',
      { url: 'https://93.184.216.34/spare', events: ['transition.completed'] },
    );
    expect(res.status).toBe(201);
    world.spareWebhooks.push((res.body as { id: string }).id);
  }

  world.workflows = await h.db('workflows').orderBy('seq').pluck<string[]>('id');
  world.providers = world.partners.flatMap((p) => (p.providerId ? [p.providerId] : []));
  const mpnIdOf = async (table: string, ids: string[]) => {
    const rows = await h
      .db(table)
      .whereIn('id', ids)
      .select<Array<{ id: string; mpn_id: string }>>();
    return ids.map((id) => rows.find((r) => r.id === id)!.mpn_id);
  };
  world.mpnIds = [
    ...(await mpnIdOf(
      'partners',
      world.partners.map((p) => p.id),
    )),
    ...(await mpnIdOf('providers', world.providers)),
  ];
  return world;
}
