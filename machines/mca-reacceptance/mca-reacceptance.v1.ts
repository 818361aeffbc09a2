import { assign, setup } from 'xstate';
import type { PastVersion, PersistedSnapshot } from '../common.ts';

/**
 * Version 1 of the MCA re-acceptance, frozen. It replays the history of workflows made before
 * version 2, which added the acceptance in the Microsoft 365 admin center and lets the
 * provider record an acceptance it was not asked for. Timers are not replayed.
 */

interface V1Context {
  customerId: string;
  providerId: string;
  mcaAcceptance: 'none' | 'partner_attestation' | 'admin_center';
  attestationInvalidated: boolean;
  acceptance: { acceptedBy: Record<string, string>; dateAgreed: string } | null;
  reminders: number;
}
type V1Event =
  | { type: 'ACCEPTANCE_REQUESTED' }
  | { type: 'ACCEPTANCE_RECORDED'; acceptedBy: Record<string, string>; dateAgreed: string }
  | { type: 'REMINDER_DUE' };

const machine = setup({
  types: {
    context: {} as V1Context,
    events: {} as V1Event,
    input: {} as Pick<V1Context, 'customerId' | 'providerId' | 'mcaAcceptance'>,
  },
}).createMachine({
  id: 'mcaReacceptance',
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
      always: [
        { guard: ({ context }) => context.mcaAcceptance === 'admin_center', target: 'retained' },
        { target: 'awaitingAcceptance' },
      ],
    },
    awaitingAcceptance: { on: { ACCEPTANCE_REQUESTED: { target: 'requested' } } },
    requested: {
      on: {
        REMINDER_DUE: {
          target: 'requested',
          reenter: true,
          actions: assign({ reminders: ({ context }) => context.reminders + 1 }),
        },
        ACCEPTANCE_RECORDED: {
          target: 'accepted',
          actions: assign({
            acceptance: ({ event }) => ({
              acceptedBy: event.acceptedBy,
              dateAgreed: event.dateAgreed,
            }),
          }),
        },
      },
    },
    accepted: { type: 'final' },
    retained: { type: 'final' },
  },
});

/** To version 2: an acceptance of version 1 was always recorded through the provider. */
function upgrade(snapshot: PersistedSnapshot): PersistedSnapshot {
  const context = snapshot.context as unknown as V1Context;
  return {
    ...snapshot,
    context: {
      ...context,
      acceptance:
        context.acceptance === null ? null : { ...context.acceptance, channel: 'provider' },
    },
  };
}

export const mcaReacceptanceV1: PastVersion = { version: 1, machine, upgrade };
