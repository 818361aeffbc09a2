import { assign, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import { effectActions, type WorkflowDefinition } from '../common.ts';
import { consentMethods, isKnownStatement } from './consent-statements.ts';

const reason = z.string().min(1).max(2000);
const useExtension = z.strictObject({ type: z.literal('USE_EXTENSION') });
const useInvitation = z.strictObject({ type: z.literal('USE_INVITATION') });
const consentGranted = z.strictObject({
  type: z.literal('CONSENT_GRANTED'),
  grantedBy: z.strictObject({ name: z.string().trim().min(1).max(200), email: z.email() }),
  method: z.enum(consentMethods),
  statementVersion: z.string().min(1).max(100),
  evidenceRef: z.string().min(1).max(500).optional(),
});
const consentDeclined = z.strictObject({ type: z.literal('CONSENT_DECLINED'), reason });
const consentRevoked = z.strictObject({ type: z.literal('CONSENT_REVOKED'), reason });
const billToSharingConfirmed = z.strictObject({ type: z.literal('BILL_TO_SHARING_CONFIRMED') });
const relationshipAccepted = z.strictObject({ type: z.literal('RELATIONSHIP_ACCEPTED') });
const invitationAccepted = z.strictObject({ type: z.literal('INVITATION_ACCEPTED') });

type RelationshipEvent =
  | z.infer<typeof useExtension>
  | z.infer<typeof useInvitation>
  | z.infer<typeof consentGranted>
  | z.infer<typeof consentDeclined>
  | z.infer<typeof consentRevoked>
  | z.infer<typeof billToSharingConfirmed>
  | z.infer<typeof relationshipAccepted>
  | z.infer<typeof invitationAccepted>;

export const resellerRelationshipInput = z.strictObject({
  customerId: z.string(),
  providerId: z.string(),
  providerNeedsAdmin: z.boolean(),
  billTo: z.record(z.string(), z.unknown()),
});
type Input = z.infer<typeof resellerRelationshipInput>;

const relationshipMethod = z
  .enum(['extension', 'invitation'])
  .describe(
    'extension: the provider gets no admin rights in the tenant; invitation: it may ask for them (GDAP).',
  );

export const resellerRelationshipContext = resellerRelationshipInput
  .extend({
    method: relationshipMethod
      .nullable()
      .describe('How the relationship is made; null until chosen.'),
    consent: consentGranted
      .omit({ type: true })
      .nullable()
      .describe("The customer's standing consent; null before it is given and after a revocation."),
    billToShared: z
      .boolean()
      .describe("The customer's bill-to information was shared with the provider."),
    declineReason: consentDeclined.shape.reason.nullable(),
    revocations: z.number().int().min(0).describe('Times the customer took its consent back.'),
  })
  .describe("One customer's reseller relationship as its machine keeps it.");
export type ResellerRelationshipContext = z.infer<typeof resellerRelationshipContext>;

export const resellerRelationshipOutput = z
  .strictObject({
    method: relationshipMethod.nullable(),
    adminPrivileges: z
      .boolean()
      .describe('The provider may hold admin rights in the tenant (the invitation was used).'),
  })
  .describe('The method the relationship was made with, and what it gives the provider.');
export type ResellerRelationshipOutput = z.infer<typeof resellerRelationshipOutput>;

export const gdapRequiresInvitation = (context: Pick<Input, 'providerNeedsAdmin'>): string[] =>
  context.providerNeedsAdmin ? ['gdap_requires_invitation'] : [];

export const statementRefusals = (event: { statementVersion: string }): string[] =>
  isKnownStatement(event.statementVersion) ? [] : ['unknown_statement_version'];

export const resellerRelationshipMachine = setup({
  types: {
    context: {} as ResellerRelationshipContext,
    events: {} as RelationshipEvent,
    input: {} as Input,
    output: {} as ResellerRelationshipOutput,
  },
  actions: {
    ...effectActions,
    // Revocable from two states; one definition keeps both the same.
    revokeConsent: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'CONSENT_REVOKED') return;
      enqueue.assign({ consent: null, revocations: context.revocations + 1 });
      enqueue({
        type: 'recordConsent',
        params: {
          decision: 'revoked',
          customerId: context.customerId,
          providerId: context.providerId,
          reason: event.reason,
        },
      });
    }),
  },
  guards: {
    extensionAllowed: ({ context }) => gdapRequiresInvitation(context).length === 0,
    knownStatement: ({ event }) =>
      event.type === 'CONSENT_GRANTED' && statementRefusals(event).length === 0,
  },
}).createMachine({
  id: 'resellerRelationship',
  description: 'The reseller relationship between one customer and the indirect provider.',
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
      description:
        'The extension keeps the provider out of the tenant; a provider that needs admin rights (GDAP) must be invited.',
      on: {
        USE_EXTENSION: {
          target: 'awaitingConsent',
          guard: 'extensionAllowed',
          actions: assign({ method: 'extension' }),
        },
        USE_INVITATION: { target: 'invitationSent', actions: assign({ method: 'invitation' }) },
      },
    },
    awaitingConsent: {
      description:
        'Consent checkpoint: the customer must be informed and consent before anything is shared.',
      // A link answers this checkpoint only: once it is passed, links issued for it are spent.
      exit: {
        type: 'closeConsentLinks',
        params: { reason: 'the relationship left awaitingConsent' },
      },
      on: {
        CONSENT_GRANTED: {
          target: 'billToSharing',
          guard: 'knownStatement',
          actions: [
            assign({
              consent: ({ event }) => {
                const { type: _type, ...consent } = event;
                return consent;
              },
            }),
            {
              type: 'recordConsent',
              params: ({ context, event }) => ({
                decision: 'granted' as const,
                customerId: context.customerId,
                providerId: context.providerId,
                grantedBy: event.grantedBy,
                method: event.method,
                statementVersion: event.statementVersion,
                ...(event.evidenceRef === undefined ? {} : { evidenceRef: event.evidenceRef }),
              }),
            },
          ],
        },
        CONSENT_DECLINED: {
          target: 'declined',
          actions: [
            assign({ declineReason: ({ event }) => event.reason }),
            {
              type: 'recordConsent',
              params: ({ context, event }) => ({
                decision: 'declined' as const,
                customerId: context.customerId,
                providerId: context.providerId,
                reason: event.reason,
              }),
            },
          ],
        },
      },
    },
    billToSharing: {
      description:
        "Consent given; a Global admin confirms sharing the customer's bill-to information with the provider.",
      on: {
        BILL_TO_SHARING_CONFIRMED: {
          target: 'awaitingCustomerAcceptance',
          actions: assign({ billToShared: true }),
        },
        CONSENT_REVOKED: { target: 'awaitingConsent', actions: 'revokeConsent' },
      },
    },
    awaitingCustomerAcceptance: {
      description: 'The customer accepts the provider as its reseller.',
      on: {
        RELATIONSHIP_ACCEPTED: { target: 'established' },
        CONSENT_REVOKED: { target: 'awaitingConsent', actions: 'revokeConsent' },
      },
    },
    invitationSent: {
      description: 'The indirect reseller invitation was sent; the customer accepts it.',
      on: {
        INVITATION_ACCEPTED: { target: 'established', actions: assign({ billToShared: true }) },
      },
    },
    established: {
      type: 'final',
      description: 'The provider appears to the customer as a CSP partner.',
    },
    declined: {
      type: 'final',
      description: 'The customer declined; it stays direct-bill until excluded or planned again.',
    },
  },
});

