import { ConnectedRig, consentByExtension } from './connected-rig.ts';
import type { Move } from './move.ts';
import { eventually } from './webhook-receiver.ts';

export interface ReadyToTransfer {
  move: Move;
  transferId: string;
  tenantId: string;
  /** The hand step that sets Partner Center to work: the details confirmed. */
  confirm: () => Promise<void>;
}

/**
 * One connected customer whose relationship and MCA are done, its transfer agreed: the next
 * hand step (the details confirmed) sets Partner Center to work.
 */
export async function readyToTransfer(rig: ConnectedRig): Promise<ReadyToTransfer> {
  const { move, partner, provider } = await rig.connectedMove();
  const c = await rig.customer(move, partner);
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
  await move.send(move.team.manager, transfer.id, { type: 'CUSTOMER_AGREED' });
  return {
    move,
    transferId: transfer.id,
    tenantId: c.tenantId,
    confirm: async () => {
      await move.send(move.provider.token, transfer.id, {
        type: 'DETAILS_CONFIRMED',
        subscriptionIds: c.subscriptions.map((s) => s.id),
      });
    },
  };
}
