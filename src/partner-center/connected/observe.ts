import type { SubscriptionTransferContext } from '../../../machines/subscription-transfer/subscription-transfer.machine.ts';
import type { GdapRelationship, Migration, Transfer, TransferLineItem } from '../partner-center.ts';
import type { Derive } from './steps.ts';

/**
 * What Partner Center reports, turned into the events a workflow has not had yet. Each reads
 * the workflow as it stands under its lock, so a report heard twice (a webhook sent twice, a
 * poll after a webhook) finds nothing left to apply. Pure: the worker makes the calls.
 */

/** Nothing more can happen to it in Partner Center. */
export function transferSettled(transfer: Transfer): boolean {
  return ['Complete', 'Expired', 'Cancelled'].includes(transfer.status);
}
export function migrationSettled(migration: Migration): boolean {
  return migration.status === 'Completed' || migration.status === 'Failed';
}
export function gdapSettled(relationship: GdapRelationship): boolean {
  return ['active', 'expired', 'terminated'].includes(relationship.status);
}

function flatten(lines: readonly TransferLineItem[]): TransferLineItem[] {
  return lines.flatMap((line) => [line, ...flatten(line.addOnItems ?? [])]);
}

/**
 * A transfer's outcome, line by line, once Partner Center has one; its expiry, when it is the
 * request the workflow waits on.
 */
export function transferEvents(transfer: Transfer, newest: boolean): Derive {
  return (row, snapshot) => {
    if (row.machine !== 'subscriptionTransfer') return [];
    if (row.state === 'sourceReview') {
      return transfer.status === 'Expired' && newest ? [{ type: 'TRANSFER_REQUEST_EXPIRED' }] : [];
    }
    if (row.state !== 'transferring') return [];
    const { results } = snapshot.context as SubscriptionTransferContext;
    const events: ReturnType<Derive>[number][] = [];
    for (const line of flatten(transfer.lineItems)) {
      if (results[line.subscriptionId]?.status !== 'pending') continue;
      if (line.status === 'Complete' && line.transferredSubscriptionId) {
        events.push({
          type: 'SUBSCRIPTION_TRANSFERRED',
          subscriptionId: line.subscriptionId,
          newSubscriptionId: line.transferredSubscriptionId,
        });
      } else if (line.status === 'Failed') {
        events.push({
          type: 'SUBSCRIPTION_TRANSFER_FAILED',
          subscriptionId: line.subscriptionId,
          reason: (
            line.transferError?.description ?? 'Partner Center reported the line failed'
          ).slice(0, 2000),
        });
      }
    }
    return events;
  };
}

/** A legacy subscription migrated to new commerce, under its new id. */
export function migrationEvents(migration: Migration, subscriptionId: string): Derive {
  return (row, snapshot) => {
    if (row.state !== 'detailsReview' || migration.status !== 'Completed') return [];
    const { subscriptions } = snapshot.context as SubscriptionTransferContext;
    if (!subscriptions.some((s) => s.id === subscriptionId && s.kind === 'legacy_license')) {
      return [];
    }
    return [
      {
        type: 'SUBSCRIPTION_MIGRATED',
        subscriptionId,
        ...(migration.newCommerceSubscriptionId
          ? { newSubscriptionId: migration.newCommerceSubscriptionId }
          : {}),
      },
    ];
  };
}

/** Where the customer's approval of GDAP stands, in as many steps as the workflow still needs. */
export function gdapEvents(relationship: GdapRelationship): Derive {
  return (row) => {
    const { status } = relationship;
    const approved = ['approved', 'activating', 'active', 'expiring'].includes(status);
    const active = status === 'active' || status === 'expiring';
    switch (row.state) {
      case 'gdapRequested':
        if (status === 'expired') return [{ type: 'GDAP_EXPIRED' }];
        if (status === 'terminated' || status === 'terminating') {
          return [{ type: 'GDAP_TERMINATED', reason: 'terminated in Partner Center' }];
        }
        if (!approved) return [];
        return active
          ? [{ type: 'GDAP_APPROVED' }, { type: 'GDAP_ACTIVATED' }]
          : [{ type: 'GDAP_APPROVED' }];
      case 'gdapApproved':
        if (status === 'expired') return [{ type: 'GDAP_EXPIRED' }];
        if (status === 'terminated' || status === 'terminating') {
          return [{ type: 'GDAP_TERMINATED', reason: 'terminated in Partner Center' }];
        }
        return active ? [{ type: 'GDAP_ACTIVATED' }] : [];
      default:
        return [];
    }
  };
}

/** The customer accepted the relationship with the provider. */
export function relationshipEvents(accepted: boolean): Derive {
  return (row) => {
    if (!accepted) return [];
    if (row.state === 'awaitingCustomerAcceptance') return [{ type: 'RELATIONSHIP_ACCEPTED' }];
    if (row.state === 'invitationSent') return [{ type: 'INVITATION_ACCEPTED' }];
    return [];
  };
}

/** The customer signed the MCA itself; the day it was seen stands for the day it signed. */
export function mcaEvents(signed: boolean, today: string): Derive {
  return (row) =>
    signed && (row.state === 'awaitingAcceptance' || row.state === 'requested')
      ? [{ type: 'ACCEPTED_IN_ADMIN_CENTER', dateAgreed: today }]
      : [];
}

/** The workflows a poll looks in on, by machine, in the states where they wait on the customer. */
export const waitingStates: Readonly<Record<string, readonly string[]>> = {
  resellerRelationship: ['awaitingCustomerAcceptance', 'invitationSent'],
  mcaReacceptance: ['awaitingAcceptance', 'requested'],
};
