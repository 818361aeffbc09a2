import { z } from 'zod';
import type { ChildState, CustomerFacts, EventFacts, Refusal } from '../common.ts';

/** Where a partnership asked of one provider stands. */
export const partnershipStatus = z.enum(['requested', 'invited', 'declined', 'accepted']);
export type PartnershipStatus = z.infer<typeof partnershipStatus>;

export function partnershipRefusals(facts: EventFacts | undefined): Refusal[] {
  if (!facts?.provider) return ['provider_not_found'];
  if (facts.partner && facts.provider.region !== facts.partner.cspRegion)
    return ['provider_region_mismatch'];
  return [];
}

/** A provider answers only a partnership the partner asked it for. */
export function answerRefusals(
  partnerships: Readonly<Record<string, PartnershipStatus>>,
  providerId: string,
): Refusal[] {
  return partnerships[providerId] === undefined ? ['partnership_not_requested'] : [];
}

export function acceptInvitationRefusals(
  partnerships: Readonly<Record<string, PartnershipStatus>>,
  providerId: string,
): Refusal[] {
  return partnerships[providerId] === 'invited' ? [] : ['invitation_not_received'];
}

/** A customer this transition moves: a direct-bill customer of the partner not excluded yet. */
function inTransition(customer: CustomerFacts | null | undefined): customer is CustomerFacts {
  return (
    !!customer &&
    customer.acquiredAs === 'direct_bill' &&
    customer.outcome !== 'excluded' &&
    Object.keys(customer.children).length > 0
  );
}

function moved(customer: CustomerFacts): boolean {
  return (
    customer.outcome === 'moved' || customer.children.subscriptionTransfer?.state === 'completed'
  );
}

export function excludeRefusals(facts: EventFacts | undefined): Refusal[] {
  const customer = facts?.customer;
  if (!inTransition(customer)) return ['customer_not_in_transition'];
  return moved(customer) ? ['customer_already_moved'] : [];
}

/** Which child a re-plan replaces: a declined relationship first, then a cancelled transfer. */
export function replanTarget(
  customer: CustomerFacts | null | undefined,
): 'resellerRelationship' | 'subscriptionTransfer' | null {
  if (!customer) return null;
  if (customer.children.resellerRelationship?.state === 'declined') return 'resellerRelationship';
  if (customer.children.subscriptionTransfer?.status === 'cancelled') return 'subscriptionTransfer';
  return null;
}

/**
 * A re-plan starts over with a provider that can serve the customer only within its region.
 * Facts recorded before the country was kept carry none: that check was not made then.
 */
export function replanRefusals(facts: EventFacts | undefined): Refusal[] {
  const customer = facts?.customer;
  if (!inTransition(customer)) return ['customer_not_in_transition'];
  if (moved(customer)) return ['customer_already_moved'];
  if (!replanTarget(customer)) return ['nothing_to_replan'];
  const region = facts?.provider?.region;
  return region !== undefined &&
    customer.country !== undefined &&
    customer.country.toUpperCase() !== region.toUpperCase()
    ? ['customer_region_mismatch']
    : [];
}

const settledMca = new Set(['accepted', 'retained']);

/**
 * A customer is ready for its transfer once its relationship is established and its MCA is
 * settled, and it has no transfer yet (a cancelled one is replaced only by a re-plan).
 */
export function readyForTransfer(siblings: Readonly<Record<string, ChildState>>): boolean {
  return (
    siblings.resellerRelationship?.state === 'established' &&
    settledMca.has(siblings.mcaReacceptance?.state ?? '') &&
    siblings.subscriptionTransfer === undefined
  );
}
