import { getShortestPaths } from 'xstate/graph';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../machines/common.ts';
import { findDefinition } from '../machines/registry.ts';
import { contractState } from '../src/engine/introspection.ts';
import { buildCustomer, buildPartner, buildProfile } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

/**
 * Model-based tests: every shortest path of each machine (xstate/graph) is driven through the
 * HTTP API on a fresh workflow, and the state the API reports after each step must be the
 * state the machine itself reaches.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

type ModelEvent = EventObject & Record<string, unknown>;

interface Subject {
  move: Move;
  id: string;
}

interface Model {
  machine: string;
  input: Record<string, unknown>;
  events: ModelEvent[];
  /** The state value and the context its guards read: what makes two snapshots the same. */
  serialize: (snapshot: AnyMachineSnapshot) => string;
  stopWhen?: (snapshot: AnyMachineSnapshot) => boolean;
  /** A fresh workflow of the machine, in its initial state. */
  subject: () => Promise<Subject>;
  /** Events that no person sends (timers, child reports) are brought about here. */
  bringAbout?: (subject: Subject, event: ModelEvent) => Promise<void>;
}

const byPreference: Role[] = ['manager', 'global_admin', 'provider', 'admin'];
const tenantId = '0f6c4a8e-2b7d-4c1e-9a3f-5d8e7b6a4c21';
const activeTerms = {
  status: 'active',
  termEndDate: null,
  billingCycle: null,
  transferEligible: false,
} as const;

function tokenFor(move: Move, roles: readonly Role[]): string {
  const role = byPreference.find((r) => roles.includes(r));
  switch (role) {
    case 'manager':
      return move.team.manager;
    case 'global_admin':
      return move.team.globalAdmin;
    case 'provider':
      return move.provider.token;
    case 'admin':
      return move.adminToken;
    default:
      throw new Error(`No person may send an event for roles ${roles.join(', ')}`);
  }
}

async function fireAfterDays(days: number): Promise<void> {
  h.clock.advanceDays(days);
  await h.engine.fireDueTimers();
}

async function runModel(model: Model): Promise<void> {
  const definition = findDefinition(model.machine)!;
  const paths = getShortestPaths(definition.machine, {
    input: model.input,
    events: model.events,
    serializeState: (s) => model.serialize(s as AnyMachineSnapshot),
    // A final snapshot takes no more events in the engine; the traversal would go on from it.
    stopWhen: (s) => s.status !== 'active' || (model.stopWhen?.(s as AnyMachineSnapshot) ?? false),
  });
  expect(paths.length).toBeGreaterThan(1);
  for (const path of paths) {
    const subject = await model.subject();
    const trail: string[] = [];
    for (const step of path.steps) {
      const event = step.event as ModelEvent;
      if (event.type.startsWith('xstate.')) continue;
      trail.push(event.type);
      const spec = definition.events[event.type]!;
      if (spec.roles.every((r) => r === 'system')) {
        await model.bringAbout!(subject, event);
      } else {
        const { facts: _facts, ...body } = event;
        if (typeof body.providerId === 'string') body.providerId = subject.move.provider.id;
        if (typeof body.partnerOnRecord === 'string')
          body.partnerOnRecord = subject.move.partner.mpnId;
        const res = await as(h.app, tokenFor(subject.move, spec.roles)).post(
          `/v1/workflows/${subject.id}/events`,
          body,
        );
        expect(
          res.status,
          `${model.machine}: ${trail.join(' → ')}: ${JSON.stringify(res.body)}`,
        ).toBe(200);
      }
      const actual = await subject.move.get(subject.id);
      expect(actual.state, `${model.machine} after ${trail.join(' → ')}`).toBe(
        contractState(step.state as AnyMachineSnapshot),
      );
    }
  }
}

const valueOf = (s: AnyMachineSnapshot) => JSON.stringify(s.value);

/** A move at `migratingCustomers` with one customer, and that customer's workflow of `machine`. */
async function customerSubject(
  machine: string,
  customer: Record<string, unknown>,
): Promise<Subject> {
  const move = await Move.start(h.app, h.adminToken, buildPartner({ tenantId }));
  const [c] = await move.importCustomers([buildCustomer(customer)]);
  await move.toMigrating();
  if (machine === 'subscriptionTransfer') {
    const r = await move.childOf('resellerRelationship', c!);
    await move.send(move.team.manager, r.id, { type: 'USE_INVITATION' });
    await move.send(move.team.manager, r.id, { type: 'INVITATION_ACCEPTED' });
  }
  return { move, id: (await move.childOf(machine, c!)).id };
}