const partnerSide = ['manager', 'global_admin'] as const;
const partnerOrCustomer = ['manager', 'global_admin', 'customer'] as const;

export const resellerRelationshipDefinition: WorkflowDefinition = {
  name: 'resellerRelationship',
  version: 1,
  description:
    'Reseller relationship of one customer with the provider, by extension or invitation.',
  machine: resellerRelationshipMachine,
  input: resellerRelationshipInput,
  context: resellerRelationshipContext,
  output: resellerRelationshipOutput,
  events: {
    USE_EXTENSION: {
      description:
        'Chooses the reseller relationship extension (no admin rights for the provider).',
      roles: partnerSide,
      schema: useExtension,
      refusals: (context: ResellerRelationshipContext) => gdapRequiresInvitation(context),
    },
    USE_INVITATION: {
      description: 'Chooses the indirect reseller invitation (GDAP can be requested after it).',
      roles: partnerSide,
      schema: useInvitation,
    },
    CONSENT_GRANTED: {
      description: 'The customer consented: who, how, and to which statement version.',
      roles: partnerOrCustomer,
      schema: consentGranted,
      // What a link records as its own evidence must not be claimed by anyone else.
      forbid: (_state, role, payload) =>
        payload.method === 'customer_link' && role !== 'customer'
          ? 'method customer_link is recorded only by a consent link itself; record the evidence you hold with signed_form, recorded_call or email.'
          : undefined,
      refusals: (_context: unknown, event: { statementVersion: string }) =>
        statementRefusals(event),
    },
    CONSENT_DECLINED: {
      description: 'The customer declined.',
      roles: partnerOrCustomer,
      schema: consentDeclined,
    },
    BILL_TO_SHARING_CONFIRMED: {
      description: "Confirms sharing the customer's bill-to information with the provider.",
      roles: ['global_admin'],
      schema: billToSharingConfirmed,
    },
    CONSENT_REVOKED: {
      description: 'The customer took its consent back before the relationship was established.',
      roles: partnerOrCustomer,
      schema: consentRevoked,
    },
    RELATIONSHIP_ACCEPTED: {
      description: 'The customer accepted the relationship.',
      roles: partnerOrCustomer,
      schema: relationshipAccepted,
    },
    INVITATION_ACCEPTED: {
      description: 'The customer accepted the indirect reseller invitation.',
      roles: partnerOrCustomer,
      schema: invitationAccepted,
    },
  },
};
