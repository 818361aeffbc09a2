import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  CallIds,
  MigrationRequest,
  PartnerCenter,
} from '../src/partner-center/partner-center.ts';
import { consentByExtension, useConnectedRig, type ConnectedRig } from './connected-rig.ts';
import type { Harness } from './harness.ts';
import type { Move } from './move.ts';
import { eventually } from './webhook-receiver.ts';

let h: Harness;
let rig: ConnectedRig;

useConnectedRig((started) => ({ h, rig } = started));

interface Row {
  type: string;
  outcome: string;
}

const historyOf = (id: string) => rig.history<Row>(id);

interface SimCustomer {
  subscriptions: Array<{ id: string; legacy: boolean; status: string }>;
  agreements: Array<{ primaryContact: { email: string } }>;
}

const simCustomer = async (tenantId: string) =>
  (await rig.control(`/customers/${tenantId}`)) as SimCustomer;

/** How the outbox left a workflow's Partner Center steps: each should be delivered. */
async function stepStatuses(workflowId: string): Promise<string[]> {
  const rows: Array<{ status: string }> = await h
    .db('outbox')
    .where({ kind: 'partner_center.call' })
    .whereRaw(`payload->>'workflowId' = ?`, [workflowId])
    .select('status');
  return rows.map((r) => r.status);
}

/** A workflow's Partner Center steps as the outbox holds them. */
async function agreementSteps(
  workflowId: string,
): Promise<Array<{ id: string; status: string; last_error: string | null }>> {
  return h
    .db('outbox')
    .where({ kind: 'partner_center.call' })
    .whereRaw(`payload->>'workflowId' = ?`, [workflowId])
    .select('id', 'status', 'last_error');
}

/** Creates Partner Center answered and carried out, not counting repeats answered again. */
async function answeredCreates(operation: string): Promise<number> {
  const { byOperation } = (await rig.control('/requests')) as {
    byOperation: Record<
      string,
      {
        requests: number;
        throttled: number;
        faulted: number;
        unauthorized: number;
        replayed: number;
      }
    >;
  };
  const c = byOperation[operation];
  return c ? c.requests - c.throttled - c.faulted - c.unauthorized - c.replayed : 0;
}

/** The same call under fresh ids: Partner Center no longer knows the ones the step sends. */
const fresh = (ids: CallIds): CallIds => ({ ...ids, requestId: randomUUID() });

/**
 * One connected customer with `legacyCount` legacy subscriptions, its relationship and MCA
 * done: agreeing its transfer sets the migrations going.
 */
async function withLegacy(legacyCount: number): Promise<{
  move: Move;
  transferId: string;
  tenantId: string;
  legacyIds: string[];
  agree: () => Promise<void>;
}> {
  const { move, partner, provider } = await rig.connectedMove();
  const tag = randomUUID().slice(0, 8);
  const legacyIds = Array.from({ length: legacyCount }, (_, i) => `legacy-${tag}-${i + 1}`);
  const c = await rig.customer(
    move,
    partner,
    {
      subscriptions: legacyIds.map((id, i) => ({
        id,
        offer: i === 0 ? 'Office 365 E1' : 'Exchange Online Plan 1',
        kind: 'legacy_license',
        quantity: 3 + i,
      })),
    },
    legacyIds,
  );
  await move.toMigrating();
  const relationship = await move.childOf('resellerRelationship', c.id);
  await consentByExtension(move, relationship);
  await rig.control(`/customers/${c.tenantId}/relationships`, {
    providerTenantId: provider.tenantId,
    resellerTenantId: partner.tenantId,
  });
  await rig.control(`/customers/${c.tenantId}/mca/sign`, {});
  await rig.reach(move, relationship.id, 'established', { reconcile: true });
  await rig.reach(move, (await move.childOf('mcaReacceptance', c.id)).id, 'accepted', {
    reconcile: true,
  });
  const transfer = await eventually(
    async () => (await move.children(`machine=subscriptionTransfer&customerId=${c.id}`))[0],
    'the transfer workflow',
  );
  return {
    move,
    transferId: transfer.id,
    tenantId: c.tenantId,
    legacyIds,
    agree: async () => {
      await move.send(move.team.manager, transfer.id, { type: 'CUSTOMER_AGREED' });
    },
  };
}

