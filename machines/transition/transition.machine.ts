import { assign, setup } from 'xstate';
import { z } from 'zod';
import { childDoneEvent, effectActions, type WorkflowDefinition } from '../common.ts';
import {
  cancel,
  confirmProfile,
  customersPlanned,
  directBillRestricted,
  excludeCustomer,
  incentivesInvitationOverdue,
  incentivesInvitationReceived,
  migrationDeadlinePassed,
  newTenantRegistered,
  partnershipRequested,
  providerDeclined,
  providerInvitationAccepted,
  providerInvitationSent,
  replanCustomer,
  restrictionRequested,
  type TransitionEvent,
} from './transition.events.ts';
import {
  acceptInvitationRefusals,
  answerRefusals,
  excludeRefusals,
  partnershipRefusals,
  partnershipStatus,
  readyForTransfer,
  replanRefusals,
  replanTarget,
  type PartnershipStatus,
} from './transition.rules.ts';

export const transitionInput = z.strictObject({
  tenantStrategy: z.enum(['existing_tenant', 'new_tenant']),
  migrationDeadline: z.iso.date().nullable(),
});
export type TransitionInput = z.infer<typeof transitionInput>;

const count = z.number().int().min(0);

export const transitionContext = transitionInput
  .extend({
    profileConfirmed: z
      .boolean()
      .describe('The partner confirmed its profile and PartnerID are current.'),
    supportTicketIds: z
      .array(restrictionRequested.shape.supportTicketId)
      .describe('Support requests opened to restrict the direct-bill enrollment, oldest first.'),
    directBillRestricted: z
      .boolean()
      .describe('The direct-bill enrollment is Restricted (existing-tenant path).'),
    newTenantId: newTenantRegistered.shape.tenantId
      .nullable()
      .describe(
        'The tenant registered for the indirect business; null until then, or when the existing tenant is kept.',
      ),
    enrollmentId: childDoneEvent.shape.childId
      .nullable()
      .describe('The enrollment workflow, once it is active.'),
    partnerships: z
      .record(partnershipRequested.shape.providerId, partnershipStatus)
      .describe('Every provider asked for a partnership, by provider id, with where it stands.'),
    providerId: providerInvitationAccepted.shape.providerId
      .nullable()
      .describe('The provider whose invitation was accepted: it serves the customers.'),
    customersPlanned: z
      .boolean()
      .describe('The customers to move have their workflows; until then none can settle the move.'),
    customersTotal: count.describe('Direct-bill customers planned for the move so far.'),
    customersMoved: count.describe('Customers whose subscriptions were transferred.'),
    customersExcluded: count.describe('Customers left out of the move.'),
    subscriptionsTransferred: count.describe("Subscriptions now on the provider's billing."),
    incentivesInvitationReceived: z.boolean(),
    incentivesInvitationOverdue: z
      .boolean()
      .describe('Thirty days went by in partnering without the incentives invitation.'),
    migrationOverdue: z
      .boolean()
      .describe("The migration deadline's day ended while the move was still open."),
    cancelReason: cancel.shape.reason
      .nullable()
      .describe('Why the move was stopped, by a person or by a withdrawn enrollment.'),
  })
  .describe("A partner's move as the transition machine keeps it.");
export type TransitionContext = z.infer<typeof transitionContext>;

export const transitionOutput = transitionContext
  .pick({ customersMoved: true, customersExcluded: true, subscriptionsTransferred: true })
  .extend({
    apiAccessRevoked: z
      .literal(true)
      .describe('Sandbox and Partner Center API access ended with the move.'),
  })
  .describe('The counts a finished move ends with.');
export type TransitionOutput = z.infer<typeof transitionOutput>;

const incentivesTimer = 'incentivesInvitation';
const deadlineTimer = 'migrationDeadline';
const dayMs = 24 * 60 * 60 * 1000;

