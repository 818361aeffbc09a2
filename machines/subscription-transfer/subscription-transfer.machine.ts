import { assign, setup } from 'xstate';
import { z } from 'zod';
import { effectActions, type EventFacts, type WorkflowDefinition } from '../common.ts';
import {
  cancel,
  customerAgreed,
  detailsConfirmed,
  retry,
  subscriptionMigrated,
  subscriptionTransferFailed,
  subscriptionTransferred,
  transferRequestCreated,
  transferRequestExpired,
  transferSubmitted,
  type TransferEvent,
} from './subscription-transfer.events.ts';
import {
  allSettled,
  anyFailed,
  applyMigration,
  confirmRefusals,
  migrationRefusals,
  requestRefusals,
  resultRefusals,
  retriedIds,
  retryRefusals,
  submitRefusals,
  transferResult,
  transferSubscription,
  withAddOns,
  type TransferResult,
} from './subscription-transfer.rules.ts';
import { subscriptionTransferV1 } from './subscription-transfer.v1.ts';

export const subscriptionTransferInput = z.strictObject({
  customerId: z.string(),
  providerId: z.string(),
  partnerTenantId: z.string(),
  mcaConfirmed: z.boolean(),
  subscriptions: z.array(transferSubscription),
});
type Input = z.infer<typeof subscriptionTransferInput>;

export const subscriptionTransferContext = subscriptionTransferInput
  .extend({
    subscriptions: z
      .array(transferSubscription)
      .describe("The customer's subscriptions; a migrated legacy one shows its new id and kind."),
    confirmedIds: z
      .array(z.string())
      .describe('Subscriptions settled for the transfer, add-ons included; empty until then.'),
    request: transferRequestCreated
      .pick({ customerEmail: true, sourcePartnerTenantId: true })
      .extend({
        partnerOnRecord: transferRequestCreated.shape.partnerOnRecord
          .nullable()
          .describe('The PartnerID the request names; null on a request made before it was kept.'),
        expiresAt: z.iso
          .datetime({ offset: true })
          .nullable()
          .describe('When Partner Center lets the request lapse; null when it did not say.'),
        sourceNotified: z.boolean().describe('The source partner was told of the request.'),
      })
      .nullable()
      .describe(
        'The open transfer request; null before it is created, after it expires, and after a retry until the new one is created.',
      ),
    results: z
      .record(z.string(), transferResult)
      .describe('Each submitted subscription, by its id, with where its transfer stands.'),
    expiredRequests: z
      .number()
      .int()
      .min(0)
      .describe('Transfer requests that expired without a submission.'),
    cancelReason: cancel.shape.reason.nullable(),
  })
  .describe("One customer's subscription transfer as its machine keeps it.");
export type SubscriptionTransferContext = z.infer<typeof subscriptionTransferContext>;

export const subscriptionTransferOutput = z
  .strictObject({
    transferred: z.number().int().min(0).describe("Subscriptions now on the provider's billing."),
    newSubscriptionIds: z
      .record(z.string(), subscriptionTransferred.shape.newSubscriptionId)
      .describe('The new subscription id of each transferred one, by its old id.'),
  })
  .describe('What the transfer moved; a cancelled transfer may have moved none.');
export type SubscriptionTransferOutput = z.infer<typeof subscriptionTransferOutput>;

const expiryTimer = 'transferRequestExpiry';

