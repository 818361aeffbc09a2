import { z } from 'zod';
import { migratedType } from '../engine/history-chain.ts';

/** What a subscription can ask to hear. */
export const webhookEventTypes = [
  'workflow.state_changed',
  'partnership.requested',
  'partnership.invitation_accepted',
  'mca.acceptance_requested',
  'consent.granted',
  'consent.declined',
  'consent.revoked',
  'transfer.request_needed',
  'transfer.submitted',
  'transfer.completed',
  'transfer.partially_failed',
  'enrollment.overdue',
  'transition.completed',
  'transition.cancelled',
] as const;

export const webhookEventType = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventType>;

/** What each event means, for the OpenAPI document and the README. */
export const webhookEventMeanings: Record<WebhookEventType, string> = {
  'workflow.state_changed': 'any workflow moved to another state',
  'partnership.requested': 'a partner asked a provider to partner with it (PARTNERSHIP_REQUESTED)',
  'partnership.invitation_accepted':
    "the partner accepted a provider's invitation; customers are being moved",
  'mca.acceptance_requested':
    'a customer was asked to accept the MCA; its provider records the acceptance',
  'consent.granted': 'a customer consented to the reseller relationship',
  'consent.declined': 'a customer declined the reseller relationship',
  'consent.revoked': 'a customer withdrew its consent',
  'transfer.request_needed':
    "a customer's subscriptions are confirmed and wait for the provider's transfer request",
  'transfer.submitted': 'the partner submitted a transfer request',
  'transfer.completed': "every subscription of a customer's transfer moved",
  'transfer.partially_failed': 'a transfer settled with some subscriptions failed',
  'enrollment.overdue': 'an enrollment has waited for approval more than 5 business days',
  'transition.completed': 'a transition finished: every customer moved or excluded',
  'transition.cancelled': 'a transition was cancelled, with its open workflows',
};

/** One applied step of a workflow, as its history row records it. */
export interface RecordedStep {
  machine: string;
  type: string;
  from: string | null;
  to: string;
}

/**
 * The events a recorded step announces. A workflow's creation announces nothing (its
 * parent's step does), nor does a child cancelled with its parent: its state stays, and the
 * transition's `transition.cancelled` says it. Nor does a migration, even where it renames a
 * state.
 */
export function eventsOfStep(step: RecordedStep): WebhookEventType[] {
  // A migration to a newer machine version changes how a state is kept, not what happened.
  if (step.from === null || step.type === migratedType) return [];
  const events: WebhookEventType[] = [];
  if (step.from !== step.to) events.push('workflow.state_changed');
  const specific = specificEvent(step);
  if (specific) events.push(specific);
  return events;
}

function specificEvent({ machine, type, to }: RecordedStep): WebhookEventType | undefined {
  switch (machine) {
    case 'transition':
      if (type === 'PARTNERSHIP_REQUESTED') return 'partnership.requested';
      if (type === 'PROVIDER_INVITATION_ACCEPTED') return 'partnership.invitation_accepted';
      if (to === 'completed') return 'transition.completed';
      if (to === 'cancelled') return 'transition.cancelled';
      return undefined;
    case 'enrollment':
      return type === 'APPROVAL_OVERDUE' ? 'enrollment.overdue' : undefined;
    case 'mcaReacceptance':
      return type === 'ACCEPTANCE_REQUESTED' ? 'mca.acceptance_requested' : undefined;
    case 'resellerRelationship':
      if (type === 'CONSENT_GRANTED') return 'consent.granted';
      if (type === 'CONSENT_DECLINED') return 'consent.declined';
      if (type === 'CONSENT_REVOKED') return 'consent.revoked';
      return undefined;
    case 'subscriptionTransfer':
      if (type === 'TRANSFER_SUBMITTED') return 'transfer.submitted';
      if (to === 'awaitingTransferRequest') return 'transfer.request_needed';
      if (to === 'completed') return 'transfer.completed';
      if (to === 'partiallyFailed') return 'transfer.partially_failed';
      return undefined;
    default:
      return undefined;
  }
}