/**
 * Waits for every legacy subscription to be migrated (the reconciliation reads the
 * migrations), then confirms the new ones and waits for the transfer to complete.
 */
async function migrateAndTransfer(ready: Awaited<ReturnType<typeof withLegacy>>): Promise<void> {
  const subscriptions = await eventually(
    async () => {
      await rig.connected.reconcile();
      const transfer = await ready.move.get(ready.transferId);
      const subs = transfer.context.subscriptions as Array<{ id: string; kind: string }>;
      return subs.every((s) => s.kind !== 'legacy_license') && subs;
    },
    'the legacy subscriptions migrated',
    30_000,
  );
  await ready.move.send(ready.move.provider.token, ready.transferId, {
    type: 'DETAILS_CONFIRMED',
    subscriptionIds: subscriptions.map((s) => s.id),
  });
  await rig.reach(ready.move, ready.transferId, 'completed', { timeoutMs: 20_000 });
}

/**
 * Partner Center migrated each legacy subscription once (a repeat answered again is no
 * second migration), the step was delivered, and the history took each migration once.
 */
async function migratedOnce(
  ready: Awaited<ReturnType<typeof withLegacy>>,
  createsBefore: number,
): Promise<void> {
  const n = ready.legacyIds.length;
  expect(await rig.effects(ready.tenantId)).toMatchObject({
    createMigration: n,
    completeMigration: n,
    createTransfer: 1,
    submitTransfer: 1,
  });
  // Not one more create reached Partner Center's logic, refused or not.
  expect((await answeredCreates('createMigration')) - createsBefore).toBe(n);
  const { subscriptions } = await simCustomer(ready.tenantId);
  for (const id of ready.legacyIds) {
    expect(subscriptions.find((s) => s.id === id)?.status).toBe('migrated');
  }
  // Its three steps: the migrations, the request, the submission.
  expect(await stepStatuses(ready.transferId)).toEqual(['delivered', 'delivered', 'delivered']);
  const rows = await historyOf(ready.transferId);
  expect(rows.filter((r) => r.outcome === 'rejected')).toEqual([]);
  expect(rows.filter((r) => r.type === 'SUBSCRIPTION_MIGRATED')).toHaveLength(n);
}

/**
 * A worker whose calls go to Partner Center unchanged, except that a fault is injected just
 * as the first `operation` for `subscriptionId` goes out: it hits that subscription, after
 * the ones before it went through.
 */
const faultWhen =
  (
    operation: 'validateMigration' | 'createMigration',
    subscriptionId: string,
    fault: Record<string, unknown>,
  ) =>
  (pc: PartnerCenter): PartnerCenter => {
    let armed = false;
    const arm = async (op: typeof operation, request: MigrationRequest) => {
      if (armed || op !== operation || request.currentSubscriptionId !== subscriptionId) return;
      armed = true;
      await rig.control('/faults', fault);
    };
    return {
      ...pc,
      validateMigration: async (...args) => {
        await arm('validateMigration', args[2]);
        return pc.validateMigration(...args);
      },
      createMigration: async (...args) => {
        await arm('createMigration', args[2]);
        return pc.createMigration(...args);
      },
    };
  };

/**
 * A worker whose migration of `subscriptionId` reaches Partner Center, but which never hears
 * the answer: as if it died between the call and recording it.
 */
function dyingOn(subscriptionId: string) {
  const state = { hung: 0 };
  const wrap = (pc: PartnerCenter): PartnerCenter => ({
    ...pc,
    createMigration: async (...args) => {
      const answered = await pc.createMigration(...args);
      if (args[2].currentSubscriptionId !== subscriptionId) return answered;
      state.hung += 1;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      throw new Error('this worker died');
    },
  });
  return { state, wrap };
}

