import { describe, expect, it } from 'vitest';
import type { PartnerCenter } from '../src/partner-center/partner-center.ts';
import { newestResource } from '../src/store/partner-center-links.ts';
import { readyToTransfer } from './connected-ready.ts';
import { useConnectedRig, type ConnectedRig } from './connected-rig.ts';
import type { Harness } from './harness.ts';
import { eventually } from './webhook-receiver.ts';

let h: Harness;
let rig: ConnectedRig;

useConnectedRig((started) => ({ h, rig } = started));

interface Row {
  type: string;
  outcome: string;
  actor: { role: string };
}

const historyOf = (id: string) => rig.history<Row>(id);

/** Partner Center did each step of the transfer once, and the history took each once. */
async function doneOnce(tenantId: string, transferId: string, requests = 1): Promise<void> {
  expect(await rig.effects(tenantId)).toMatchObject({
    createTransfer: requests,
    submitTransfer: requests,
    completeTransfer: requests,
  });
  const rows = await historyOf(transferId);
  expect(rows.filter((r) => r.outcome === 'rejected')).toEqual([]);
  expect(rows.filter((r) => r.type === 'SUBSCRIPTION_TRANSFERRED')).toHaveLength(1);
  expect(rows.filter((r) => r.type === 'TRANSFER_SUBMITTED')).toHaveLength(requests);
}

describe('connected mode when Partner Center misbehaves', () => {
  it('waits out a storm of 429s as Partner Center asks, and creates the request once', async () => {
    rig.startWorker();
    const ready = await readyToTransfer(rig);
    await rig.control('/faults', {
      match: 'createTransfer',
      status: 429,
      count: 9,
      retryAfterSeconds: 0,
    });
    await ready.confirm();
    await rig.reach(ready.move, ready.transferId, 'completed', { timeoutMs: 20_000 });
    // Every 429 was answered: the storm is spent.
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await doneOnce(ready.tenantId, ready.transferId);
  });

  it('tries 5xx answers again, and submits once', async () => {
    rig.startWorker();
    const ready = await readyToTransfer(rig);
    await rig.control('/faults', {
      match: 'PATCH /v1/customers/*/transfers/*',
      status: 503,
      count: 6,
    });
    await ready.confirm();
    await rig.reach(ready.move, ready.transferId, 'completed', { timeoutMs: 20_000 });
    expect(await rig.control('/faults')).toEqual({ items: [] });
    await doneOnce(ready.tenantId, ready.transferId);
  });

  it('catches by reconciliation what a lost webhook did not say', async () => {
    rig.startWorker();
    const ready = await readyToTransfer(rig);
    await rig.control('/webhooks/lose', { count: 10 });
    await ready.confirm();
    await eventually(
      async () =>
        (await rig.effects(ready.tenantId)).completeTransfer === 1 &&
        ((await rig.control('/webhooks/settle', {})) as object),
      'Partner Center to complete the transfer',
    );
    expect((await ready.move.get(ready.transferId)).state).toBe('transferring');
    await rig.reach(ready.move, ready.transferId, 'completed', { reconcile: true });
    await rig.control('/webhooks/lose', { count: 0 });
    await doneOnce(ready.tenantId, ready.transferId);
  });

  it('changes nothing when a webhook comes twice', async () => {
    rig.startWorker();
    const ready = await readyToTransfer(rig);
    await rig.control('/webhooks/double', { count: 10 });
    await ready.confirm();
    await rig.reach(ready.move, ready.transferId, 'completed', { timeoutMs: 20_000 });
    await rig.control('/webhooks/settle', {});
    const before = (await historyOf(ready.transferId)).length;
    await rig.connected.reconcile();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await historyOf(ready.transferId)).length).toBe(before);
    await rig.control('/webhooks/double', { count: 0 });
    await doneOnce(ready.tenantId, ready.transferId);
  });

  it('asks for a new request when Partner Center lets one expire before its submission', async () => {
    rig.startWorker();
    const ready = await readyToTransfer(rig);
    // The submission keeps failing, so the request waits until it expires.
    await rig.control('/faults', {
      match: 'PATCH /v1/customers/*/transfers/*',
      status: 503,
      count: 10_000,
    });
    await ready.confirm();
    await rig.reach(ready.move, ready.transferId, 'sourceReview');
    const first = (await historyOf(ready.transferId)).length;
    expect(first).toBeGreaterThan(0);
    const transfer = await newestResource(h.db, ready.transferId, 'transfer');
    await rig.control(`/customers/${ready.tenantId}/transfers/${transfer!.id}/expire`, {});
    await eventually(async () => {
      await rig.connected.reconcile();
      return (await historyOf(ready.transferId)).some((r) => r.type === 'TRANSFER_REQUEST_EXPIRED');
    }, 'the expiry to be recorded');
    await fetch(`${rig.simUrl}/_sim/faults`, { method: 'DELETE' });
    await rig.reach(ready.move, ready.transferId, 'completed', { timeoutMs: 30_000 });
    expect(await rig.effects(ready.tenantId)).toMatchObject({
      createTransfer: 2,
      submitTransfer: 1,
      completeTransfer: 1,
    });
  });

  it('does a step once when its worker dies in the middle of the call', async () => {
    let hung = 0;
    // This worker's calls reach Partner Center, but it never hears the answer: as if it died.
    const dying = rig.startWorker((pc): PartnerCenter => ({
      ...pc,
      createTransfer: async (...args) => {
        await pc.createTransfer(...args);
        hung += 1;
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        throw new Error('this worker died');
      },
    }));
    const ready = await readyToTransfer(rig);
    await ready.confirm();
    await eventually(() => hung === 1, 'the call to be made');
    await dying.stop().catch(() => {});
    // Another worker takes the step over once the dead one's claim lapses.
    rig.startWorker();
    await rig.reach(ready.move, ready.transferId, 'completed', { timeoutMs: 30_000 });
    const creates = (await rig.calls()).filter(
      (c) => c.customer === ready.tenantId && c.operation === 'createTransfer',
    );
    expect(creates.map((c) => c.replayed)).toEqual([false, true]);
    expect(new Set(creates.map((c) => c.requestId)).size).toBe(1);
    await doneOnce(ready.tenantId, ready.transferId);
  }, 60_000);
});
