import { assign, setup } from 'xstate';
import { z } from 'zod';
import { effectActions, type EventFacts, type WorkflowDefinition } from '../common.ts';

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
const reminderDue = z.strictObject({ type: z.literal('REMINDER_DUE') });

type AcceptanceRecorded = z.infer<typeof acceptanceRecorded> & { facts?: EventFacts };
type McaEvent =
  z.infer<typeof acceptanceRequested> | AcceptanceRecorded | z.infer<typeof reminderDue>;

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
    acceptance: acceptanceRecorded
      .pick({ acceptedBy: true, dateAgreed: true })
      .nullable()
      .describe('Who accepted the agreement through the provider, and on which day.'),
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
      .describe('The day the customer accepted through the provider; null when retained.'),
  })
  .describe('How the customer came to hold a valid agreement.');
export type McaReacceptanceOutput = z.infer<typeof mcaReacceptanceOutput>;

/** An acceptance date is a UTC date and never later than today. */
export const dateRefusals = (event: Pick<AcceptanceRecorded, 'dateAgreed' | 'facts'>): string[] =>
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
  actions: effectActions,
  guards: {
    acceptedInAdminCenter: ({ context }) => context.mcaAcceptance === 'admin_center',
    dateNotInFuture: ({ event }) =>
      event.type === 'ACCEPTANCE_RECORDED' && dateRefusals(event).length === 0,
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
        "Not accepted, or accepted by the partner's attestation, which does not carry over: the customer must accept.",
      on: { ACCEPTANCE_REQUESTED: { target: 'requested' } },
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
        ACCEPTANCE_RECORDED: {
          target: 'accepted',
          guard: 'dateNotInFuture',
          actions: assign({
            acceptance: ({ event }) => ({
              acceptedBy: event.acceptedBy,
              dateAgreed: event.dateAgreed,
            }),
          }),
        },
      },
    },
    accepted: {
      type: 'final',
      description: 'Accepted through the provider: the customer may transact.',
    },
    retained: {
      type: 'final',
      description: 'Accepted in the Microsoft 365 admin center: kept, no action needed.',
    },
  },
});

export const mcaReacceptanceDefinition: WorkflowDefinition = {
  name: 'mcaReacceptance',
  version: 1,
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
      description: "The customer's provider records the acceptance; the partner cannot attest it.",
      roles: ['provider', 'admin'],
      schema: acceptanceRecorded,
      facts: ['today'],
      refusals: (_context: unknown, event: AcceptanceRecorded) => dateRefusals(event),
    },
    REMINDER_DUE: {
      description: 'Seven days passed without an acceptance.',
      roles: ['system'],
      schema: reminderDue,
    },
  },
};