describe('connected mode: migrating legacy subscriptions when Partner Center misbehaves', () => {
  it('waits out a storm of 429s on the migration as Retry-After asks, and migrates once', async () => {
    rig.startWorker();
    const ready = await withLegacy(1);
    const before = await answeredCreates('createMigration');
    await rig.control('/faults', {
      match: 'createMigration',
      status: 429,
      count: 5,
      retryAfterSeconds: 1,
    });
    await ready.agree();
    await migrateAndTransfer(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await migratedOnce(ready, before);
  });

  it('tries 5xx answers on the validation again, and migrates once', async () => {
    rig.startWorker();
    const ready = await withLegacy(1);
    const before = await answeredCreates('createMigration');
    await rig.control('/faults', {
      match: 'POST /v1/customers/*/migrations/newcommerce/validate',
      status: 503,
      count: 6,
    });
    await ready.agree();
    await migrateAndTransfer(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await migratedOnce(ready, before);
  });

  it('tries 5xx answers on the migration again, and migrates once', async () => {
    rig.startWorker();
    const ready = await withLegacy(1);
    const before = await answeredCreates('createMigration');
    await rig.control('/faults', {
      match: 'POST /v1/customers/*/migrations/newcommerce',
      status: 500,
      count: 6,
    });
    await ready.agree();
    await migrateAndTransfer(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await migratedOnce(ready, before);
  });

  it('migrates once when its worker dies after Partner Center created the migration', async () => {
    const ready = await withLegacy(1);
    const before = await answeredCreates('createMigration');
    const dying = dyingOn(ready.legacyIds[0]!);
    const worker = rig.startWorker(dying.wrap);
    await ready.agree();
    await eventually(() => dying.state.hung >= 1, 'the migration to be created');
    await worker.stop().catch(() => {});
    rig.startWorker();
    await migrateAndTransfer(ready);
    await migratedOnce(ready, before);
  }, 60_000);

  it('finds the migration it made when Partner Center no longer knows the request id, and makes no other', async () => {
    const ready = await withLegacy(1);
    const before = await answeredCreates('createMigration');
    const dying = dyingOn(ready.legacyIds[0]!);
    const worker = rig.startWorker(dying.wrap);
    await ready.agree();
    await eventually(() => dying.state.hung >= 1, 'the migration to be created');
    await worker.stop().catch(() => {});
    // The next worker's calls carry ids Partner Center has not seen: no first answer to repeat.
    rig.startWorker((pc) => ({
      ...pc,
      validateMigration: (a, t, r, ids) => pc.validateMigration(a, t, r, fresh(ids)),
      createMigration: (a, t, r, ids) => pc.createMigration(a, t, r, fresh(ids)),
    }));
    await migrateAndTransfer(ready);
    await migratedOnce(ready, before);
  }, 60_000);

  it('when a 429 storm hits the second of two migrations, then each is made once', async () => {
    const ready = await withLegacy(2);
    const before = await answeredCreates('createMigration');
    rig.startWorker(
      faultWhen('createMigration', ready.legacyIds[1]!, {
        match: 'createMigration',
        status: 429,
        count: 6,
        retryAfterSeconds: 0,
      }),
    );
    await ready.agree();
    await migrateAndTransfer(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await migratedOnce(ready, before);
  });

  it('when 5xx answers hit the validation of the second of two, then each is made once', async () => {
    const ready = await withLegacy(2);
    const before = await answeredCreates('createMigration');
    rig.startWorker(
      faultWhen('validateMigration', ready.legacyIds[1]!, {
        match: 'validateMigration',
        status: 503,
        count: 6,
      }),
    );
    await ready.agree();
    await migrateAndTransfer(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await migratedOnce(ready, before);
  });

  it('when 5xx answers hit the migration of the second of two, then each is made once', async () => {
    const ready = await withLegacy(2);
    const before = await answeredCreates('createMigration');
    rig.startWorker(
      faultWhen('createMigration', ready.legacyIds[1]!, {
        match: 'createMigration',
        status: 503,
        count: 6,
      }),
    );
    await ready.agree();
    await migrateAndTransfer(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await migratedOnce(ready, before);
  });

  it('when the worker dies after the second of two migrations was made, then each is made once', async () => {
    const ready = await withLegacy(2);
    const before = await answeredCreates('createMigration');
    const dying = dyingOn(ready.legacyIds[1]!);
    const worker = rig.startWorker(dying.wrap);
    await ready.agree();
    await eventually(() => dying.state.hung >= 1, 'the second migration to be created');
    await worker.stop().catch(() => {});
    rig.startWorker();
    await migrateAndTransfer(ready);
    await migratedOnce(ready, before);
  }, 60_000);
});

/**
 * One connected customer whose relationship is established and whose MCA the provider is about
 * to record: `record` sends the acceptance, which Tiershift records in Partner Center.
 */
async function providerRecords(options: { relationshipFirst?: boolean } = {}): Promise<{
  mcaId: string;
  tenantId: string;
  move: Move;
  record: () => Promise<void>;
  acceptRelationship: () => Promise<void>;
}> {
  const { move, partner, provider } = await rig.connectedMove();
  const c = await rig.customer(move, partner);
  await move.toMigrating();
  const relationship = await move.childOf('resellerRelationship', c.id);
  await consentByExtension(move, relationship);
  const acceptRelationship = async () => {
    await rig.control(`/customers/${c.tenantId}/relationships`, {
      providerTenantId: provider.tenantId,
      resellerTenantId: partner.tenantId,
    });
    await rig.reach(move, relationship.id, 'established', { reconcile: true });
  };
  if (options.relationshipFirst ?? true) await acceptRelationship();
  const mca = await move.childOf('mcaReacceptance', c.id);
  return {
    move,
    mcaId: mca.id,
    tenantId: c.tenantId,
    acceptRelationship,
    record: async () => {
      await move.send(move.provider.token, mca.id, {
        type: 'ACCEPTANCE_RECORDED',
        acceptedBy: { firstName: 'Dana', lastName: 'Reyes', email: 'dana@fabrikam.example' },
        dateAgreed: new Date().toISOString().slice(0, 10),
      });
    },
  };
}

/**
 * The agreement is on record once in Partner Center, and the workflow took no refusal;
 * `answered` creates reached Partner Center's logic (a duplicate refused is one of them).
 */
async function agreedOnce(
  ready: Awaited<ReturnType<typeof providerRecords>>,
  createsBefore: number,
  answered = 1,
): Promise<void> {
  await eventually(
    async () => (await stepStatuses(ready.mcaId)).every((s) => s !== 'pending'),
    'the agreement step to be carried out',
    30_000,
  );
  expect(await stepStatuses(ready.mcaId)).toEqual(['delivered']);
  const { agreements } = await simCustomer(ready.tenantId);
  expect(agreements.map((a) => a.primaryContact.email)).toEqual(['dana@fabrikam.example']);
  expect((await rig.effects(ready.tenantId)).createAgreement).toBe(1);
  expect((await answeredCreates('createAgreement')) - createsBefore).toBe(answered);
  const mca = await ready.move.get(ready.mcaId);
  expect(mca.state).toBe('accepted');
  const rows = await historyOf(ready.mcaId);
  expect(rows.filter((r) => r.outcome === 'rejected')).toEqual([]);
  expect(rows.filter((r) => r.type === 'ACCEPTANCE_RECORDED')).toHaveLength(1);
}

function dyingOnAgreement() {
  const state = { hung: 0 };
  const wrap = (pc: PartnerCenter): PartnerCenter => ({
    ...pc,
    createAgreement: async (...args) => {
      await pc.createAgreement(...args);
      state.hung += 1;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      throw new Error('this worker died');
    },
  });
  return { state, wrap };
}

describe('connected mode: recording the MCA when Partner Center misbehaves', () => {
  it('waits out a storm of 429s on the agreement, and records it once', async () => {
    rig.startWorker();
    const ready = await providerRecords();
    const before = await answeredCreates('createAgreement');
    await rig.control('/faults', {
      match: 'createAgreement',
      status: 429,
      count: 6,
      retryAfterSeconds: 1,
    });
    await ready.record();
    await agreedOnce(ready, before);
    expect(await rig.control('/faults')).toEqual({ items: [] });
  });

  it('tries 5xx answers on the template read again, and records once', async () => {
    rig.startWorker();
    const ready = await providerRecords();
    const before = await answeredCreates('createAgreement');
    await rig.control('/faults', { match: 'GET /v1/agreements', status: 503, count: 6 });
    await ready.record();
    await agreedOnce(ready, before);
    expect(await rig.control('/faults')).toEqual({ items: [] });
  });

  it('tries 5xx answers on the agreement again, and records once', async () => {
    rig.startWorker();
    const ready = await providerRecords();
    const before = await answeredCreates('createAgreement');
    await rig.control('/faults', {
      match: 'POST /v1/customers/*/agreements',
      status: 500,
      count: 6,
    });
    await ready.record();
    await agreedOnce(ready, before);
    expect(await rig.control('/faults')).toEqual({ items: [] });
  });

  it('records once when its worker dies after Partner Center took the agreement', async () => {
    const ready = await providerRecords();
    const before = await answeredCreates('createAgreement');
    const dying = dyingOnAgreement();
    const worker = rig.startWorker(dying.wrap);
    await ready.record();
    await eventually(() => dying.state.hung >= 1, 'the agreement to be created');
    await worker.stop().catch(() => {});
    rig.startWorker();
    await agreedOnce(ready, before);
    const creates = (await rig.calls()).filter(
      (c) => c.customer === ready.tenantId && c.operation === 'createAgreement',
    );
    expect(creates.every((c, i) => c.replayed === i > 0)).toBe(true);
    expect(new Set(creates.map((c) => c.requestId)).size).toBe(1);
  }, 60_000);

  it('takes a duplicate for done when Partner Center no longer knows the request id', async () => {
    const ready = await providerRecords();
    const before = await answeredCreates('createAgreement');
    const dying = dyingOnAgreement();
    const worker = rig.startWorker(dying.wrap);
    await ready.record();
    await eventually(() => dying.state.hung >= 1, 'the agreement to be created');
    await worker.stop().catch(() => {});
    rig.startWorker((pc) => ({
      ...pc,
      createAgreement: (a, t, agreement, ids) => pc.createAgreement(a, t, agreement, fresh(ids)),
    }));
    // The second create is refused as a duplicate (600061): the step takes that for done.
    await agreedOnce(ready, before, 2);
  }, 60_000);
  it('waits for the customer to accept the provider before recording, then records once', async () => {
    rig.startWorker();
    const ready = await providerRecords({ relationshipFirst: false });
    await ready.record();
    // Partner Center refuses an agreement from a provider with no relationship to the
    // customer (403, 20002): the step waits for it rather than ask and be given up.
    const step = await eventually(
      async () =>
        (await agreementSteps(ready.mcaId)).find((row) =>
          /relationship/.test(row.last_error ?? ''),
        ),
      'the agreement to be refused for want of a relationship',
    );
    expect(step.status).toBe('pending');
    expect((await rig.effects(ready.tenantId)).createAgreement).toBeUndefined();

    await ready.acceptRelationship();
    await h.db('outbox').where({ id: step.id }).update({ next_attempt_at: new Date() });
    await eventually(
      async () => (await stepStatuses(ready.mcaId)).every((s) => s === 'delivered'),
      'the agreement step to be carried out',
      30_000,
    );
    const { agreements } = await simCustomer(ready.tenantId);
    expect(agreements.map((a) => a.primaryContact.email)).toEqual(['dana@fabrikam.example']);
    expect((await rig.effects(ready.tenantId)).createAgreement).toBe(1);
    const rows = await historyOf(ready.mcaId);
    expect(rows.filter((r) => r.outcome === 'rejected')).toEqual([]);
  });
});
