import { describe, expect, it } from 'vitest';
import type { CustomerFacts } from '../common.ts';
import {
  excludeRefusals,
  readyForTransfer,
  replanRefusals,
  replanTarget,
} from './transition.rules.ts';

const open: CustomerFacts = {
  acquiredAs: 'direct_bill',
  country: 'DE',
  outcome: null,
  children: {
    resellerRelationship: { state: 'choosingMethod', status: 'active' },
    mcaReacceptance: { state: 'retained', status: 'done' },
  },
};

describe('transition rules per customer', () => {
  it('when a transfer was cancelled, then a re-plan replaces the transfer', () => {
    const cancelled: CustomerFacts = {
      ...open,
      children: {
        resellerRelationship: { state: 'established', status: 'done' },
        mcaReacceptance: { state: 'accepted', status: 'done' },
        subscriptionTransfer: { state: 'detailsReview', status: 'cancelled' },
      },
    };
    expect(replanTarget(cancelled)).toBe('subscriptionTransfer');
    expect(replanRefusals({ customer: cancelled })).toEqual([]);
  });

  it('when nothing failed, then there is nothing to re-plan', () => {
    expect(replanRefusals({ customer: open })).toEqual(['nothing_to_replan']);
  });

  it('when a customer is indirect already, excluded, or unknown, then it is not in the transition', () => {
    expect(excludeRefusals({ customer: { ...open, acquiredAs: 'indirect_reseller' } })).toEqual([
      'customer_not_in_transition',
    ]);
    expect(excludeRefusals({ customer: { ...open, outcome: 'excluded' } })).toEqual([
      'customer_not_in_transition',
    ]);
    expect(excludeRefusals({ customer: null })).toEqual(['customer_not_in_transition']);
    expect(excludeRefusals({ customer: { ...open, outcome: 'moved' } })).toEqual([
      'customer_already_moved',
    ]);
  });

  it('when the relationship is established and the MCA settled, then the customer is ready for its transfer once', () => {
    const settled = {
      resellerRelationship: { state: 'established', status: 'done' as const },
      mcaReacceptance: { state: 'retained', status: 'done' as const },
    };
    expect(readyForTransfer(settled)).toBe(true);
    expect(
      readyForTransfer({
        ...settled,
        subscriptionTransfer: { state: 'agreement', status: 'active' },
      }),
    ).toBe(false);
    expect(
      readyForTransfer({ ...settled, mcaReacceptance: { state: 'requested', status: 'active' } }),
    ).toBe(false);
  });

  it("when a declined customer is outside the provider's region, then it cannot be re-planned", () => {
    const declined: CustomerFacts = {
      ...open,
      children: { resellerRelationship: { state: 'declined', status: 'done' } },
    };
    const provider = (region: string) => ({ id: 'P', region });
    expect(replanRefusals({ customer: declined, provider: provider('DE') })).toEqual([]);
    expect(replanRefusals({ customer: declined, provider: provider('FR') })).toEqual([
      'customer_region_mismatch',
    ]);
  });
});
