import { assign, setup } from 'xstate';
import type { PastVersion, PersistedSnapshot } from '../common.ts';

/**
 * Version 1 of the subscription transfer, frozen. It replays the history of workflows made
 * before version 2; nothing runs it. Version 2 changed what a retry does (a new transfer
 * request for the failed subscriptions, where version 1 sent them again on the completed
 * one) and what a subscription and a request carry.
 */

interface V1Subscription {
  id: string;
  kind: string;
  baseSubscriptionId: string | null;
}
type V1Result =
  | { status: 'pending' }
  | { status: 'transferred'; newSubscriptionId: string }
  | { status: 'failed'; reason: string };
interface V1Context {
  customerId: string;
  providerId: string;
  partnerTenantId: string;
  mcaConfirmed: boolean;
  subscriptions: V1Subscription[];
  confirmedIds: string[];
  request: { customerEmail: string; sourcePartnerTenantId: string; sourceNotified: boolean } | null;
  results: Record<string, V1Result>;
  expiredRequests: number;
  cancelReason: string | null;
}
type V1Event =
  | { type: 'CUSTOMER_AGREED' }
  | { type: 'SUBSCRIPTION_MIGRATED'; subscriptionId: string; newSubscriptionId?: string }
  | { type: 'DETAILS_CONFIRMED'; subscriptionIds: string[] }
  | { type: 'TRANSFER_REQUEST_CREATED'; customerEmail: string; sourcePartnerTenantId: string }
  | { type: 'TRANSFER_REQUEST_EXPIRED' }
  | { type: 'TRANSFER_SUBMITTED'; subscriptionIds: string[] }
  | { type: 'SUBSCRIPTION_TRANSFERRED'; subscriptionId: string; newSubscriptionId: string }
  | { type: 'SUBSCRIPTION_TRANSFER_FAILED'; subscriptionId: string; reason: string }
  | { type: 'RETRY'; subscriptionIds: string[] }
  | { type: 'CANCEL'; reason: string };

const migratedKinds: Record<string, string> = {
  legacy_license: 'nce_license',
  legacy_azure: 'azure_plan',
};

function withAddOns(subscriptions: readonly V1Subscription[], ids: readonly string[]): string[] {
  const chosen = new Set(ids);
  for (const s of subscriptions) {
    if (s.baseSubscriptionId !== null && chosen.has(s.baseSubscriptionId)) chosen.add(s.id);
  }
  return subscriptions.filter((s) => chosen.has(s.id)).map((s) => s.id);
}

function applyMigration(
  subscriptions: readonly V1Subscription[],
  id: string,
  newId: string | undefined,
): V1Subscription[] {
  const to = newId ?? id;
  return subscriptions.map((s) => ({
    id: s.id === id ? to : s.id,
    kind: s.id === id ? (migratedKinds[s.kind] ?? s.kind) : s.kind,
    baseSubscriptionId: s.baseSubscriptionId === id ? to : s.baseSubscriptionId,
  }));
}

const settled = (results: Record<string, V1Result>) =>
  Object.values(results).every((r) => r.status !== 'pending');
const someFailed = (results: Record<string, V1Result>) =>
  Object.values(results).some((r) => r.status === 'failed');