function isChild(machine: string, state: string) {
  return ({ event }: { event: TransitionEvent }) =>
    event.type === 'CHILD_DONE' && event.machine === machine && event.state === state;
}

function withPartnership(
  context: TransitionContext,
  providerId: string,
  status: PartnershipStatus,
) {
  return { ...context.partnerships, [providerId]: status };
}

export const transitionMachine = setup({
  types: {
    context: {} as TransitionContext,
    events: {} as TransitionEvent,
    input: {} as TransitionInput,
    output: {} as TransitionOutput,
  },
  actions: effectActions,
  guards: {
    keepsExistingTenant: ({ context }) => context.tenantStrategy === 'existing_tenant',
    hasDeadline: ({ context }) => context.migrationDeadline !== null,
    enrollmentActive: isChild('enrollment', 'active'),
    enrollmentWithdrawn: isChild('enrollment', 'withdrawn'),
    partnershipAllowed: ({ event }) =>
      event.type === 'PARTNERSHIP_REQUESTED' && partnershipRefusals(event.facts).length === 0,
    partnershipAsked: ({ context, event }) =>
      (event.type === 'PROVIDER_INVITATION_SENT' || event.type === 'PROVIDER_DECLINED') &&
      answerRefusals(context.partnerships, event.providerId).length === 0,
    invitationReceived: ({ context, event }) =>
      event.type === 'PROVIDER_INVITATION_ACCEPTED' &&
      acceptInvitationRefusals(context.partnerships, event.providerId).length === 0,
    customerReadyForTransfer: ({ event }) =>
      event.type === 'CHILD_DONE' && readyForTransfer(event.siblings),
    transferCompleted: isChild('subscriptionTransfer', 'completed'),
    excludable: ({ event }) =>
      event.type === 'EXCLUDE_CUSTOMER' && excludeRefusals(event.facts).length === 0,
    replannable: ({ event }) =>
      event.type === 'REPLAN_CUSTOMER' && replanRefusals(event.facts).length === 0,
    everyCustomerSettled: ({ context }) =>
      context.customersPlanned &&
      context.customersMoved + context.customersExcluded >= context.customersTotal,
  },
}).createMachine({
  id: 'transition',
  description: "A partner's move from direct bill to the indirect reseller model.",
  initial: 'preparation',
  context: ({ input }) => ({
    ...input,
    profileConfirmed: false,
    supportTicketIds: [],
    directBillRestricted: false,
    newTenantId: null,
    enrollmentId: null,
    partnerships: {},
    providerId: null,
    customersPlanned: false,
    customersTotal: 0,
    customersMoved: 0,
    customersExcluded: 0,
    subscriptionsTransferred: 0,
    incentivesInvitationReceived: false,
    incentivesInvitationOverdue: false,
    migrationOverdue: false,
    cancelReason: null,
  }),
  output: ({ context }) => ({
    customersMoved: context.customersMoved,
    customersExcluded: context.customersExcluded,
    subscriptionsTransferred: context.subscriptionsTransferred,
    apiAccessRevoked: true as const,
  }),
  entry: {
    type: 'scheduleTimer',
    params: ({ context }) => ({
      key: deadlineTimer,
      event: { type: 'MIGRATION_DEADLINE_PASSED' },
      // Overdue once the deadline's UTC day is over; no deadline, no timer.
      after: context.migrationDeadline
        ? {
            at: new Date(
              Date.parse(`${context.migrationDeadline}T00:00:00Z`) + dayMs,
            ).toISOString(),
          }
        : {},
    }),
  },
  on: {
    CANCEL: {
      target: '.cancelled',
      actions: [assign({ cancelReason: ({ event }) => event.reason }), 'cancelChildren'],
    },
    MIGRATION_DEADLINE_PASSED: { actions: assign({ migrationOverdue: true }) },
  },
  states: {
    preparation: {
      description: 'The partner confirms its partner profile and PartnerID are current.',
      on: {
        CONFIRM_PROFILE: [
          {
            guard: 'keepsExistingTenant',
            target: 'awaitingRestriction',
            actions: assign({ profileConfirmed: true }),
          },
          { target: 'awaitingNewTenant', actions: assign({ profileConfirmed: true }) },
        ],
      },
    },
    awaitingRestriction: {
      description:
        'Keeping the direct-bill tenant: support must move its direct-bill enrollment from Active to Restricted.',
      on: {
        RESTRICTION_REQUESTED: {
          actions: assign({
            supportTicketIds: ({ context, event }) => [
              ...context.supportTicketIds,
              event.supportTicketId,
            ],
          }),
        },
        DIRECT_BILL_RESTRICTED: {
          target: 'enrolling',
          actions: assign({ directBillRestricted: true }),
        },
      },
    },
    awaitingNewTenant: {
      description: 'A new tenant is registered for the indirect business.',
      on: {
        NEW_TENANT_REGISTERED: {
          target: 'enrolling',
          actions: assign({ newTenantId: ({ event }) => event.tenantId }),
        },
      },
    },
    enrolling: {
      description: 'The indirect reseller enrollment runs as a child workflow.',
      entry: {
        type: 'createChild',
        params: ({ context }) => ({
          machine: 'enrollment',
          input: {
            tenantStrategy: context.tenantStrategy,
            profileConfirmed: context.profileConfirmed,
            directBillRestricted: context.directBillRestricted,
          },
        }),
      },
      on: {
        CHILD_DONE: [
          {
            guard: 'enrollmentActive',
            target: 'partnering',
            actions: assign({ enrollmentId: ({ event }) => event.childId }),
          },
          {
            guard: 'enrollmentWithdrawn',
            target: 'cancelled',
            actions: assign({ cancelReason: 'enrollment withdrawn' }),
          },
        ],
      },
    },
    partnering: {
      description:
        'Indirect reseller capabilities are enabled; the partner finds an indirect provider in its CSP region.',
      entry: {
        type: 'scheduleTimer',
        params: ({ context }) => ({
          key: incentivesTimer,
          event: { type: 'INCENTIVES_INVITATION_OVERDUE' },
          // Only the existing-tenant path expects the incentives invitation.
          after: context.tenantStrategy === 'existing_tenant' ? { days: 30 } : {},
        }),
      },
      on: {
        PARTNERSHIP_REQUESTED: {
          guard: 'partnershipAllowed',
          actions: [
            assign({
              partnerships: ({ context, event }) => ({
                ...context.partnerships,
                [event.providerId]:
                  context.partnerships[event.providerId] === 'invited' ? 'invited' : 'requested',
              }),
            }),
            { type: 'grantVisibility', params: ({ event }) => ({ providerId: event.providerId }) },
          ],
        },
        PROVIDER_INVITATION_SENT: {
          guard: 'partnershipAsked',
          actions: assign({
            partnerships: ({ context, event }) =>
              withPartnership(context, event.providerId, 'invited'),
          }),
        },
        PROVIDER_DECLINED: {
          guard: 'partnershipAsked',
          actions: assign({
            partnerships: ({ context, event }) =>
              withPartnership(context, event.providerId, 'declined'),
          }),
        },
        PROVIDER_INVITATION_ACCEPTED: {
          guard: 'invitationReceived',
          target: 'migratingCustomers',
          actions: assign({
            partnerships: ({ context, event }) =>
              withPartnership(context, event.providerId, 'accepted'),
            providerId: ({ event }) => event.providerId,
          }),
        },
        INCENTIVES_INVITATION_RECEIVED: {
          actions: [
            assign({ incentivesInvitationReceived: true, incentivesInvitationOverdue: false }),
            { type: 'cancelTimer', params: { key: incentivesTimer } },
          ],
        },
        INCENTIVES_INVITATION_OVERDUE: { actions: assign({ incentivesInvitationOverdue: true }) },
      },
    },
    migratingCustomers: {
      description:
        'Every direct-bill customer gets its reseller relationship, a valid MCA and its subscriptions transferred, or is excluded.',
      entry: {
        type: 'createCustomerChildren',
        params: { machines: ['resellerRelationship', 'mcaReacceptance'] },
      },
      always: { guard: 'everyCustomerSettled', target: 'completed' },
      on: {
        CUSTOMERS_PLANNED: {
          actions: assign({
            customersPlanned: true,
            customersTotal: ({ context, event }) => context.customersTotal + event.count,
          }),
        },
        CHILD_DONE: [
          {
            guard: 'customerReadyForTransfer',
            actions: {
              type: 'createChild',
              params: ({ event }) => ({
                machine: 'subscriptionTransfer',
                customerId: event.customerId ?? '',
                input: {},
              }),
            },
          },
          {
            guard: 'transferCompleted',
            actions: [
              assign({
                customersMoved: ({ context }) => context.customersMoved + 1,
                subscriptionsTransferred: ({ context, event }) =>
                  context.subscriptionsTransferred + transferredCount(event),
              }),
              {
                type: 'recordCustomerOutcome',
                params: ({ event }) => ({
                  customerId: event.customerId ?? '',
                  outcome: 'moved' as const,
                }),
              },
            ],
          },
          // Any other report (a declined relationship, a cancelled transfer) waits for a person.
          { actions: [] },
        ],
        EXCLUDE_CUSTOMER: {
          guard: 'excludable',
          actions: [
            assign({ customersExcluded: ({ context }) => context.customersExcluded + 1 }),
            {
              type: 'cancelCustomerChildren',
              params: ({ event }) => ({ customerId: event.customerId }),
            },
            {
              type: 'recordCustomerOutcome',
              params: ({ event }) => ({
                customerId: event.customerId,
                outcome: 'excluded' as const,
                reason: event.reason,
              }),
            },
          ],
        },
        REPLAN_CUSTOMER: {
          guard: 'replannable',
          actions: {
            type: 'createChild',
            params: ({ event }) => ({
              machine: replanTarget(event.facts?.customer) ?? 'resellerRelationship',
              customerId: event.customerId,
              input: {},
            }),
          },
        },
        INCENTIVES_INVITATION_RECEIVED: {
          actions: [
            assign({ incentivesInvitationReceived: true, incentivesInvitationOverdue: false }),
            { type: 'cancelTimer', params: { key: incentivesTimer } },
          ],
        },
        INCENTIVES_INVITATION_OVERDUE: { actions: assign({ incentivesInvitationOverdue: true }) },
      },
    },
    completed: {
      type: 'final',
      description:
        'Every direct-bill customer was moved or excluded; sandbox and Partner Center API access end.',
    },
    cancelled: {
      type: 'final',
      description: 'The move was stopped; open children were cancelled with it.',
    },
  },
});

