import type { AnyStateNode } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definitions, findDefinition } from '../machines/registry.ts';
import type { WorkflowRow } from '../src/store/workflows.ts';
import { buildCustomer, buildPartner } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';

/**
 * The context and output schemas of each machine are what the API document tells clients a
 * workflow holds. Real moves are driven through the API into every state of every machine,
 * and after each step every stored snapshot of the partner must satisfy its machine's
 * schemas. Contexts are strict objects, so a field a schema forgot fails here too.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** States each stored row was checked in, by machine; outputs checked, by machine. */
const checkedStates = new Map<string, Set<string>>();
const checkedOutputs = new Map<string, number>();
/** One real stored context per machine, to show that an unknown field is refused. */
const sampleContexts = new Map<string, Record<string, unknown>>();

interface StoredSnapshot {
  status: string;
  context: Record<string, unknown>;
  output?: unknown;
}

function problems(error: z.ZodError | undefined): string {
  return error ? z.prettifyError(error) : '';
}

/** Every workflow of the partner, as stored, against its machine's schemas. */
async function checkStored(move: Move): Promise<void> {
  const rows = await h
    .db<WorkflowRow>('workflows')
    .where({ partner_id: move.team.partnerId })
    .select('id', 'machine', 'state', 'snapshot');
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const definition = findDefinition(row.machine)!;
    const snapshot = row.snapshot as unknown as StoredSnapshot;
    const where = `${row.machine} ${row.id} in ${row.state}`;
    const context = definition.context.safeParse(snapshot.context);
    expect(context.success, `${where}: context\n${problems(context.error)}`).toBe(true);
    if (snapshot.status === 'done') {
      const output = definition.output.safeParse(snapshot.output);
      expect(output.success, `${where}: output\n${problems(output.error)}`).toBe(true);
      checkedOutputs.set(row.machine, (checkedOutputs.get(row.machine) ?? 0) + 1);
    } else {
      expect(snapshot.output, `${where}: output before the end`).toBeUndefined();
    }
    const states = checkedStates.get(row.machine) ?? new Set<string>();
    checkedStates.set(row.machine, states.add(row.state));
    sampleContexts.set(row.machine, snapshot.context);
  }
}

/** Sends an event the way `Move.send` does, then checks every stored row of the move. */
function sender(move: Move) {
  return async (
    token: string,
    id: string,
    event: Record<string, unknown>,
    expected = 200,
  ): Promise<Workflow> => {
    const answer = await move.send(token, id, event, expected);
    await checkStored(move);
    return answer;
  };
}

async function fireAfterDays(move: Move, days: number): Promise<void> {
  h.clock.advanceDays(days);
  await h.engine.fireDueTimers();
  await checkStored(move);
}

const today = () => h.clock.now().toISOString().slice(0, 10);

/** The contract name of every state a stored row can be in (internal states never are). */
function contractStates(node: AnyStateNode, path: string[] = []): string[] {
  const meta = node.meta as { internal?: boolean } | undefined;
  const here = node.parent && meta?.internal !== true ? [...path, node.key] : path;
  if (node.type === 'atomic' || node.type === 'final') {
    return meta?.internal === true ? [] : [here.join('.')];
  }
  return Object.values(node.states).flatMap((child) => contractStates(child, here));
}

const consent = {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Customer', email: 'carla@fabrikam.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
};

