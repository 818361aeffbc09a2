import { assign, setup } from 'xstate';
import { z } from 'zod';
import { effectActions, type WorkflowDefinition } from '../common.ts';
import {
  allSettled,
  anyFailed,
  applyMigration,
  confirmRefusals,
  migrationRefusals,
  resultRefusals,
  retryRefusals,
  sourceRefusals,
  submitRefusals,
  withAddOns,
  type TransferResult,
  type TransferSubscription,
} from './subscription-transfer.rules.ts';

const subscriptionId = z.string().min(1).max(100);
const ids = z.array(subscriptionId).min(1).max(1000);

const customerAgreed = z.strictObject({ type: z.literal('CUSTOMER_AGREED') });
const subscriptionMigrated = z.strictObject({
  type: z.literal('SUBSCRIPTION_MIGRATED'),
  subscriptionId,
  newSubscriptionId: subscriptionId.optional(),
});
const detailsConfirmed = z.strictObject({
  type: z.literal('DETAILS_CONFIRMED'),
  subscriptionIds: ids,
});
const transferRequestCreated = z.strictObject({
  type: z.literal('TRANSFER_REQUEST_CREATED'),
  customerEmail: z.email(),
  sourcePartnerTenantId: z.uuid(),
});
const transferRequestExpired = z.strictObject({ type: z.literal('TRANSFER_REQUEST_EXPIRED') });
const transferSubmitted = z.strictObject({
  type: z.literal('TRANSFER_SUBMITTED'),
  subscriptionIds: ids,
});
const subscriptionTransferred = z.strictObject({
  type: z.literal('SUBSCRIPTION_TRANSFERRED'),
  subscriptionId,
  newSubscriptionId: subscriptionId,
});
const subscriptionTransferFailed = z.strictObject({
  type: z.literal('SUBSCRIPTION_TRANSFER_FAILED'),
  subscriptionId,
  reason: z.string().min(1).max(2000),
});
const retry = z.strictObject({ type: z.literal('RETRY'), subscriptionIds: ids });
const cancel = z.strictObject({ type: z.literal('CANCEL'), reason: z.string().min(1).max(2000) });

type TransferEvent =
  | z.infer<typeof customerAgreed>
  | z.infer<typeof subscriptionMigrated>
  | z.infer<typeof detailsConfirmed>
  | z.infer<typeof transferRequestCreated>
  | z.infer<typeof transferRequestExpired>
  | z.infer<typeof transferSubmitted>
  | z.infer<typeof subscriptionTransferred>
  | z.infer<typeof subscriptionTransferFailed>
  | z.infer<typeof retry>
  | z.infer<typeof cancel>;

export const subscriptionTransferInput = z.strictObject({
  customerId: z.string(),
  providerId: z.string(),
  partnerTenantId: z.string(),
  mcaConfirmed: z.boolean(),
  subscriptions: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.enum(['nce_license', 'azure_plan', 'legacy_license', 'legacy_azure']),
      baseSubscriptionId: z.string().nullable(),
    }),
  ),
});
type Input = z.infer<typeof subscriptionTransferInput>;

export interface TransferContext extends Input {
  subscriptions: TransferSubscription[];
  confirmedIds: string[];
  request: { customerEmail: string; sourcePartnerTenantId: string; sourceNotified: boolean } | null;
  results: Record<string, TransferResult>;
  expiredRequests: number;
  cancelReason: string | null;
}

const expiryTimer = 'transferRequestExpiry';

