import { describe, expect, it } from 'vitest';
import { gdapDisplayName } from '../src/partner-center/connected/gdap-request.ts';
import type { PartnerCenter } from '../src/partner-center/partner-center.ts';
import type { SimAccount } from '../bench/connected-setup.ts';
import { useConnectedRig, type ConnectedRig } from './connected-rig.ts';
import type { Move } from './move.ts';

let rig: ConnectedRig;

useConnectedRig((started) => ({ rig } = started));

interface Row {
  type: string;
  outcome: string;
  payload: { evidence?: { partnerCenter?: { resourceId?: string } } };
}

const historyOf = (id: string) => rig.history<Row>(id);

/** How many lock requests Graph has been sent so far, refused ones included. */
async function lockRequests(): Promise<number> {
  const counts = (await rig.control('/requests')) as {
    byOperation: Record<string, { requests: number }>;
  };
  return counts.byOperation.lockGdapForApproval?.requests ?? 0;
}

const lockPath = 'POST /graph/v1.0/tenantRelationships/delegatedAdminRelationships/*/requests';

/**
 * One connected customer whose provider needs admin rights, invited: once it accepts the
 * invitation, Tiershift asks Graph for a GDAP relationship.
 */
async function invitedCustomer(): Promise<{
  move: Move;
  provider: SimAccount;
  tenantId: string;
  relationshipId: string;
  accept: () => Promise<void>;
}> {
  const { move, partner, provider } = await rig.connectedMove();
  const c = await rig.customer(move, partner, { providerNeedsAdmin: true });
  await move.toMigrating();
  const relationship = await move.childOf('resellerRelationship', c.id);
  await move.send(move.team.manager, relationship.id, { type: 'USE_INVITATION' });
  return {
    move,
    provider,
    tenantId: c.tenantId,
    relationshipId: relationship.id,
    accept: async () => {
      await rig.control(`/customers/${c.tenantId}/relationships`, {
        providerTenantId: provider.tenantId,
        resellerTenantId: partner.tenantId,
      });
    },
  };
}

/**
 * The customer approves the relationship Tiershift asked for, and it becomes active; Graph
 * created one relationship and locked it once, and the history took every report.
 */
async function approvedOnce(ready: Awaited<ReturnType<typeof invitedCustomer>>): Promise<void> {
  await rig.reach(ready.move, ready.relationshipId, 'gdapRequested', { timeoutMs: 20_000 });
  const requested = (await historyOf(ready.relationshipId)).filter(
    (r) => r.type === 'GDAP_REQUESTED',
  );
  expect(requested).toHaveLength(1);
  const gdapId = requested[0]!.payload.evidence?.partnerCenter?.resourceId;
  expect(gdapId).toEqual(expect.any(String));
  await rig.control(`/gdap/${gdapId}/approve`, {});
  const done = await rig.reach(ready.move, ready.relationshipId, 'established', {
    reconcile: true,
  });
  expect(done.context).toMatchObject({ gdap: { status: 'active' } });
  expect((await rig.gdap(ready.provider, gdapId!)).status).toBe('active');
  expect(await rig.effects(ready.tenantId)).toMatchObject({
    createGdapRelationship: 1,
    lockGdapForApproval: 1,
  });
  const rows = await historyOf(ready.relationshipId);
  expect(rows.filter((r) => r.outcome === 'rejected')).toEqual([]);
}

/**
 * A worker whose call to `operation` reaches Graph, but which never hears the answer: it dies
 * after the call was carried out. Resolves once the call was made.
 */
function dyingAfter(operation: 'createGdapRelationship' | 'lockGdapForApproval') {
  let made: () => void = () => {};
  const called = new Promise<void>((resolve) => (made = resolve));
  const worker = rig.startWorker((pc): PartnerCenter => {
    const dies = async <T>(call: Promise<T>): Promise<T> => {
      await call;
      made();
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      throw new Error('this worker died');
    };
    return operation === 'createGdapRelationship'
      ? { ...pc, createGdapRelationship: (...args) => dies(pc.createGdapRelationship(...args)) }
      : { ...pc, lockGdapForApproval: (...args) => dies(pc.lockGdapForApproval(...args)) };
  });
  return { worker, called };
}