describe('machine context and output schemas, against stored snapshots', () => {
  it('when a move keeps its tenant with a deadline, timers fire and the enrollment is rejected once, then every stored snapshot fits', async () => {
    h.clock.set(new Date('2026-08-03T09:00:00Z'));
    const move = await Move.start(h.app, h.adminToken);
    const send = sender(move);
    const { manager, globalAdmin } = move.team;
    await checkStored(move);
    await send(globalAdmin, move.transitionId, { type: 'CANCEL', reason: 'restart on the tenant' });

    const created = await as(h.app, manager).post('/v1/transitions', {
      partnerId: move.team.partnerId,
      tenantStrategy: 'existing_tenant',
      migrationDeadline: '2026-09-20',
    });
    expect(created.status).toBe(201);
    const T = (created.body as Workflow).id;
    move.transitionId = T;
    await checkStored(move);
    await move.importCustomers([buildCustomer({ mcaAcceptance: 'admin_center' })]);
    await send(manager, T, { type: 'CONFIRM_PROFILE' });
    await send(manager, T, { type: 'RESTRICTION_REQUESTED', supportTicketId: 'SR-1001' });
    await send(manager, T, { type: 'RESTRICTION_REQUESTED', supportTicketId: 'SR-1002' });
    await send(manager, T, { type: 'DIRECT_BILL_RESTRICTED' });

    const [enrollment] = await move.children('machine=enrollment');
    const E = enrollment!.id;
    await send(manager, E, {
      type: 'UPDATE_PROFILE',
      mfaEnforced: true,
      businessEmail: 'ops@contoso-it.com',
    });
    await send(globalAdmin, E, { type: 'SUBMIT' });
    await fireAfterDays(move, 8);
    expect((await move.get(E)).state).toBe('pendingApproval.overdue');
    await send(h.adminToken, E, { type: 'REJECT', reason: 'PLA not matching' });
    await send(manager, E, { type: 'REVISE' });
    await send(globalAdmin, E, { type: 'SUBMIT' });
    await send(h.adminToken, E, { type: 'APPROVE' });
    await send(globalAdmin, E, { type: 'ACCEPT_AGREEMENT', agreementVersion: 'MPA-2026' });
    expect((await move.get(T)).state).toBe('partnering');

    // Partnerships in every status: requested, declined, invited and then accepted.
    const declining = await Move.provider(h.app, h.adminToken, 'DE');
    const silent = await Move.provider(h.app, h.adminToken, 'DE');
    for (const provider of [move.provider, declining, silent]) {
      await send(manager, T, { type: 'PARTNERSHIP_REQUESTED', providerId: provider.id });
    }
    await send(declining.token, T, {
      type: 'PROVIDER_DECLINED',
      providerId: declining.id,
      reason: 'no capacity',
    });
    await send(move.provider.token, T, {
      type: 'PROVIDER_INVITATION_SENT',
      providerId: move.provider.id,
    });
    await fireAfterDays(move, 31);
    expect((await move.get(T)).context).toMatchObject({ incentivesInvitationOverdue: true });
    await send(manager, T, { type: 'INCENTIVES_INVITATION_RECEIVED' });
    await fireAfterDays(move, 15);
    expect((await move.get(T)).context).toMatchObject({ migrationOverdue: true });
    await send(globalAdmin, T, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: move.provider.id,
    });

    const [customerId] = (await move.children('machine=mcaReacceptance')).map((w) => w.customerId);
    const done = await send(manager, T, {
      type: 'EXCLUDE_CUSTOMER',
      customerId: customerId!,
      reason: 'left the partner',
    });
    expect(done).toMatchObject({ state: 'completed', output: { customersExcluded: 1 } });
  });

  it('when an enrollment is withdrawn, with a reason or without, then the stored snapshots fit', async () => {
    for (const reason of ['found another route', undefined]) {
      const move = await Move.start(h.app, h.adminToken, buildPartner());
      const send = sender(move);
      const { manager, globalAdmin } = move.team;
      await send(manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
      await send(globalAdmin, move.transitionId, {
        type: 'NEW_TENANT_REGISTERED',
        tenantId: crypto.randomUUID(),
      });
      const [enrollment] = await move.children('machine=enrollment');
      if (reason === undefined) await send(globalAdmin, enrollment!.id, { type: 'SUBMIT' });
      await send(globalAdmin, enrollment!.id, {
        type: 'WITHDRAW',
        ...(reason === undefined ? {} : { reason }),
      });
      expect(await move.get(move.transitionId)).toMatchObject({
        state: 'cancelled',
        context: { cancelReason: 'enrollment withdrawn' },
      });
    }
  });

  it('when customers go through every relationship, MCA and transfer path, then every stored snapshot fits', async () => {
    const partner = buildPartner();
    const move = await Move.start(h.app, h.adminToken, partner);
    const send = sender(move);
    const { manager, globalAdmin } = move.team;
    const provider = move.provider;
    const [c1, c2, c3] = await move.importCustomers([
      buildCustomer({
        mcaAcceptance: 'admin_center',
        subscriptions: [
          { id: 'base', offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 5 },
          {
            id: 'addon',
            offer: 'Teams Phone',
            kind: 'nce_license',
            quantity: 5,
            baseSubscriptionId: 'base',
          },
          { id: 'old', offer: 'Office 365 E1 (legacy)', kind: 'legacy_license', quantity: 2 },
        ],
      }),
      buildCustomer({
        mcaAcceptance: 'partner_attestation',
        providerNeedsAdmin: true,
        subscriptions: [
          { id: 'c2-old', offer: 'Azure (legacy)', kind: 'legacy_azure', quantity: 1 },
        ],
      }),
      buildCustomer({ mcaAcceptance: 'none' }),
    ]);
    await checkStored(move);
    await move.toMigrating();
    await checkStored(move);
    const T = move.transitionId;

    const m2 = await move.childOf('mcaReacceptance', c2!);
    await send(manager, m2.id, { type: 'ACCEPTANCE_REQUESTED' });

    // Customer 1: consent given with evidence, revoked, given again without, then accepted.
    const r1 = await move.childOf('resellerRelationship', c1!);
    await send(manager, r1.id, { type: 'USE_EXTENSION' });
    await send(manager, r1.id, { ...consent, evidenceRef: 'DMS-1' });
    await send(manager, r1.id, { type: 'CONSENT_REVOKED', reason: 'asked too early' });
    await send(manager, r1.id, consent);
    await send(globalAdmin, r1.id, { type: 'BILL_TO_SHARING_CONFIRMED' });
    await send(manager, r1.id, { type: 'RELATIONSHIP_ACCEPTED' });

    // Its transfer: a legacy subscription migrated in place, a request that expires, a
    // subscription that fails and is retried.
    const t1 = (await move.childOf('subscriptionTransfer', c1!)).id;
    await send(manager, t1, { type: 'CUSTOMER_AGREED' });
    await send(manager, t1, { type: 'SUBSCRIPTION_MIGRATED', subscriptionId: 'old' });
    await send(provider.token, t1, { type: 'DETAILS_CONFIRMED', subscriptionIds: ['base', 'old'] });
    const request = {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@fabrikam.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    };
    await send(provider.token, t1, request);
    await fireAfterDays(move, 30);
    expect((await move.get(t1)).context).toMatchObject({ request: null, expiredRequests: 1 });
    expect((await move.get(m2.id)).context.reminders).toBeGreaterThan(0);
    await send(provider.token, t1, request);
    await send(manager, t1, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['base', 'old'] });
    await send(provider.token, t1, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'base',
      newSubscriptionId: 'p-base',
    });
    await send(provider.token, t1, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'addon',
      newSubscriptionId: 'p-addon',
    });
    await send(provider.token, t1, {
      type: 'SUBSCRIPTION_TRANSFER_FAILED',
      subscriptionId: 'old',
      reason: 'quota',
    });
    expect((await move.get(t1)).state).toBe('partiallyFailed');
    await send(manager, t1, { type: 'RETRY', subscriptionIds: ['old'] });
    await send(provider.token, t1, request);
    await send(manager, t1, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['old'] });
    const done1 = await send(provider.token, t1, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: 'old',
      newSubscriptionId: 'p-old',
    });
    expect(done1).toMatchObject({ state: 'completed', output: { transferred: 3 } });

    // Customer 2: invited for GDAP, MCA accepted again; its transfer migrated under a new id,
    // then called off by the provider and planned again.
    const r2 = await move.childOf('resellerRelationship', c2!);
    await send(manager, r2.id, { type: 'USE_INVITATION' });
    await send(manager, r2.id, { type: 'INVITATION_ACCEPTED' });
    // The invitation grants no admin rights: the provider's first GDAP request lapses, the
    // second is approved and becomes active.
    const gdap = { type: 'GDAP_REQUESTED', roles: ['Helpdesk Administrator'], durationDays: 365 };
    await send(provider.token, r2.id, gdap);
    await send(provider.token, r2.id, { type: 'GDAP_EXPIRED' });
    await send(provider.token, r2.id, gdap);
    await send(globalAdmin, r2.id, { type: 'GDAP_APPROVED' });
    await send(provider.token, r2.id, { type: 'GDAP_TERMINATED', reason: 'wrong roles' });
    await send(provider.token, r2.id, gdap);
    await send(globalAdmin, r2.id, { type: 'GDAP_APPROVED' });
    expect(await send(provider.token, r2.id, { type: 'GDAP_ACTIVATED' })).toMatchObject({
      state: 'established',
      output: { method: 'invitation', adminPrivileges: true },
    });
    await send(provider.token, m2.id, {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Dana', lastName: 'Ng', email: 'dana@fabrikam.example' },
      dateAgreed: today(),
    });
    const t2 = (await move.childOf('subscriptionTransfer', c2!)).id;
    await send(manager, t2, { type: 'CUSTOMER_AGREED' });
    await send(manager, t2, {
      type: 'SUBSCRIPTION_MIGRATED',
      subscriptionId: 'c2-old',
      newSubscriptionId: 'c2-plan',
    });
    await send(provider.token, t2, { type: 'CANCEL', reason: 'customer asked to wait' });
    await send(manager, T, { type: 'REPLAN_CUSTOMER', customerId: c2! });

    // Customer 3 declines, is planned again, and is left out.
    const m3 = await move.childOf('mcaReacceptance', c3!);
    expect(
      await send(provider.token, m3.id, { type: 'ACCEPTED_IN_ADMIN_CENTER', dateAgreed: today() }),
    ).toMatchObject({
      state: 'accepted',
      context: { acceptance: { channel: 'admin_center', acceptedBy: null } },
    });
    const r3 = await move.childOf('resellerRelationship', c3!);
    await send(manager, r3.id, { type: 'USE_EXTENSION' });
    await send(manager, r3.id, { type: 'CONSENT_DECLINED', reason: 'stays direct' });
    await send(manager, T, { type: 'REPLAN_CUSTOMER', customerId: c3! });
    await send(manager, T, { type: 'EXCLUDE_CUSTOMER', customerId: c3!, reason: 'stays direct' });

    const completed = await send(manager, T, {
      type: 'EXCLUDE_CUSTOMER',
      customerId: c2!,
      reason: 'transfer postponed past the move',
    });
    expect(completed).toMatchObject({
      state: 'completed',
      output: { customersMoved: 1, customersExcluded: 2, subscriptionsTransferred: 3 },
    });
  });

  it('when every scenario above has run, then each state of each machine and each output was checked', () => {
    for (const definition of definitions.values()) {
      const expected = contractStates(definition.machine.root).sort();
      expect([...(checkedStates.get(definition.name) ?? [])].sort(), definition.name).toEqual(
        expected,
      );
      expect(checkedOutputs.get(definition.name), definition.name).toBeGreaterThan(0);
    }
  });

  it('when a stored context carries a field its schema does not name, then the schema refuses it', () => {
    for (const definition of definitions.values()) {
      const context = sampleContexts.get(definition.name);
      expect(context, definition.name).toBeDefined();
      expect(definition.context.safeParse(context).success, definition.name).toBe(true);
      expect(
        definition.context.safeParse({ ...context, notInTheSchema: true }).success,
        definition.name,
      ).toBe(false);
    }
  });
});