function transferredCount(event: TransitionEvent): number {
  if (event.type !== 'CHILD_DONE') return 0;
  const output = event.output as { transferred?: unknown } | undefined;
  return typeof output?.transferred === 'number' ? output.transferred : 0;
}

const partnerSide = ['manager', 'global_admin'] as const;

export const transitionDefinition: WorkflowDefinition = {
  name: 'transition',
  version: 1,
  description: 'The direct-bill to indirect transition of one partner (the parent workflow).',
  machine: transitionMachine,
  input: transitionInput,
  context: transitionContext,
  output: transitionOutput,
  flags: (context: TransitionContext) => [
    ...(context.incentivesInvitationOverdue ? ['incentivesInvitationOverdue'] : []),
    ...(context.migrationOverdue ? ['migrationOverdue'] : []),
  ],
  events: {
    CONFIRM_PROFILE: {
      description: 'The partner profile and PartnerID are confirmed current.',
      roles: partnerSide,
      schema: confirmProfile,
    },
    RESTRICTION_REQUESTED: {
      description: 'A support request to restrict the direct-bill enrollment was opened.',
      roles: partnerSide,
      schema: restrictionRequested,
    },
    DIRECT_BILL_RESTRICTED: {
      description: 'The direct-bill enrollment is Restricted.',
      roles: ['manager', 'global_admin', 'admin'],
      schema: directBillRestricted,
    },
    NEW_TENANT_REGISTERED: {
      description: 'A new tenant was registered for the indirect business.',
      roles: ['global_admin'],
      schema: newTenantRegistered,
    },
    PARTNERSHIP_REQUESTED: {
      description:
        'The partner asks a provider of its CSP region for a partnership; the provider then sees the transition.',
      roles: partnerSide,
      schema: partnershipRequested,
      facts: ['provider', 'partner'],
      refusals: (_context: unknown, event: { facts?: Parameters<typeof partnershipRefusals>[0] }) =>
        partnershipRefusals(event.facts),
    },
    PROVIDER_INVITATION_SENT: {
      description: 'The provider sent its invitation.',
      roles: ['provider'],
      schema: providerInvitationSent,
      ownProvider: true,
      refusals: (context: TransitionContext, event: { providerId: string }) =>
        answerRefusals(context.partnerships, event.providerId),
    },
    PROVIDER_DECLINED: {
      description: 'The provider declined the partnership.',
      roles: ['provider'],
      schema: providerDeclined,
      ownProvider: true,
      refusals: (context: TransitionContext, event: { providerId: string }) =>
        answerRefusals(context.partnerships, event.providerId),
    },
    PROVIDER_INVITATION_ACCEPTED: {
      description:
        "A Global admin accepted the provider's invitation; that provider serves the customers.",
      roles: ['global_admin'],
      schema: providerInvitationAccepted,
      refusals: (context: TransitionContext, event: { providerId: string }) =>
        acceptInvitationRefusals(context.partnerships, event.providerId),
    },
    CUSTOMERS_PLANNED: {
      description: 'Children were created for this many customers.',
      roles: ['system'],
      schema: customersPlanned,
    },
    EXCLUDE_CUSTOMER: {
      description:
        'Leaves a customer out of the move, with a reason; its open workflows are cancelled.',
      roles: partnerSide,
      schema: excludeCustomer,
      facts: ['customer'],
      refusals: (_context: unknown, event: { facts?: Parameters<typeof excludeRefusals>[0] }) =>
        excludeRefusals(event.facts),
    },
    REPLAN_CUSTOMER: {
      description:
        "Replaces a declined relationship or a cancelled transfer with a fresh one; refused for a customer outside the provider's region.",
      roles: partnerSide,
      schema: replanCustomer,
      facts: ['customer', 'provider'],
      refusals: (_context: unknown, event: { facts?: Parameters<typeof replanRefusals>[0] }) =>
        replanRefusals(event.facts),
    },
    INCENTIVES_INVITATION_RECEIVED: {
      description: 'The invitation to the indirect reseller incentives arrived.',
      roles: partnerSide,
      schema: incentivesInvitationReceived,
    },
    INCENTIVES_INVITATION_OVERDUE: {
      description: 'Thirty days after enrollment without the incentives invitation.',
      roles: ['system'],
      schema: incentivesInvitationOverdue,
    },
    MIGRATION_DEADLINE_PASSED: {
      description: 'The optional migration deadline passed.',
      roles: ['system'],
      schema: migrationDeadlinePassed,
    },
    CANCEL: {
      description: 'Stops the move; open children are cancelled with it.',
      roles: ['global_admin'],
      schema: cancel,
    },
    CHILD_DONE: {
      description: 'A child workflow reached a final state.',
      roles: ['system'],
      schema: childDoneEvent,
    },
  },
};