const machine = setup({
  types: { context: {} as V1Context, events: {} as V1Event, input: {} as V1Context },
}).createMachine({
  id: 'subscriptionTransfer',
  initial: 'agreement',
  context: ({ input }) => ({
    ...input,
    confirmedIds: [],
    request: null,
    results: {},
    expiredRequests: 0,
    cancelReason: null,
  }),
  output: ({ context }) => {
    const newSubscriptionIds: Record<string, string> = {};
    for (const [id, result] of Object.entries(context.results)) {
      if (result.status === 'transferred') newSubscriptionIds[id] = result.newSubscriptionId;
    }
    return { transferred: Object.keys(newSubscriptionIds).length, newSubscriptionIds };
  },
  on: {
    CANCEL: {
      target: '.cancelled',
      actions: assign({ cancelReason: ({ event }) => event.reason }),
    },
  },
  states: {
    agreement: { on: { CUSTOMER_AGREED: { target: 'detailsReview' } } },
    detailsReview: {
      on: {
        SUBSCRIPTION_MIGRATED: {
          actions: assign({
            subscriptions: ({ context, event }) =>
              applyMigration(context.subscriptions, event.subscriptionId, event.newSubscriptionId),
          }),
        },
        DETAILS_CONFIRMED: {
          target: 'awaitingTransferRequest',
          actions: assign({
            confirmedIds: ({ context, event }) =>
              withAddOns(context.subscriptions, event.subscriptionIds),
          }),
        },
      },
    },
    awaitingTransferRequest: {
      on: {
        TRANSFER_REQUEST_CREATED: {
          target: 'sourceReview',
          actions: assign({
            request: ({ event }) => ({
              customerEmail: event.customerEmail,
              sourcePartnerTenantId: event.sourcePartnerTenantId,
              sourceNotified: true,
            }),
          }),
        },
      },
    },
    sourceReview: {
      on: {
        TRANSFER_REQUEST_EXPIRED: {
          target: 'awaitingTransferRequest',
          actions: assign({
            request: null,
            expiredRequests: ({ context }) => context.expiredRequests + 1,
          }),
        },
        TRANSFER_SUBMITTED: {
          target: 'transferring',
          actions: assign({
            results: ({ context, event }) =>
              Object.fromEntries(
                withAddOns(context.subscriptions, event.subscriptionIds)
                  .filter((id) => context.confirmedIds.includes(id))
                  .map((id): [string, V1Result] => [id, { status: 'pending' }]),
              ),
          }),
        },
      },
    },
    transferring: {
      always: [
        {
          guard: ({ context }) => settled(context.results) && !someFailed(context.results),
          target: 'completed',
        },
        {
          guard: ({ context }) => settled(context.results) && someFailed(context.results),
          target: 'partiallyFailed',
        },
      ],
      on: {
        SUBSCRIPTION_TRANSFERRED: {
          actions: assign({
            results: ({ context, event }) => ({
              ...context.results,
              [event.subscriptionId]: {
                status: 'transferred',
                newSubscriptionId: event.newSubscriptionId,
              },
            }),
          }),
        },
        SUBSCRIPTION_TRANSFER_FAILED: {
          actions: assign({
            results: ({ context, event }) => ({
              ...context.results,
              [event.subscriptionId]: { status: 'failed', reason: event.reason },
            }),
          }),
        },
      },
    },
    partiallyFailed: {
      on: {
        RETRY: {
          target: 'transferring',
          actions: assign({
            results: ({ context, event }) => ({
              ...context.results,
              ...Object.fromEntries(
                event.subscriptionIds.map((id): [string, V1Result] => [id, { status: 'pending' }]),
              ),
            }),
          }),
        },
      },
    },
    completed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

/**
 * To version 2: each subscription gains what version 2 reads (active, no known term: what
 * an import of that time held), the request gains a partner of record and an expiry, both
 * unknown. A version-1 transfer that had failed partly and was being retried on its
 * completed request keeps its state: its pending subscriptions are still reported as
 * version 1 asked for, and a later RETRY follows version 2.
 */
function upgrade(snapshot: PersistedSnapshot): PersistedSnapshot {
  const context = snapshot.context as unknown as V1Context;
  return {
    ...snapshot,
    context: {
      ...context,
      subscriptions: context.subscriptions.map((s) => ({
        ...s,
        status: 'active',
        termEndDate: null,
        billingCycle: null,
        transferEligible: false,
      })),
      request:
        context.request === null
          ? null
          : { ...context.request, partnerOnRecord: null, expiresAt: null },
    },
  };
}

export const subscriptionTransferV1: PastVersion = { version: 1, machine, upgrade };
