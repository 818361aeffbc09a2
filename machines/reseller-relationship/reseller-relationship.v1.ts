import { assign, setup } from 'xstate';
import type { PastVersion, PersistedSnapshot } from '../common.ts';

/**
 * Version 1 of the reseller relationship, frozen. It replays the history of workflows made
 * before version 2, in which an accepted invitation established the relationship at once;
 * version 2 tracks the GDAP relationship a provider that needs admin rights must then have.
 */

interface V1Context {
  customerId: string;
  providerId: string;
  providerNeedsAdmin: boolean;
  billTo: Record<string, unknown>;
  method: 'extension' | 'invitation' | null;
  consent: Record<string, unknown> | null;
  billToShared: boolean;
  declineReason: string | null;
  revocations: number;
}
type V1Event =
  | { type: 'USE_EXTENSION' }
  | { type: 'USE_INVITATION' }
  | ({ type: 'CONSENT_GRANTED' } & Record<string, unknown>)
  | { type: 'CONSENT_DECLINED'; reason: string }
  | { type: 'CONSENT_REVOKED'; reason: string }
  | { type: 'BILL_TO_SHARING_CONFIRMED' }
  | { type: 'RELATIONSHIP_ACCEPTED' }
  | { type: 'INVITATION_ACCEPTED' };

const revoke = assign<V1Context, V1Event, undefined, V1Event, never>({
  consent: null,
  revocations: ({ context }) => context.revocations + 1,
});

const machine = setup({
  types: {
    context: {} as V1Context,
    events: {} as V1Event,
    input: {} as Pick<V1Context, 'customerId' | 'providerId' | 'providerNeedsAdmin' | 'billTo'>,
  },
}).createMachine({
  id: 'resellerRelationship',
  initial: 'choosingMethod',
  context: ({ input }) => ({
    ...input,
    method: null,
    consent: null,
    billToShared: false,
    declineReason: null,
    revocations: 0,
  }),
  output: ({ context }) => ({
    method: context.method,
    adminPrivileges: context.method === 'invitation',
  }),
  states: {
    choosingMethod: {
      on: {
        USE_EXTENSION: { target: 'awaitingConsent', actions: assign({ method: 'extension' }) },
        USE_INVITATION: { target: 'invitationSent', actions: assign({ method: 'invitation' }) },
      },
    },
    awaitingConsent: {
      on: {
        CONSENT_GRANTED: {
          target: 'billToSharing',
          actions: assign({
            consent: ({ event }) => {
              const { type: _type, ...consent } = event;
              return consent;
            },
          }),
        },
        CONSENT_DECLINED: {
          target: 'declined',
          actions: assign({ declineReason: ({ event }) => event.reason }),
        },
      },
    },
    billToSharing: {
      on: {
        BILL_TO_SHARING_CONFIRMED: {
          target: 'awaitingCustomerAcceptance',
          actions: assign({ billToShared: true }),
        },
        CONSENT_REVOKED: { target: 'awaitingConsent', actions: revoke },
      },
    },
    awaitingCustomerAcceptance: {
      on: {
        RELATIONSHIP_ACCEPTED: { target: 'established' },
        CONSENT_REVOKED: { target: 'awaitingConsent', actions: revoke },
      },
    },
    invitationSent: {
      on: {
        INVITATION_ACCEPTED: { target: 'established', actions: assign({ billToShared: true }) },
      },
    },
    established: { type: 'final' },
    declined: { type: 'final' },
  },
});

/**
 * To version 2: no GDAP relationship is on record for any of them. A relationship already
 * established stays so; what it concluded about admin rights is what version 2 concludes
 * without a GDAP relationship: none are known to be held.
 */
function upgrade(snapshot: PersistedSnapshot): PersistedSnapshot {
  const context = { ...snapshot.context, gdap: null };
  const { method } = snapshot.context as unknown as V1Context;
  return snapshot.status === 'done'
    ? { ...snapshot, context, output: { method, adminPrivileges: false } }
    : { ...snapshot, context };
}

export const resellerRelationshipV1: PastVersion = { version: 1, machine, upgrade };
