import { assign, setup } from 'xstate';
import { z } from 'zod';
import { childDoneEvent, effectActions, type WorkflowDefinition } from '../common.ts';
import {
  cancel,
  confirmProfile,
  directBillRestricted,
  incentivesInvitationReceived,
  newTenantRegistered,
  restrictionRequested,
  type TransitionEvent,
} from './transition.events.ts';

export const transitionInput = z.strictObject({
  tenantStrategy: z.enum(['existing_tenant', 'new_tenant']),
  migrationDeadline: z.iso.date().nullable(),
});
export type TransitionInput = z.infer<typeof transitionInput>;

export interface TransitionContext extends TransitionInput {
  profileConfirmed: boolean;
  supportTicketIds: string[];
  directBillRestricted: boolean;
  newTenantId: string | null;
  enrollmentId: string | null;
  incentivesInvitationReceived: boolean;
  cancelReason: string | null;
}

function isChild(machine: string, state: string) {
  return ({ event }: { event: TransitionEvent }) =>
    event.type === 'CHILD_DONE' && event.machine === machine && event.state === state;
}

export const transitionMachine = setup({
  types: {
    context: {} as TransitionContext,
    events: {} as TransitionEvent,
    input: {} as TransitionInput,
  },
  actions: effectActions,
  guards: {
    keepsExistingTenant: ({ context }) => context.tenantStrategy === 'existing_tenant',
    enrollmentActive: isChild('enrollment', 'active'),
    enrollmentWithdrawn: isChild('enrollment', 'withdrawn'),
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
    incentivesInvitationReceived: false,
    cancelReason: null,
  }),
  on: {
    CANCEL: {
      target: '.cancelled',
      actions: [assign({ cancelReason: ({ event }) => event.reason }), 'cancelChildren'],
    },
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
      on: {
        INCENTIVES_INVITATION_RECEIVED: {
          actions: assign({ incentivesInvitationReceived: true }),
        },
      },
    },
    completed: {
      type: 'final',
      description: 'Every direct-bill customer was moved or excluded.',
    },
    cancelled: {
      type: 'final',
      description: 'The move was stopped; open children were cancelled with it.',
    },
  },
});

export const transitionDefinition: WorkflowDefinition = {
  name: 'transition',
  version: 1,
  description: 'The direct-bill to indirect transition of one partner (the parent workflow).',
  machine: transitionMachine,
  input: transitionInput,
  events: {
    CONFIRM_PROFILE: {
      description: 'The partner profile and PartnerID are confirmed current.',
      roles: ['manager', 'global_admin'],
      schema: confirmProfile,
    },
    RESTRICTION_REQUESTED: {
      description: 'A support request to restrict the direct-bill enrollment was opened.',
      roles: ['manager', 'global_admin'],
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
    INCENTIVES_INVITATION_RECEIVED: {
      description: 'The invitation to the indirect reseller incentives arrived.',
      roles: ['manager', 'global_admin'],
      schema: incentivesInvitationReceived,
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
