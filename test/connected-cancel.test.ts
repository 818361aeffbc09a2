import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PartnerCenterError, type PartnerCenter } from '../src/partner-center/partner-center.ts';
import { newestResource } from '../src/store/partner-center-links.ts';
import { readyToTransfer } from './connected-ready.ts';
import { useConnectedRig, type ConnectedRig } from './connected-rig.ts';
import { as, type Harness } from './harness.ts';
import { eventually } from './webhook-receiver.ts';

let h: Harness;
let rig: ConnectedRig;

useConnectedRig((started) => ({ h, rig } = started));

interface Row {
  type: string;
  outcome: string;
  actor: { role: string };
  error?: { code: string } | null;
}

const historyOf = (id: string) => rig.history<Row>(id);

/** The partner's PLA, as an admin sets it; its record is then newer than its enrollment. */
async function setPlaVerified(partnerId: string, verified: boolean): Promise<void> {
  h.clock.set(new Date(h.clock.now().getTime() + 1000));
  const admin = as(h.app, h.adminToken);
  const { profile } = (await admin.get(`/v1/partners/${partnerId}`)).body as {
    profile: Record<string, unknown>;
  };
  const patched = await admin
    .patch(`/v1/partners/${partnerId}`)
    .send({ profile: { ...profile, plaVerified: verified } });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
}

interface StepRow {
  id: string;
  status: string;
  last_error: string | null;
  payload: { workflowId: string; operation: string };
}

/** The outbox's `createTransfer` steps of one transfer workflow. */
async function createSteps(workflowId: string): Promise<StepRow[]> {
  const rows: StepRow[] = await h.db('outbox').where({ kind: 'partner_center.call' }).select('*');
  return rows.filter(
    (row) => row.payload.workflowId === workflowId && row.payload.operation === 'createTransfer',
  );
}

describe('a transfer request no workflow follows any more', () => {
  it('is cancelled in Partner Center when its transfer is called off before the submission', async () => {
    // The partner's side cannot submit, so the request stays open in Partner Center.
    rig.startWorker((pc): PartnerCenter => ({
      ...pc,
      submitTransfer: () =>
        Promise.reject(
          new PartnerCenterError('partner_center_unavailable', 503, null, 'Unavailable', true, {
            requestId: randomUUID(),
            correlationId: randomUUID(),
          }),
        ),
    }));
    const ready = await readyToTransfer(rig);
    await ready.confirm();
    await rig.reach(ready.move, ready.transferId, 'sourceReview');
    await ready.move.send(ready.move.team.manager, ready.transferId, {
      type: 'CANCEL',
      reason: 'The customer stays with its partner.',
    });
    await eventually(
      async () => (await rig.effects(ready.tenantId)).cancelTransfer === 1,
      'the request to be cancelled in Partner Center',
    );
    const request = await newestResource(h.db, ready.transferId, 'transfer');
    await eventually(async () => {
      const row = await newestResource(h.db, ready.transferId, 'transfer');
      return row?.status === 'Cancelled' && row.settled_at !== null;
    }, 'the request to be noted as cancelled');
    expect(request).toBeDefined();
    expect(await rig.effects(ready.tenantId)).toMatchObject({ createTransfer: 1 });
    expect((await rig.effects(ready.tenantId)).submitTransfer).toBeUndefined();
  });

  it('is not asked for while the workflow would refuse it, and is once the cause is mended', async () => {
    rig.startWorker();
    const ready = await readyToTransfer(rig);
    await setPlaVerified(ready.move.team.partnerId, false);
    await ready.confirm();
    const step = await eventually(
      async () => (await createSteps(ready.transferId)).find((row) => row.last_error !== null),
      'the step to be held back',
    );
    expect(step.status).toBe('pending');
    expect(step.last_error).toMatch(/partner_of_record_invalid/);
    expect((await rig.effects(ready.tenantId)).createTransfer).toBeUndefined();
    // Nothing the rehearsal tried is kept.
    expect((await historyOf(ready.transferId)).map((r) => r.type)).not.toContain(
      'TRANSFER_REQUEST_CREATED',
    );

    await setPlaVerified(ready.move.team.partnerId, true);
    await h.db('outbox').where({ id: step.id }).update({ next_attempt_at: new Date() });
    await rig.reach(ready.move, ready.transferId, 'completed', { timeoutMs: 30_000 });
    expect(await rig.effects(ready.tenantId)).toMatchObject({ createTransfer: 1 });
    expect((await historyOf(ready.transferId)).filter((r) => r.outcome === 'rejected')).toEqual([]);
  });

  it('is cancelled in Partner Center when the rules change while it is being made', async () => {
    let partnerId = '';
    // The PLA lapses while Partner Center makes the request: the rehearsal passed, the
    // answer is refused.
    rig.startWorker((pc): PartnerCenter => ({
      ...pc,
      createTransfer: async (...args) => {
        const answered = await pc.createTransfer(...args);
        await setPlaVerified(partnerId, false);
        return answered;
      },
    }));
    const ready = await readyToTransfer(rig);
    partnerId = ready.move.team.partnerId;
    await ready.confirm();
    await eventually(
      async () => (await rig.effects(ready.tenantId)).cancelTransfer === 1,
      'the refused request to be cancelled in Partner Center',
    );
    expect(await rig.effects(ready.tenantId)).toMatchObject({ createTransfer: 1 });
    expect((await ready.move.get(ready.transferId)).state).toBe('awaitingTransferRequest');
    const refused = (await historyOf(ready.transferId)).filter((r) => r.outcome === 'rejected');
    expect(refused).toMatchObject([
      { type: 'TRANSFER_REQUEST_CREATED', actor: { role: 'partner_center' } },
    ]);
    // Given up with the rule that refused it, for an operator to see and act on.
    const [step] = await createSteps(ready.transferId);
    expect(step).toMatchObject({ status: 'failed' });
    expect(step!.last_error).toMatch(/partner_of_record_invalid/);
    await eventually(async () => {
      const row = await newestResource(h.db, ready.transferId, 'transfer');
      return row?.status === 'Cancelled' && row.settled_at !== null;
    }, 'the request to be noted as cancelled');
  });
});
