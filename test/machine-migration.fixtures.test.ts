import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDefinition } from '../machines/registry.ts';
import { prepareDatabase } from '../src/service.ts';
import type { HistoryRow } from '../src/store/history.ts';
import type { WorkflowRow } from '../src/store/workflows.ts';
import { createPrincipal } from './factories.ts';
import {
  fixtureMachines,
  loadFixture,
  readFixture,
  type FixtureView,
} from './fixtures/machines-fixture.ts';
import { as, startHarness, type Harness } from './harness.ts';

/**
 * Workflows that version 1 of subscriptionTransfer, resellerRelationship and mcaReacceptance
 * stored, in every state those machines have (test/fixtures/machines-v1.json), meet this
 * build at start. This holds only once those definitions are at a later version and list
 * version 1 in their pastVersions; before that, the first test says so and the others find
 * no MIGRATED row.
 */
const fixture = readFixture('machines-v1.json');
const fixtureWorkflows = Object.entries(fixture.expected).map(([id, expected]) => ({
  id,
  ...expected,
}));

let h: Harness;
let migrated: Record<string, number>;
let outboxBefore: number;
let timersBefore: unknown[];
const tokens: Record<string, string> = {};

const countOutbox = async () =>
  Number((await h.db('outbox').count<Array<{ count: number }>>({ count: '*' }))[0]!.count);

beforeAll(async () => {
  // Its own database: the start migrates every workflow it finds there.
  h = await startHarness({ ownDatabase: true });
  await loadFixture(h.db, fixture);
  // A restart a day after the fixture was written.
  h.clock.set(new Date(new Date(fixture.generatedAt).getTime() + 24 * 60 * 60 * 1000));
  outboxBefore = await countOutbox();
  timersBefore = await h.db('timers').orderBy('id');
  ({ workflows: migrated } = await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets }));

  const partnerId = String(fixture.tables.partners![0]!.id);
  const providerId = String(fixture.tables.providers![0]!.id);
  tokens.admin = h.adminToken;
  tokens.manager = await createPrincipal(h.app, h.adminToken, { role: 'manager', partnerId });
  tokens.global_admin = await createPrincipal(h.app, h.adminToken, {
    role: 'global_admin',
    partnerId,
  });
  tokens.provider = await createPrincipal(h.app, h.adminToken, { role: 'provider', providerId });
}, 120_000);
afterAll(async () => h.close());

async function row(id: string): Promise<WorkflowRow> {
  return (await h.db<WorkflowRow>('workflows').where({ id }).first())!;
}

async function stateAt(id: string, seq: number, token = h.adminToken) {
  const res = await as(h.app, token).get(`/v1/workflows/${id}/history/${seq}/state`);
  expect(res.status, `${id} at ${seq}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as Record<string, unknown> & { nextEvents: Array<{ type: string }> };
}

/** What time travel shows now, in the fixture's terms. */
function comparable(view: Record<string, unknown> & { nextEvents: Array<{ type: string }> }) {
  return {
    machineVersion: view.machineVersion,
    state: view.state,
    stateValue: view.stateValue,
    status: view.status,
    version: view.version,
    context: view.context,
    ...(view.output === undefined ? {} : { output: view.output }),
  };
}

function expectAsBefore(now: ReturnType<typeof comparable>, nextNow: string[], then: FixtureView) {
  const { seq: _seq, nextEvents: nextThen, ...rest } = then;
  expect(now).toEqual(rest);
  // The roles of next events are today's; an event type the current definition dropped
  // cannot be offered any more.
  expect(nextThen).toEqual(expect.arrayContaining(nextNow));
}

async function verify(id: string) {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history/verify`);
  expect(res.status).toBe(200);
  return res.body as { valid: boolean; problems: unknown[] };
}

function fixturePartnerMpnId(): string {
  const [partner] = (fixture.tables.partners ?? []) as Array<{ mpn_id?: unknown }>;
  return String(partner?.mpn_id);
}

/** A payload for each event a fixture workflow can be sent next, built from its context. */
const sampleEvents: Record<string, (context: Record<string, unknown>) => Record<string, unknown>> =
  {
    CUSTOMER_AGREED: () => ({}),
    DETAILS_CONFIRMED: (c) => ({
      subscriptionIds: (c.subscriptions as Array<{ id: string; kind: string }>)
        .filter((s) => !s.kind.startsWith('legacy'))
        .map((s) => s.id),
    }),
    TRANSFER_REQUEST_CREATED: (c) => ({
      customerEmail: 'it@fabrikam.example',
      sourcePartnerTenantId: c.partnerTenantId,
      // Version 2 names the partner of record: the fixture's one partner.
      partnerOnRecord: fixturePartnerMpnId(),
    }),
    TRANSFER_SUBMITTED: (c) => ({ subscriptionIds: c.confirmedIds }),
    SUBSCRIPTION_TRANSFERRED: (c) => {
      const [pending] = Object.entries(c.results as Record<string, { status: string }>).find(
        ([, r]) => r.status === 'pending',
      )!;
      return { subscriptionId: pending, newSubscriptionId: `${pending}-moved` };
    },
    RETRY: (c) => ({
      subscriptionIds: Object.entries(c.results as Record<string, { status: string }>)
        .filter(([, r]) => r.status === 'failed')
        .map(([id]) => id),
    }),
    USE_INVITATION: () => ({}),
    CONSENT_GRANTED: () => ({
      grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
      method: 'signed_form',
      statementVersion: 'rre-consent-v1',
    }),
    BILL_TO_SHARING_CONFIRMED: () => ({}),
    RELATIONSHIP_ACCEPTED: () => ({}),
    INVITATION_ACCEPTED: () => ({}),
    ACCEPTANCE_REQUESTED: () => ({}),
    ACCEPTANCE_RECORDED: () => ({
      acceptedBy: { firstName: 'Dana', lastName: 'Ng', email: 'dana@fabrikam.example' },
      dateAgreed: h.clock.now().toISOString().slice(0, 10),
    }),
    CANCEL: () => ({ reason: 'The customer stays with the partner.' }),
  };

