import { assign, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import { effectActions, type EventFacts, type WorkflowDefinition } from '../common.ts';
import { consentMethods, isKnownStatement } from './consent-statements.ts';
import { resellerRelationshipV1 } from './reseller-relationship.v1.ts';

const reason = z.string().min(1).max(2000);
const useExtension = z.strictObject({ type: z.literal('USE_EXTENSION') });
const useInvitation = z.strictObject({ type: z.literal('USE_INVITATION') });
/** GDAP lasts at most two years; Partner Center counts it in days. */
const gdapRequested = z.strictObject({
  type: z.literal('GDAP_REQUESTED'),
  roles: z
    .array(z.string().trim().min(1).max(100))
    .min(1)
    .max(72)
    .describe('The Microsoft Entra roles asked for, by name or role definition id.'),
  durationDays: z.number().int().min(1).max(730),
});
const gdapApproved = z.strictObject({ type: z.literal('GDAP_APPROVED') });
const gdapActivated = z.strictObject({ type: z.literal('GDAP_ACTIVATED') });
const gdapExpired = z.strictObject({ type: z.literal('GDAP_EXPIRED') });
const gdapTerminated = z.strictObject({
  type: z.literal('GDAP_TERMINATED'),
  reason: reason.optional(),
});
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

type WithFacts<T> = T & { facts?: EventFacts };
type RelationshipEvent =
  | WithFacts<z.infer<typeof useExtension>>
  | WithFacts<z.infer<typeof useInvitation>>
  | z.infer<typeof gdapRequested>
  | z.infer<typeof gdapApproved>
  | z.infer<typeof gdapActivated>
  | z.infer<typeof gdapExpired>
  | z.infer<typeof gdapTerminated>
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

const gdapRelationship = z
  .strictObject({
    status: z
      .enum(['requested', 'approved', 'active', 'expired', 'terminated'])
      .describe('Where the GDAP relationship stands; only active grants admin rights.'),
    roles: gdapRequested.shape.roles,
    durationDays: gdapRequested.shape.durationDays,
    endReason: reason.nullable().describe('Why it was terminated, when it was said.'),
  })
  .nullable()
  .describe('The newest GDAP relationship asked for; null before the first request.');

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
    gdap: gdapRelationship,
  })
  .describe("One customer's reseller relationship as its machine keeps it.");
export type ResellerRelationshipContext = z.infer<typeof resellerRelationshipContext>;

export const resellerRelationshipOutput = z
  .strictObject({
    method: relationshipMethod.nullable(),
    adminPrivileges: z
      .boolean()
      .describe('The provider holds admin rights in the tenant: its GDAP relationship is active.'),
  })
  .describe('The method the relationship was made with, and what it gives the provider.');
export type ResellerRelationshipOutput = z.infer<typeof resellerRelationshipOutput>;

export const gdapRequiresInvitation = (context: Pick<Input, 'providerNeedsAdmin'>): string[] =>
  context.providerNeedsAdmin ? ['gdap_requires_invitation'] : [];

/**
 * A reseller relationship is possible only within the provider's region. Without the facts (a
 * replay of the history) the refusal was already decided.
 */