export const subscriptionTransferMachine = setup({
  types: {
    context: {} as TransferContext,
    events: {} as TransferEvent,
    input: {} as Input,
    output: {} as { transferred: number; newSubscriptionIds: Record<string, string> },
  },
  actions: effectActions,
  guards: {
    everySettledTransferred: ({ context }) =>
      allSettled(context.results) && !anyFailed(context.results),
    everySettledSomeFailed: ({ context }) =>
      allSettled(context.results) && anyFailed(context.results),
  },
}).createMachine({
  id: 'subscriptionTransfer',
  description:
    "The eight steps that move one customer's new-commerce subscriptions to the provider.",
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
    agreement: {
      description: 'Step 1: the customer and the source partner agree to the transfer.',
      on: { CUSTOMER_AGREED: { target: 'detailsReview' } },
    },
    detailsReview: {
      description:
        'Steps 2–4: source and target settle the subscriptions; legacy ones are migrated to new commerce first. The established relationship covers steps 3–4.',
      on: {
        SUBSCRIPTION_MIGRATED: {
          actions: assign({
            subscriptions: ({ context, event }) =>
              applyMigration(context.subscriptions, event.subscriptionId, event.newSubscriptionId),
          }),
        },
        DETAILS_CONFIRMED: {
          target: 'awaitingTransferRequest',
          guard: ({ context, event }) =>
            confirmRefusals(context.subscriptions, event.subscriptionIds).length === 0,
          actions: assign({
            confirmedIds: ({ context, event }) =>
              withAddOns(context.subscriptions, event.subscriptionIds),
          }),
        },
      },
    },
    awaitingTransferRequest: {
      description:
        "Step 5: the provider creates the transfer request with the customer's email and the source tenant.",
      on: {
        TRANSFER_REQUEST_CREATED: {
          target: 'sourceReview',
          guard: ({ context, event }) =>
            sourceRefusals(context.partnerTenantId, event.sourcePartnerTenantId).length === 0,
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
      description:
        'Steps 6–7: the source partner was notified and submits the subscriptions; the request expires after 30 days.',
      entry: {
        type: 'scheduleTimer',
        params: {
          key: expiryTimer,
          event: { type: 'TRANSFER_REQUEST_EXPIRED' },
          after: { days: 30 },
        },
      },
      exit: { type: 'cancelTimer', params: { key: expiryTimer } },
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
          guard: ({ context, event }) =>
            submitRefusals(context.confirmedIds, event.subscriptionIds, context.mcaConfirmed)
              .length === 0,
          actions: assign({
            results: ({ context, event }) =>
              Object.fromEntries(
                withAddOns(context.subscriptions, event.subscriptionIds)
                  .filter((id) => context.confirmedIds.includes(id))
                  .map((id): [string, TransferResult] => [id, { status: 'pending' }]),
              ),
          }),
        },
      },
    },
    transferring: {
      description:
        "Step 8: each subscription is created on the provider's billing and the old one cancelled.",
      always: [
        { guard: 'everySettledTransferred', target: 'completed' },
        { guard: 'everySettledSomeFailed', target: 'partiallyFailed' },
      ],
      on: {
        SUBSCRIPTION_TRANSFERRED: {
          guard: ({ context, event }) =>
            resultRefusals(context.results, event.subscriptionId).length === 0,
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
          guard: ({ context, event }) =>
            resultRefusals(context.results, event.subscriptionId).length === 0,
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
      description: 'Some subscriptions failed to transfer; they can be tried again.',
      on: {
        RETRY: {
          target: 'transferring',
          guard: ({ context, event }) =>
            retryRefusals(context.results, event.subscriptionIds).length === 0,
          actions: assign({
            results: ({ context, event }) => ({
              ...context.results,
              ...Object.fromEntries(
                event.subscriptionIds.map((id): [string, TransferResult] => [
                  id,
                  { status: 'pending' },
                ]),
              ),
            }),
          }),
        },
      },
    },
    completed: {
      type: 'final',
      description:
        "The old subscriptions are cancelled and the new ones are on the provider's billing.",
    },
    cancelled: { type: 'final', description: 'The transfer was called off.' },
  },
});

const partnerSide = ['manager', 'global_admin'] as const;
const afterSubmission = new Set(['transferring', 'partiallyFailed']);

export const subscriptionTransferDefinition: WorkflowDefinition = {
  name: 'subscriptionTransfer',
  version: 1,
  description: 'New-commerce subscription transfer of one customer to the provider.',
  machine: subscriptionTransferMachine,
  input: subscriptionTransferInput,
  events: {
    CUSTOMER_AGREED: { description: 'Step 1 done.', roles: partnerSide, schema: customerAgreed },
    SUBSCRIPTION_MIGRATED: {
      description: 'A legacy subscription was migrated to new commerce, maybe under a new id.',
      roles: partnerSide,
      schema: subscriptionMigrated,
      refusals: (context: TransferContext, event: z.infer<typeof subscriptionMigrated>) =>
        migrationRefusals(context.subscriptions, event.subscriptionId, event.newSubscriptionId),
    },
    DETAILS_CONFIRMED: {
      description: 'The subscriptions to move are settled; add-ons follow their base.',
      roles: ['provider', ...partnerSide],
      schema: detailsConfirmed,
      refusals: (context: TransferContext, event: z.infer<typeof detailsConfirmed>) =>
        confirmRefusals(context.subscriptions, event.subscriptionIds),
    },
    TRANSFER_REQUEST_CREATED: {
      description: 'The provider created the transfer request; the source partner is notified.',
      roles: ['provider'],
      schema: transferRequestCreated,
      refusals: (context: TransferContext, event: z.infer<typeof transferRequestCreated>) =>
        sourceRefusals(context.partnerTenantId, event.sourcePartnerTenantId),
    },
    TRANSFER_REQUEST_EXPIRED: {
      description: 'Thirty days passed without a submission.',
      roles: ['system'],
      schema: transferRequestExpired,
    },
    TRANSFER_SUBMITTED: {
      description: 'The source partner submitted the subscriptions.',
      roles: partnerSide,
      schema: transferSubmitted,
      refusals: (context: TransferContext, event: z.infer<typeof transferSubmitted>) =>
        submitRefusals(context.confirmedIds, event.subscriptionIds, context.mcaConfirmed),
    },
    SUBSCRIPTION_TRANSFERRED: {
      description: "A subscription now lives on the provider's billing.",
      roles: ['provider', 'admin'],
      schema: subscriptionTransferred,
      refusals: (context: TransferContext, event: z.infer<typeof subscriptionTransferred>) =>
        resultRefusals(context.results, event.subscriptionId),
    },
    SUBSCRIPTION_TRANSFER_FAILED: {
      description: 'A subscription failed to transfer.',
      roles: ['provider', 'admin'],
      schema: subscriptionTransferFailed,
      refusals: (context: TransferContext, event: z.infer<typeof subscriptionTransferFailed>) =>
        resultRefusals(context.results, event.subscriptionId),
    },
    RETRY: {
      description: 'Tries the failed subscriptions again.',
      roles: partnerSide,
      schema: retry,
      refusals: (context: TransferContext, event: z.infer<typeof retry>) =>
        retryRefusals(context.results, event.subscriptionIds),
    },
    CANCEL: {
      description: 'Calls the transfer off; the provider may do so only before the submission.',
      roles: ['provider', ...partnerSide],
      schema: cancel,
      forbid: (state, role) =>
        role === 'provider' && afterSubmission.has(state)
          ? 'A provider may cancel a transfer only before it is submitted.'
          : undefined,
    },
  },
};
