import { assign, setup } from 'xstate';
import { z } from 'zod';
import { effectActions, type WorkflowDefinition } from '../common.ts';
import {
  acceptAgreement,
  approvalOverdue,
  approve,
  reject,
  revise,
  submit,
  updateProfile,
  withdraw,
  type EnrollmentEvent,
} from './enrollment.events.ts';
import { enrollmentProfile } from './enrollment.profile.ts';
import { unmetEligibility } from './enrollment.rules.ts';

export const enrollmentInput = z.strictObject({
  profile: enrollmentProfile,
  plaRegion: z.string(),
  cspRegion: z.string(),
  tenantStrategy: z.enum(['existing_tenant', 'new_tenant']),
  profileConfirmed: z.boolean(),
  directBillRestricted: z.boolean(),
});
export type EnrollmentInput = z.infer<typeof enrollmentInput>;

export const enrollmentContext = enrollmentInput
  .extend({
    submissions: z
      .number()
      .int()
      .min(0)
      .describe(
        'Times it was submitted; a rejected enrollment can be revised and submitted again.',
      ),
    rejectionReason: reject.shape.reason
      .nullable()
      .describe("Microsoft's reason for the latest rejection, kept after a revision."),
    agreementVersion: acceptAgreement.shape.agreementVersion
      .nullable()
      .describe('The Microsoft Partner Agreement version a Global admin accepted.'),
    withdrawalReason: withdraw.shape.reason
      .unwrap()
      .nullable()
      .describe('Why the partner withdrew; null when it gave no reason or did not withdraw.'),
  })
  .describe('An indirect reseller enrollment as its machine keeps it.');
export type EnrollmentContext = z.infer<typeof enrollmentContext>;

export const enrollmentOutput = enrollmentContext
  .pick({ agreementVersion: true })
  .describe('The accepted agreement version, or null when the enrollment was withdrawn.');
export type EnrollmentOutput = z.infer<typeof enrollmentOutput>;

const approvalTimer = 'approvalOverdue';

export const enrollmentMachine = setup({
  types: {
    context: {} as EnrollmentContext,
    events: {} as EnrollmentEvent,
    input: {} as EnrollmentInput,
    output: {} as EnrollmentOutput,
  },
  actions: effectActions,
  guards: {
    isEligible: ({ context }) => unmetEligibility(context).length === 0,
  },
}).createMachine({
  id: 'enrollment',
  description:
    'Approval of the indirect reseller enrollment, up to the accepted Microsoft Partner Agreement.',
  initial: 'draft',
  context: ({ input }) => ({
    ...input,
    submissions: 0,
    rejectionReason: null,
    agreementVersion: null,
    withdrawalReason: null,
  }),
  output: ({ context }) => ({ agreementVersion: context.agreementVersion }),
  states: {
    draft: {
      description:
        'The profile is completed; a Global admin submits once every requirement is met.',
      on: {
        UPDATE_PROFILE: {
          actions: assign({
            profile: ({ context, event }) => {
              const { type: _type, ...changes } = event;
              return { ...context.profile, ...changes };
            },
          }),
        },
        SUBMIT: {
          target: 'pendingApproval',
          guard: 'isEligible',
          actions: assign({ submissions: ({ context }) => context.submissions + 1 }),
        },
        WITHDRAW: { target: 'withdrawn' },
      },
    },
    pendingApproval: {
      description: 'Submitted; approval is usually immediate but may take up to 5 business days.',
      initial: 'onTime',
      exit: { type: 'cancelTimer', params: { key: approvalTimer } },
      states: {
        onTime: {
          description: 'Within the 5 business days Microsoft allows for approval.',
          entry: {
            type: 'scheduleTimer',
            params: {
              key: approvalTimer,
              event: { type: 'APPROVAL_OVERDUE' },
              after: { businessDays: 5 },
            },
          },
          on: { APPROVAL_OVERDUE: { target: 'overdue' } },
        },
        overdue: {
          description: 'More than 5 business days without an answer: worth a support request.',
        },
      },
      on: {
        APPROVE: { target: 'awaitingAgreement' },
        REJECT: {
          target: 'rejected',
          actions: assign({ rejectionReason: ({ event }) => event.reason }),
        },
        WITHDRAW: { target: 'withdrawn' },
      },
    },
    rejected: {
      description:
        'Microsoft refused the enrollment; the profile can be revised and submitted again.',
      on: {
        REVISE: { target: 'draft' },
        WITHDRAW: { target: 'withdrawn' },
      },
    },
    awaitingAgreement: {
      description: 'Approved; a Global admin must accept the Microsoft Partner Agreement.',
      on: {
        ACCEPT_AGREEMENT: {
          target: 'active',
          actions: assign({ agreementVersion: ({ event }) => event.agreementVersion }),
        },
        WITHDRAW: { target: 'withdrawn' },
      },
    },
    active: {
      type: 'final',
      description: 'Indirect reseller capabilities are enabled.',
    },
    withdrawn: {
      type: 'final',
      description: 'The partner withdrew the enrollment.',
      entry: assign({
        withdrawalReason: ({ event }) =>
          event.type === 'WITHDRAW' ? (event.reason ?? null) : null,
      }),
    },
  },
});

export const enrollmentDefinition: WorkflowDefinition = {
  name: 'enrollment',
  version: 1,
  description: 'Indirect reseller enrollment approval.',
  machine: enrollmentMachine,
  input: enrollmentInput,
  context: enrollmentContext,
  output: enrollmentOutput,
  events: {
    UPDATE_PROFILE: {
      description: 'Changes any subset of the enrollment profile.',
      roles: ['manager', 'global_admin'],
      schema: updateProfile,
    },
    SUBMIT: {
      description: 'Submits the enrollment; refused with every unmet requirement.',
      roles: ['global_admin'],
      schema: submit,
      refusals: (context: EnrollmentContext) => unmetEligibility(context),
    },
    APPROVAL_OVERDUE: {
      description: 'Five business days passed without an answer.',
      roles: ['system'],
      schema: approvalOverdue,
    },
    APPROVE: {
      description: 'Microsoft approved the enrollment.',
      roles: ['admin'],
      schema: approve,
    },
    REJECT: { description: 'Microsoft rejected the enrollment.', roles: ['admin'], schema: reject },
    REVISE: {
      description: 'Reopens a rejected enrollment for changes.',
      roles: ['manager', 'global_admin'],
      schema: revise,
    },
    ACCEPT_AGREEMENT: {
      description: 'A Global admin accepts the Microsoft Partner Agreement.',
      roles: ['global_admin'],
      schema: acceptAgreement,
    },
    WITHDRAW: {
      description: 'Withdraws the enrollment; the transition is cancelled with it.',
      roles: ['global_admin'],
      schema: withdraw,
    },
  },
};