export function regionRefusals(context: Pick<Input, 'billTo'>, facts?: EventFacts): string[] {
  const provider = facts?.provider;
  if (!provider) return [];
  const country = context.billTo.country;
  return typeof country === 'string' && country.toUpperCase() !== provider.region.toUpperCase()
    ? ['customer_region_mismatch']
    : [];
}

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
    setGdapStatus: assign({
      gdap: ({ context, event }) => {
        if (!context.gdap) return null;
        switch (event.type) {
          case 'GDAP_APPROVED':
            return { ...context.gdap, status: 'approved' as const };
          case 'GDAP_ACTIVATED':
            return { ...context.gdap, status: 'active' as const };
          case 'GDAP_EXPIRED':
            return { ...context.gdap, status: 'expired' as const };
          case 'GDAP_TERMINATED':
            return {
              ...context.gdap,
              status: 'terminated' as const,
              endReason: event.reason ?? null,
            };
          default:
            return context.gdap;
        }
      },
    }),
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
    extensionAllowed: ({ context, event }) =>
      event.type === 'USE_EXTENSION' &&
      gdapRequiresInvitation(context).length === 0 &&
      regionRefusals(context, event.facts).length === 0,
    invitationAllowed: ({ context, event }) =>
      event.type === 'USE_INVITATION' && regionRefusals(context, event.facts).length === 0,
    needsGdap: ({ context }) => context.providerNeedsAdmin,
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
    gdap: null,
  }),
  output: ({ context }) => ({
    method: context.method,
    adminPrivileges: context.gdap?.status === 'active',
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
        USE_INVITATION: {
          target: 'invitationSent',
          guard: 'invitationAllowed',
          actions: assign({ method: 'invitation' }),
        },
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
      description:
        'The indirect reseller invitation was sent; the customer accepts it. It grants no admin rights by itself.',
      on: {
        INVITATION_ACCEPTED: [
          { guard: 'needsGdap', target: 'awaitingGdap', actions: assign({ billToShared: true }) },
          { target: 'established', actions: assign({ billToShared: true }) },
        ],
      },
    },
    awaitingGdap: {
      description:
        'The invitation was accepted, and the provider needs admin rights: it must ask the customer for a GDAP relationship.',
      entry: { type: 'callPartnerCenter', params: { operation: 'requestGdap' } },
      on: {
        GDAP_REQUESTED: {
          target: 'gdapRequested',
          actions: assign({
            gdap: ({ event }) => ({
              status: 'requested' as const,
              roles: event.roles,
              durationDays: event.durationDays,
              endReason: null,
            }),
          }),
        },
      },
    },
    gdapRequested: {
      description:
        'The GDAP relationship was asked for; a Global admin of the customer approves it.',
      on: {
        GDAP_APPROVED: { target: 'gdapApproved', actions: 'setGdapStatus' },
        GDAP_EXPIRED: { target: 'awaitingGdap', actions: 'setGdapStatus' },
        GDAP_TERMINATED: { target: 'awaitingGdap', actions: 'setGdapStatus' },
      },
    },
    gdapApproved: {
      description: 'The customer approved the GDAP relationship; Partner Center activates it.',
      on: {
        GDAP_ACTIVATED: { target: 'established', actions: 'setGdapStatus' },
        GDAP_EXPIRED: { target: 'awaitingGdap', actions: 'setGdapStatus' },
        GDAP_TERMINATED: { target: 'awaitingGdap', actions: 'setGdapStatus' },
      },
    },
    established: {
      type: 'final',
      description:
        'The provider appears to the customer as a CSP partner; one that needs admin rights holds an active GDAP relationship.',
    },
    declined: {
      type: 'final',
      description: 'The customer declined; it stays direct-bill until excluded or planned again.',
    },
  },
});

const partnerSide = ['manager', 'global_admin'] as const;
const partnerOrCustomer = ['manager', 'global_admin', 'customer'] as const;
/** What the customer or the provider reports by hand, Partner Center reports when connected. */
const observed = ['partner_center'] as const;

export const resellerRelationshipDefinition: WorkflowDefinition = {
  name: 'resellerRelationship',
  version: 2,
  pastVersions: [resellerRelationshipV1],
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
      facts: ['provider'],
      refusals: (context: ResellerRelationshipContext, event: { facts?: EventFacts }) => [
        ...gdapRequiresInvitation(context),
        ...regionRefusals(context, event.facts),
      ],
    },
    USE_INVITATION: {
      description:
        'Chooses the indirect reseller invitation; a provider that needs admin rights then asks for GDAP.',
      roles: partnerSide,
      schema: useInvitation,
      facts: ['provider'],
      refusals: (context: ResellerRelationshipContext, event: { facts?: EventFacts }) =>
        regionRefusals(context, event.facts),
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
      description:
        "Confirms sharing the customer's bill-to information with the provider (an Admin agent may, as in Partner Center).",
      roles: partnerSide,
      schema: billToSharingConfirmed,
    },
    CONSENT_REVOKED: {
      description: 'The customer took its consent back before the relationship was established.',
      roles: partnerOrCustomer,
      schema: consentRevoked,
    },
    RELATIONSHIP_ACCEPTED: {
      description: 'The customer accepted the relationship.',
      roles: [...partnerOrCustomer, ...observed],
      schema: relationshipAccepted,
    },
    INVITATION_ACCEPTED: {
      description:
        'The customer accepted the indirect reseller invitation; a provider that needs admin rights must then have GDAP.',
      roles: [...partnerOrCustomer, ...observed],
      schema: invitationAccepted,
    },
    GDAP_REQUESTED: {
      description:
        'The provider asked the customer for a GDAP relationship: the roles, for how long.',
      roles: ['provider', 'admin', ...observed],
      schema: gdapRequested,
    },
    GDAP_APPROVED: {
      description: 'A Global admin of the customer approved the GDAP relationship.',
      roles: ['provider', 'manager', 'global_admin', 'admin', ...observed],
      schema: gdapApproved,
    },
    GDAP_ACTIVATED: {
      description:
        'The GDAP relationship is active: the provider holds the admin rights it asked for.',
      roles: ['provider', 'admin', ...observed],
      schema: gdapActivated,
    },
    GDAP_EXPIRED: {
      description: 'The GDAP request lapsed before it became active; a new one is needed.',
      roles: ['provider', 'admin', ...observed],
      schema: gdapExpired,
    },
    GDAP_TERMINATED: {
      description: 'The GDAP relationship was ended before it became active; a new one is needed.',
      roles: ['provider', 'admin', ...observed],
      schema: gdapTerminated,
    },
  },
};