describe('model-based: every shortest path through the API', () => {
  it('enrollment', async () => {
    await runModel({
      machine: 'enrollment',
      input: {
        profile: buildProfile(),
        plaRegion: 'DE',
        cspRegion: 'DE',
        tenantStrategy: 'new_tenant',
        profileConfirmed: true,
        directBillRestricted: false,
      },
      events: [
        { type: 'UPDATE_PROFILE', mfaEnforced: true },
        { type: 'SUBMIT' },
        { type: 'APPROVAL_OVERDUE' },
        { type: 'APPROVE' },
        { type: 'REJECT', reason: 'incomplete' },
        { type: 'REVISE' },
        { type: 'ACCEPT_AGREEMENT', agreementVersion: 'MPA-2026' },
        { type: 'WITHDRAW' },
      ],
      serialize: valueOf,
      subject: async () => {
        const move = await Move.start(h.app, h.adminToken);
        await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
        await move.send(move.team.globalAdmin, move.transitionId, {
          type: 'NEW_TENANT_REGISTERED',
          tenantId,
        });
        return { move, id: (await move.children('machine=enrollment'))[0]!.id };
      },
      bringAbout: () => fireAfterDays(8),
    });
  });

  for (const tenantStrategy of ['existing_tenant', 'new_tenant'] as const) {
    it(`transition (${tenantStrategy}), up to migratingCustomers`, async () => {
      await runModel({
        machine: 'transition',
        input: { tenantStrategy, migrationDeadline: null },
        events: [
          { type: 'CONFIRM_PROFILE' },
          { type: 'RESTRICTION_REQUESTED', supportTicketId: 'SR-1' },
          { type: 'DIRECT_BILL_RESTRICTED' },
          { type: 'NEW_TENANT_REGISTERED', tenantId },
          {
            type: 'CHILD_DONE',
            childId: 'e',
            machine: 'enrollment',
            customerId: null,
            state: 'active',
            status: 'done',
            siblings: {},
          },
          {
            type: 'CHILD_DONE',
            childId: 'e',
            machine: 'enrollment',
            customerId: null,
            state: 'withdrawn',
            status: 'cancelled',
            siblings: {},
          },
          {
            type: 'PARTNERSHIP_REQUESTED',
            providerId: 'P',
            facts: {
              provider: { id: 'P', region: 'DE' },
              partner: { cspRegion: 'DE', tenantId, mpnId: '1234567', plaVerified: true },
            },
          },
          { type: 'PROVIDER_INVITATION_SENT', providerId: 'P' },
          { type: 'PROVIDER_INVITATION_ACCEPTED', providerId: 'P' },
          { type: 'CANCEL', reason: 'stop' },
        ],
        serialize: (s) =>
          JSON.stringify([s.value, (s.context as { partnerships: unknown }).partnerships]),
        stopWhen: (s) => s.matches('migratingCustomers'),
        subject: async () => {
          const move = await Move.start(
            h.app,
            h.adminToken,
            buildPartner({ tenantId: crypto.randomUUID() }),
          );
          await move.importCustomers([buildCustomer()]);
          if (tenantStrategy === 'existing_tenant') {
            await move.send(move.team.globalAdmin, move.transitionId, {
              type: 'CANCEL',
              reason: 'restart',
            });
            const res = await (
              await import('./harness.ts')
            )
              .as(h.app, move.team.manager)
              .post('/v1/transitions', { partnerId: move.team.partnerId, tenantStrategy });
            move.transitionId = (res.body as { id: string }).id;
          }
          return { move, id: move.transitionId };
        },
        bringAbout: async ({ move }, event) => {
          const [enrollment] = await move.children('machine=enrollment');
          if (event.state === 'withdrawn') {
            await move.send(move.team.globalAdmin, enrollment!.id, { type: 'WITHDRAW' });
            return;
          }
          await move.send(move.team.globalAdmin, enrollment!.id, { type: 'SUBMIT' });
          await move.send(move.adminToken, enrollment!.id, { type: 'APPROVE' });
          await move.send(move.team.globalAdmin, enrollment!.id, {
            type: 'ACCEPT_AGREEMENT',
            agreementVersion: 'MPA',
          });
        },
      });
    });
  }

  it('resellerRelationship', async () => {
    await runModel({
      machine: 'resellerRelationship',
      input: { customerId: 'c', providerId: 'P', providerNeedsAdmin: false, billTo: {} },
      events: [
        { type: 'USE_EXTENSION' },
        { type: 'USE_INVITATION' },
        {
          type: 'CONSENT_GRANTED',
          grantedBy: { name: 'Carla', email: 'carla@fabrikam.example' },
          method: 'recorded_call',
          statementVersion: 'rre-consent-v1',
        },
        { type: 'CONSENT_DECLINED', reason: 'no' },
        { type: 'BILL_TO_SHARING_CONFIRMED' },
        { type: 'CONSENT_REVOKED', reason: 'changed mind' },
        { type: 'RELATIONSHIP_ACCEPTED' },
        { type: 'INVITATION_ACCEPTED' },
      ],
      serialize: valueOf,
      subject: () => customerSubject('resellerRelationship', { mcaAcceptance: 'none' }),
    });
  });

  it('resellerRelationship, for a provider that needs admin rights', async () => {
    await runModel({
      machine: 'resellerRelationship',
      input: { customerId: 'c', providerId: 'P', providerNeedsAdmin: true, billTo: {} },
      events: [
        { type: 'USE_EXTENSION' },
        { type: 'USE_INVITATION' },
        { type: 'INVITATION_ACCEPTED' },
        { type: 'GDAP_REQUESTED', roles: ['Helpdesk Administrator'], durationDays: 90 },
        { type: 'GDAP_APPROVED' },
        { type: 'GDAP_ACTIVATED' },
        { type: 'GDAP_EXPIRED' },
        { type: 'GDAP_TERMINATED', reason: 'wrong roles' },
      ],
      serialize: valueOf,
      subject: () =>
        customerSubject('resellerRelationship', {
          mcaAcceptance: 'none',
          providerNeedsAdmin: true,
        }),
    });
  });

  it('mcaReacceptance', async () => {
    await runModel({
      machine: 'mcaReacceptance',
      input: { customerId: 'c', providerId: 'P', mcaAcceptance: 'partner_attestation' },
      events: [
        { type: 'ACCEPTANCE_REQUESTED' },
        { type: 'REMINDER_DUE' },
        {
          type: 'ACCEPTANCE_RECORDED',
          acceptedBy: { firstName: 'Ann', lastName: 'Lee', email: 'ann@fabrikam.example' },
          dateAgreed: '2020-01-01',
          facts: { today: '2026-01-01' },
        },
        {
          type: 'ACCEPTED_IN_ADMIN_CENTER',
          dateAgreed: '2020-01-01',
          facts: { today: '2026-01-01' },
        },
      ],
      serialize: valueOf,
      subject: () => customerSubject('mcaReacceptance', { mcaAcceptance: 'partner_attestation' }),
      bringAbout: () => fireAfterDays(7),
    });
  });

  it('subscriptionTransfer', async () => {
    await runModel({
      machine: 'subscriptionTransfer',
      input: {
        customerId: 'c',
        providerId: 'P',
        partnerTenantId: tenantId,
        mcaConfirmed: true,
        subscriptions: [
          { id: 's1', kind: 'nce_license', baseSubscriptionId: null, ...activeTerms },
          { id: 's2', kind: 'legacy_license', baseSubscriptionId: null, ...activeTerms },
        ],
      },
      events: [
        { type: 'CUSTOMER_AGREED' },
        { type: 'SUBSCRIPTION_MIGRATED', subscriptionId: 's2' },
        { type: 'DETAILS_CONFIRMED', subscriptionIds: ['s1'] },
        {
          type: 'TRANSFER_REQUEST_CREATED',
          customerEmail: 'it@fabrikam.example',
          sourcePartnerTenantId: tenantId,
          partnerOnRecord: '1234567',
        },
        { type: 'TRANSFER_REQUEST_EXPIRED' },
        { type: 'TRANSFER_SUBMITTED', subscriptionIds: ['s1'] },
        { type: 'SUBSCRIPTION_TRANSFERRED', subscriptionId: 's1', newSubscriptionId: 'n1' },
        { type: 'SUBSCRIPTION_TRANSFER_FAILED', subscriptionId: 's1', reason: 'quota' },
        { type: 'RETRY', subscriptionIds: ['s1'] },
        { type: 'CANCEL', reason: 'stop' },
      ],
      serialize: (s) => {
        const c = s.context as { results: unknown; confirmedIds: unknown; subscriptions: unknown };
        return JSON.stringify([s.value, c.results, c.confirmedIds, c.subscriptions]);
      },
      subject: () =>
        customerSubject('subscriptionTransfer', {
          mcaAcceptance: 'admin_center',
          subscriptions: [
            { id: 's1', offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 1 },
            { id: 's2', offer: 'Office 365 E1', kind: 'legacy_license', quantity: 1 },
          ],
        }),
      bringAbout: () => fireAfterDays(31),
    });
  });
});
