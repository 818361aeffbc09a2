import { assign, setup } from 'xstate';
import { z } from 'zod';
import { effectActions, type EventFacts, type WorkflowDefinition } from '../common.ts';
import { mcaReacceptanceV1 } from './mca-reacceptance.v1.ts';

const acceptanceRequested = z.strictObject({ type: z.literal('ACCEPTANCE_REQUESTED') });
const acceptanceRecorded = z.strictObject({
  type: z.literal('ACCEPTANCE_RECORDED'),
  acceptedBy: z.strictObject({
    firstName: z.string().trim().min(1).max(100),
    lastName: z.string().trim().min(1).max(100),
    email: z.email(),
  }),
  dateAgreed: z.iso.date(),
});
const acceptedInAdminCenter = z.strictObject({
  type: z.literal('ACCEPTED_IN_ADMIN_CENTER'),
  dateAgreed: acceptanceRecorded.shape.dateAgreed,
});
const reminderDue = z.strictObject({ type: z.literal('REMINDER_DUE') });

type AcceptanceRecorded = z.infer<typeof acceptanceRecorded> & { facts?: EventFacts };
type AcceptedInAdminCenter = z.infer<typeof acceptedInAdminCenter> & { facts?: EventFacts };
type McaEvent =
  | z.infer<typeof acceptanceRequested>
  | AcceptanceRecorded
  | AcceptedInAdminCenter
  | z.infer<typeof reminderDue>;

export const mcaReacceptanceInput = z.strictObject({
  customerId: z.string(),
  providerId: z.string(),
  mcaAcceptance: z.enum(['none', 'partner_attestation', 'admin_center']),
});
type Input = z.infer<typeof mcaReacceptanceInput>;

export const mcaReacceptanceContext = mcaReacceptanceInput
  .extend({
    attestationInvalidated: z
      .boolean()
      .describe("The earlier acceptance was the partner's attestation, which does not carry over."),
    acceptance: z
      .strictObject({
        channel: z
          .enum(['provider', 'admin_center'])
          .describe('Recorded by the provider, or accepted by the customer in the admin center.'),
        acceptedBy: acceptanceRecorded.shape.acceptedBy
          .nullable()
          .describe('Who accepted; null for an acceptance in the admin center.'),
        dateAgreed: acceptanceRecorded.shape.dateAgreed,
      })
      .nullable()
      .describe('How, by whom and on which day the agreement was accepted during the move.'),
    reminders: z
      .number()
      .int()
      .min(0)
      .describe('Reminders recorded while the acceptance was awaited, one every 7 days.'),
  })
  .describe("One customer's Microsoft Customer Agreement re-acceptance as its machine keeps it.");
export type McaReacceptanceContext = z.infer<typeof mcaReacceptanceContext>;

export const mcaReacceptanceOutput = z
  .strictObject({
    retained: z
      .boolean()
      .describe('Accepted in the Microsoft 365 admin center before: nothing had to be done.'),
    dateAgreed: acceptanceRecorded.shape.dateAgreed
      .nullable()
      .describe('The day the customer accepted during the move; null when retained.'),
  })
  .describe('How the customer came to hold a valid agreement.');
export type McaReacceptanceOutput = z.infer<typeof mcaReacceptanceOutput>;

/** An acceptance date is a UTC date and never later than today. */
export const dateRefusals = (event: { dateAgreed: string; facts?: EventFacts }): string[] =>
  event.facts?.today !== undefined && event.dateAgreed > event.facts.today
    ? ['date_in_future']
    : [];

const reminderTimer = 'mcaReminder';