export const subscriptionTransferMachine = setup({
  types: {
    context: {} as SubscriptionTransferContext,
    events: {} as TransferEvent,
    input: {} as Input,
    output: {} as SubscriptionTransferOutput,
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
      actions: [
        assign({ cancelReason: ({ event }) => event.reason }),
        // A request still open in Partner Center would otherwise wait there until it lapses.
        { type: 'callPartnerCenter', params: { operation: 'cancelTransfer' } },
      ],
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
      entry: { type: 'callPartnerCenter', params: { operation: 'migrateLegacySubscriptions' } },
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
        "Step 5: the provider creates the transfer request with the customer's email, the source tenant and the partner of record; after a retry, a new one for the failed subscriptions.",
      entry: { type: 'callPartnerCenter', params: { operation: 'createTransfer' } },
      on: {
        TRANSFER_REQUEST_CREATED: {
          target: 'sourceReview',
          guard: ({ context, event }) => requestRefusals(context, event).length === 0,
          actions: assign({
            request: ({ event }) => ({
              customerEmail: event.customerEmail,
              sourcePartnerTenantId: event.sourcePartnerTenantId,
              partnerOnRecord: event.partnerOnRecord,
              expiresAt: event.expiresAt ?? null,
              sourceNotified: true,
            }),
          }),
        },
      },
    },
    sourceReview: {
      description:
        'Steps 6–7: the source partner was notified and submits the subscriptions; the request expires when Partner Center says, or after 30 days when it did not say.',
      entry: [
        {
          type: 'scheduleTimer',
          params: ({ context }) => ({
            key: expiryTimer,
            event: { type: 'TRANSFER_REQUEST_EXPIRED' },
            after: context.request?.expiresAt ? { at: context.request.expiresAt } : { days: 30 },
          }),
        },
        { type: 'callPartnerCenter', params: { operation: 'submitTransfer' } },
      ],
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
            submitRefusals(context, event.subscriptionIds).length === 0,
          actions: assign({
            // Subscriptions settled by an earlier request keep their result.
            results: ({ context, event }) => ({
              ...context.results,
              ...Object.fromEntries(
                withAddOns(context.subscriptions, event.subscriptionIds)
                  .filter((id) => context.confirmedIds.includes(id))
                  .map((id): [string, TransferResult] => [id, { status: 'pending' }]),
              ),
            }),
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
      description:
        'Some subscriptions failed to transfer. The completed request cannot change: a retry needs a new transfer request for the failed ones.',
      on: {
        RETRY: {
          target: 'awaitingTransferRequest',
          guard: ({ context, event }) => retryRefusals(context, event.subscriptionIds).length === 0,
          actions: assign({
            confirmedIds: ({ context, event }) =>
              retriedIds(context.subscriptions, context.results, event.subscriptionIds),
            request: null,
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
/** What the provider or the partner reports by hand, Partner Center reports when connected. */
const observed = ['partner_center'] as const;
const afterSubmission = new Set(['transferring', 'partiallyFailed']);

export const subscriptionTransferDefinition: WorkflowDefinition = {
  name: 'subscriptionTransfer',
  version: 2,
  pastVersions: [subscriptionTransferV1],
  description: 'New-commerce subscription transfer of one customer to the provider.',
  machine: subscriptionTransferMachine,
  input: subscriptionTransferInput,
  context: subscriptionTransferContext,
  output: subscriptionTransferOutput,
  events: {
    CUSTOMER_AGREED: { description: 'Step 1 done.', roles: partnerSide, schema: customerAgreed },
    SUBSCRIPTION_MIGRATED: {
      description: 'A legacy subscription was migrated to new commerce, maybe under a new id.',
      roles: [...partnerSide, ...observed],
      schema: subscriptionMigrated,
      refusals: (
        context: SubscriptionTransferContext,
        event: z.infer<typeof subscriptionMigrated>,
      ) => migrationRefusals(context.subscriptions, event.subscriptionId, event.newSubscriptionId),
    },
    DETAILS_CONFIRMED: {
      description:
        'The subscriptions to move are settled; add-ons follow their base. Refused for an add-on without its base, a legacy, inactive or non-transferable marketplace subscription, and for a customer who still has legacy Azure.',
      roles: ['provider', ...partnerSide],
      schema: detailsConfirmed,
      refusals: (context: SubscriptionTransferContext, event: z.infer<typeof detailsConfirmed>) =>
        confirmRefusals(context.subscriptions, event.subscriptionIds),
    },
    TRANSFER_REQUEST_CREATED: {
      description:
        'The provider created the transfer request, naming the partner of record; the source partner is notified.',
      roles: ['provider', ...observed],
      schema: transferRequestCreated,
      facts: ['partner'],
      refusals: (
        context: SubscriptionTransferContext,
        event: z.infer<typeof transferRequestCreated> & { facts?: EventFacts },
      ) => requestRefusals(context, event),
    },
    TRANSFER_REQUEST_EXPIRED: {
      description: 'The transfer request lapsed without a submission.',
      roles: ['system', ...observed],
      schema: transferRequestExpired,
    },
    TRANSFER_SUBMITTED: {
      description: 'The source partner submitted the subscriptions.',
      roles: [...partnerSide, ...observed],
      schema: transferSubmitted,
      refusals: (context: SubscriptionTransferContext, event: z.infer<typeof transferSubmitted>) =>
        submitRefusals(context, event.subscriptionIds),
    },
    SUBSCRIPTION_TRANSFERRED: {
      description: "A subscription now lives on the provider's billing.",
      roles: ['provider', 'admin', ...observed],
      schema: subscriptionTransferred,
      refusals: (
        context: SubscriptionTransferContext,
        event: z.infer<typeof subscriptionTransferred>,
      ) => resultRefusals(context.results, event.subscriptionId),
    },
    SUBSCRIPTION_TRANSFER_FAILED: {
      description: 'A subscription failed to transfer.',
      roles: ['provider', 'admin', ...observed],
      schema: subscriptionTransferFailed,
      refusals: (
        context: SubscriptionTransferContext,
        event: z.infer<typeof subscriptionTransferFailed>,
      ) => resultRefusals(context.results, event.subscriptionId),
    },
    RETRY: {
      description:
        'Tries the failed subscriptions again, through a new transfer request the provider creates.',
      roles: partnerSide,
      schema: retry,
      refusals: (context: SubscriptionTransferContext, event: z.infer<typeof retry>) =>
        retryRefusals(context, event.subscriptionIds),
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