/** The build runs a later version of the machine than the fixture's, which is what is tested. */
function expectLaterVersion(machine: (typeof fixtureMachines)[number]) {
  expect(
    findDefinition(machine)!.version,
    `${machine} is still at version ${fixture.machines[machine]}: this test needs the version that lists it in pastVersions`,
  ).toBeGreaterThan(fixture.machines[machine]);
}

describe('workflows stored by version 1 of the customer machines', () => {
  it('when the start meets them, then every one is migrated to its machine’s current version, with nothing announced and no timer touched', async () => {
    for (const machine of fixtureMachines) {
      expectLaterVersion(machine);
      expect(migrated[machine]).toBe(fixtureWorkflows.filter((w) => w.machine === machine).length);
    }
    expect(await countOutbox()).toBe(outboxBefore);
    expect(await h.db('timers').orderBy('id')).toEqual(timersBefore);
  });

  it.each(
    fixtureWorkflows.map(
      (w) => [w.label, w.machine as (typeof fixtureMachines)[number], w] as const,
    ),
  )(
    'when %s (%s) was migrated, then it has one MIGRATED row, verifies, travels back as version 1 showed it, and takes its next event',
    async (_label, machine, expected) => {
      expectLaterVersion(machine);
      const { id } = expected;
      const definition = findDefinition(machine)!;
      const stored = await row(id);
      const before = expected.views.admin.length;
      expect(stored).toMatchObject({
        machine_version: definition.version,
        history_length: before + 1,
        version: expected.views.admin.at(-1)!.version + 1,
      });
      const migratedRows = await h
        .db<HistoryRow>('history')
        .where({ workflow_id: id, type: 'MIGRATED' });
      expect(migratedRows).toEqual([
        expect.objectContaining({
          seq: before + 1,
          payload: {
            fromVersion: fixture.machines[machine],
            toVersion: definition.version,
          },
          actor_role: 'system',
          outcome: 'applied',
          from_state: expected.views.admin.at(-1)!.state,
          to_state: stored.state,
        }),
      ]);
      expect(await verify(id)).toMatchObject({ valid: true, problems: [] });

      for (const then of expected.views.admin) {
        const view = await stateAt(id, then.seq);
        expectAsBefore(
          comparable(view),
          view.nextEvents.map((e) => e.type),
          then,
        );
      }
      // A provider's view withholds bill-to in the past as it did then.
      for (const then of expected.views.provider) {
        const view = await stateAt(id, then.seq, tokens.provider);
        expectAsBefore(
          comparable(view),
          view.nextEvents.map((e) => e.type),
          then,
        );
      }

      const current = await as(h.app, h.adminToken).get(`/v1/workflows/${id}`);
      expect(current.status).toBe(200);
      const now = current.body as Record<string, unknown> & {
        context: Record<string, unknown>;
        nextEvents: Array<{ type: string; roles: string[] }>;
      };
      expect(comparable(await stateAt(id, before + 1))).toEqual(comparable(now));

      if (now.status !== 'active' || now.nextEvents.length === 0) return;
      const candidates = [...now.nextEvents].sort(
        (x, y) => Number(x.type === 'CANCEL') - Number(y.type === 'CANCEL'),
      );
      const next = candidates.find((e) => sampleEvents[e.type] && e.roles.some((r) => tokens[r]));
      expect(next, `no sample for any of ${JSON.stringify(now.nextEvents)}`).toBeDefined();
      const token = tokens[next!.roles.find((r) => tokens[r])!]!;
      const sent = await as(h.app, token).post(`/v1/workflows/${id}/events`, {
        type: next!.type,
        ...sampleEvents[next!.type]!(now.context),
      });
      expect(sent.status, `${next!.type}: ${JSON.stringify(sent.body)}`).toBe(200);
      expect(sent.body).toMatchObject({
        machineVersion: definition.version,
        version: (now.version as number) + 1,
      });
      expect(await verify(id)).toMatchObject({ valid: true, problems: [] });
    },
  );
});