export const mcaReacceptanceMachine = setup({
  types: {
    context: {} as McaReacceptanceContext,
    events: {} as McaEvent,
    input: {} as Input,
    output: {} as McaReacceptanceOutput,
  },
  guards: {
    acceptedInAdminCenter: ({ context }) => context.mcaAcceptance === 'admin_center',
    dateNotInFuture: ({ event }) =>
      (event.type === 'ACCEPTANCE_RECORDED' || event.type === 'ACCEPTED_IN_ADMIN_CENTER') &&
      dateRefusals(event).length === 0,
  },
  actions: {
    ...effectActions,
    recordAcceptance: assign({
      acceptance: ({ event }) => {
        if (event.type === 'ACCEPTANCE_RECORDED')
          return {
            channel: 'provider',
            acceptedBy: event.acceptedBy,
            dateAgreed: event.dateAgreed,
          };
        if (event.type === 'ACCEPTED_IN_ADMIN_CENTER')
          return { channel: 'admin_center', acceptedBy: null, dateAgreed: event.dateAgreed };
        return null;
      },
    }),
  },
}).createMachine({
  id: 'mcaReacceptance',
  description:
    'A valid Microsoft Customer Agreement acceptance for one customer before it transacts.',
  initial: 'evaluating',
  context: ({ input }) => ({
    ...input,
    attestationInvalidated: input.mcaAcceptance === 'partner_attestation',
    acceptance: null,
    reminders: 0,
  }),
  output: ({ context }) => ({
    retained: context.mcaAcceptance === 'admin_center',
    dateAgreed: context.acceptance?.dateAgreed ?? null,
  }),
  // Whether asked or not, the customer may accept at any time while it is awaited: the two
  // waiting states are the only ones that take events.
  on: {
    ACCEPTANCE_RECORDED: {
      target: '.accepted',
      guard: 'dateNotInFuture',
      // Connected, the provider's record of the acceptance goes to Partner Center as well.
      actions: [
        'recordAcceptance',
        { type: 'callPartnerCenter', params: { operation: 'recordAgreement' } },
      ],
    },
    ACCEPTED_IN_ADMIN_CENTER: {
      target: '.accepted',
      guard: 'dateNotInFuture',
      actions: 'recordAcceptance',
    },
  },
  states: {
    evaluating: {
      description: 'Decides from how the agreement was accepted before; never persisted.',
      meta: { internal: true },
      always: [
        { guard: 'acceptedInAdminCenter', target: 'retained' },
        { target: 'awaitingAcceptance' },
      ],
    },
    awaitingAcceptance: {
      description:
        "Not accepted, or accepted by the partner's attestation, which does not carry over: the customer must accept, through the provider or in the Microsoft 365 admin center.",
      on: {
        ACCEPTANCE_REQUESTED: { target: 'requested' },
      },
    },
    requested: {
      description:
        'The customer was asked to accept through the provider; a reminder is recorded every 7 days.',
      entry: {
        type: 'scheduleTimer',
        params: { key: reminderTimer, event: { type: 'REMINDER_DUE' }, after: { days: 7 } },
      },
      exit: { type: 'cancelTimer', params: { key: reminderTimer } },
      on: {
        REMINDER_DUE: {
          target: 'requested',
          reenter: true,
          actions: assign({ reminders: ({ context }) => context.reminders + 1 }),
        },
      },
    },
    accepted: {
      type: 'final',
      description:
        'Accepted during the move, through the provider or in the admin center: the customer may transact.',
    },
    retained: {
      type: 'final',
      description: 'Accepted in the Microsoft 365 admin center: kept, no action needed.',
    },
  },
});

export const mcaReacceptanceDefinition: WorkflowDefinition = {
  name: 'mcaReacceptance',
  version: 2,
  pastVersions: [mcaReacceptanceV1],
  description: 'Microsoft Customer Agreement re-acceptance of one customer.',
  machine: mcaReacceptanceMachine,
  input: mcaReacceptanceInput,
  context: mcaReacceptanceContext,
  output: mcaReacceptanceOutput,
  events: {
    ACCEPTANCE_REQUESTED: {
      description: 'The customer was asked to accept the agreement.',
      roles: ['manager', 'global_admin'],
      schema: acceptanceRequested,
    },
    ACCEPTANCE_RECORDED: {
      description:
        "The customer's provider records the acceptance, asked for or not; the partner cannot attest it.",
      roles: ['provider', 'admin'],
      schema: acceptanceRecorded,
      facts: ['today'],
      refusals: (_context: unknown, event: AcceptanceRecorded) => dateRefusals(event),
    },
    ACCEPTED_IN_ADMIN_CENTER: {
      description:
        'The customer accepted the agreement itself in the Microsoft 365 admin center, on dateAgreed.',
      roles: ['provider', 'admin', 'partner_center'],
      schema: acceptedInAdminCenter,
      facts: ['today'],
      refusals: (_context: unknown, event: AcceptedInAdminCenter) => dateRefusals(event),
    },
    REMINDER_DUE: {
      description: 'Seven days passed without an acceptance.',
      roles: ['system'],
      schema: reminderDue,
    },
  },
};