describe('connected mode when Graph misbehaves at the GDAP request', () => {
  it('waits out a storm of 429s on the create, and creates one relationship', async () => {
    rig.startWorker();
    const ready = await invitedCustomer();
    await rig.control('/faults', {
      match: 'createGdapRelationship',
      status: 429,
      count: 9,
      retryAfterSeconds: 0,
    });
    await ready.accept();
    await approvedOnce(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
  });

  it('tries again after 5xx answers to the lock, and creates and locks one relationship', async () => {
    rig.startWorker();
    const ready = await invitedCustomer();
    // A 500 may mean the lock was done, so the client gives the step back to the outbox; a
    // 503 says it was not, so the client tries again itself, until it runs out of attempts.
    await rig.control('/faults', { match: lockPath, status: 500, count: 2 });
    await rig.control('/faults', { match: lockPath, status: 503, count: 5 });
    await ready.accept();
    await approvedOnce(ready);
    expect(await rig.control('/faults')).toEqual({ items: [] });
  });

  it('creates one relationship when its worker dies after the create, before the lock', async () => {
    const dying = dyingAfter('createGdapRelationship');
    const ready = await invitedCustomer();
    await ready.accept();
    await dying.called;
    await dying.worker.stop().catch(() => {});
    // Another worker takes the step over once the dead one's claim lapses.
    rig.startWorker();
    await approvedOnce(ready);
  }, 60_000);

  it('locks once when its worker dies after the lock, before it heard the answer', async () => {
    const dying = dyingAfter('lockGdapForApproval');
    const ready = await invitedCustomer();
    const before = await lockRequests();
    await ready.accept();
    await dying.called;
    await dying.worker.stop().catch(() => {});
    rig.startWorker();
    await approvedOnce(ready);
    // The next attempt found the relationship locked, and did not ask again.
    expect((await lockRequests()) - before).toBe(1);
  }, 60_000);

  it('takes a refused lock as done when Graph shows the relationship already locked', async () => {
    const dying = dyingAfter('lockGdapForApproval');
    const ready = await invitedCustomer();
    const before = await lockRequests();
    await ready.accept();
    await dying.called;
    await dying.worker.stop().catch(() => {});
    // Graph's list may lag behind its last change: it still shows the relationship unlocked.
    rig.startWorker((pc): PartnerCenter => ({
      ...pc,
      listGdapRelationships: async (...args) => {
        const listed = await pc.listGdapRelationships(...args);
        return { ...listed, body: listed.body.map((r) => ({ ...r, status: 'created' as const })) };
      },
    }));
    await approvedOnce(ready);
    // Asked twice: done once, then refused, and the refusal read as what it means.
    expect((await lockRequests()) - before).toBe(2);
  }, 60_000);
});

describe('the name a GDAP request goes under', () => {
  it('when the customer’s name is long, then it is cut to Graph’s 50 characters, and each request of a workflow has a name of its own', () => {
    const long = 'Fabrikam Medical Devices and Diagnostics International Holdings';
    const first = gdapDisplayName(
      long,
      'wf_R7lTl52nGH-sx0Of2DTMqQ',
      'b0823d01-aaaa-4bbb-8ccc-dddddddddddd',
    );
    const again = gdapDisplayName(
      long,
      'wf_R7lTl52nGH-sx0Of2DTMqQ',
      '8c94c821-aaaa-4bbb-8ccc-dddddddddddd',
    );
    expect(first).toBe('Fabrikam Medical Devices and Dia Of2DTMqQ-b0823d01');
    expect(first).toHaveLength(50);
    expect(again).not.toBe(first);
    expect(gdapDisplayName('Tailspin', 'wf_x12345678', 'b0823d01-aaaa')).toBe(
      'Tailspin 12345678-b0823d01',
    );
  });
});
