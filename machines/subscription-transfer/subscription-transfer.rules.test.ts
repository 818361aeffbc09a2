import { describe, expect, it } from 'vitest';
import type { EventFacts } from '../common.ts';
import {
  applyMigration,
  confirmRefusals,
  migrationRefusals,
  requestRefusals,
  retriedIds,
  retryRefusals,
  submitRefusals,
  withAddOns,
  type TransferSubscription,
} from './subscription-transfer.rules.ts';

const active = {
  status: 'active',
  termEndDate: null,
  billingCycle: null,
  transferEligible: false,
} as const;
const subscriptions: TransferSubscription[] = [
  { id: 'base', kind: 'nce_license', baseSubscriptionId: null, ...active },
  { id: 'addon', kind: 'legacy_license', baseSubscriptionId: 'base', ...active },
  { id: 'azure', kind: 'azure_plan', baseSubscriptionId: null, ...active },
  { id: 'old-azure', kind: 'legacy_azure', baseSubscriptionId: null, ...active },
];
const clean: TransferSubscription[] = [
  { id: 'm365', kind: 'nce_license', baseSubscriptionId: null, ...active },
  { id: 'phone', kind: 'nce_license', baseSubscriptionId: 'm365', ...active },
  { id: 'ri', kind: 'azure_reservation', baseSubscriptionId: null, ...active },
  { id: 'plan', kind: 'azure_savings_plan', baseSubscriptionId: null, ...active },
  { id: 'sw', kind: 'software', baseSubscriptionId: null, ...active },
  {
    id: 'saas-ok',
    kind: 'marketplace_saas',
    baseSubscriptionId: null,
    ...active,
    transferEligible: true,
  },
  { id: 'saas', kind: 'marketplace_saas', baseSubscriptionId: null, ...active },
  { id: 'paused', kind: 'nce_license', baseSubscriptionId: null, ...active, status: 'suspended' },
  { id: 'trial', kind: 'nce_license', baseSubscriptionId: null, ...active, status: 'trial' },
];
const partner = (mpnId: string, plaVerified: boolean): EventFacts => ({
  partner: { cspRegion: 'US', tenantId: 'T', mpnId, plaVerified },
});

describe('subscription transfer rules', () => {
  it('when a base is chosen, then its add-ons come with it, in stored order', () => {
    expect(withAddOns(subscriptions, ['base'])).toEqual(['base', 'addon']);
  });

  it('when a legacy add-on rides along with its base, then every legacy id is named, and legacy Azure blocks the customer', () => {
    expect(confirmRefusals(subscriptions, ['base', 'old-azure'])).toEqual([
      {
        code: 'legacy_subscription_requires_migration',
        details: { subscriptionIds: ['addon', 'old-azure'] },
      },
      { code: 'legacy_azure_blocks_transfer', details: { subscriptionIds: ['old-azure'] } },
    ]);
    expect(confirmRefusals(subscriptions, ['nope'])).toEqual([
      { code: 'subscription_not_found', details: { subscriptionIds: ['nope'] } },
    ]);
  });

  it('when the customer still has legacy Azure, then a transfer of anything else is refused too', () => {
    expect(confirmRefusals(subscriptions, ['azure'])).toEqual([
      { code: 'legacy_azure_blocks_transfer', details: { subscriptionIds: ['old-azure'] } },
    ]);
    const migrated = applyMigration(subscriptions, 'old-azure', undefined);
    expect(confirmRefusals(migrated, ['azure'])).toEqual([]);
  });

  it('when reservations, savings plans, software and an eligible marketplace item are chosen, then they transfer', () => {
    expect(confirmRefusals(clean, ['m365', 'ri', 'plan', 'sw', 'saas-ok'])).toEqual([]);
  });

  it('when a marketplace item is not eligible or a subscription is not active, then each is named under its code', () => {
    expect(confirmRefusals(clean, ['saas', 'paused', 'trial'])).toEqual([
      { code: 'marketplace_not_transferable', details: { subscriptionIds: ['saas'] } },
      { code: 'subscription_not_active', details: { subscriptionIds: ['paused', 'trial'] } },
    ]);
  });

  it('when an add-on is confirmed or submitted without its base, then it is refused', () => {
    expect(confirmRefusals(clean, ['phone'])).toEqual([
      { code: 'addon_without_base', details: { subscriptionIds: ['phone'] } },
    ]);
    const context = {
      subscriptions: clean,
      confirmedIds: ['m365', 'phone'],
      results: {},
      mcaConfirmed: true,
    };
    expect(submitRefusals(context, ['phone'])).toEqual([
      { code: 'addon_without_base', details: { subscriptionIds: ['phone'] } },
    ]);
    expect(submitRefusals(context, ['m365'])).toEqual([]);
  });

  it('when a legacy subscription is migrated under a new id, then the id changes everywhere and the kind is new commerce', () => {
    const migrated = applyMigration(
      applyMigration(subscriptions, 'addon', 'addon-nce'),
      'base',
      'base-2',
    );
    expect(
      migrated.map(({ id, kind, baseSubscriptionId }) => ({ id, kind, baseSubscriptionId })),
    ).toEqual([
      { id: 'base-2', kind: 'nce_license', baseSubscriptionId: null },
      { id: 'addon-nce', kind: 'nce_license', baseSubscriptionId: 'base-2' },
      { id: 'azure', kind: 'azure_plan', baseSubscriptionId: null },
      { id: 'old-azure', kind: 'legacy_azure', baseSubscriptionId: null },
    ]);
    expect(migrationRefusals(subscriptions, 'azure')).toEqual([
      { code: 'subscription_not_legacy', details: { subscriptionIds: ['azure'] } },
    ]);
    expect(migrationRefusals(subscriptions, 'old-azure', 'azure')).toEqual([
      { code: 'subscription_id_taken', details: { subscriptionIds: ['azure'] } },
    ]);
  });

  it('when the MCA is not confirmed, then the submission is refused whatever the subscriptions', () => {
    expect(
      submitRefusals(
        { subscriptions: clean, confirmedIds: ['m365'], results: {}, mcaConfirmed: false },
        ['m365'],
      ),
    ).toEqual(['mca_not_confirmed']);
    expect(
      submitRefusals(
        { subscriptions: clean, confirmedIds: ['m365'], results: {}, mcaConfirmed: true },
        ['sw'],
      ),
    ).toEqual([{ code: 'subscription_not_confirmed', details: { subscriptionIds: ['sw'] } }]);
  });

  it('when the request names another PartnerID or the PLA is not verified, then the partner of record is invalid', () => {
    const context = { partnerTenantId: 'ABC', subscriptions: clean };
    const event = { sourcePartnerTenantId: 'abc', partnerOnRecord: '1234567' };
    expect(requestRefusals(context, { ...event, facts: partner('1234567', true) })).toEqual([]);
    expect(requestRefusals(context, { ...event, facts: partner('7654321', true) })).toEqual([
      'partner_of_record_invalid',
    ]);
    expect(requestRefusals(context, { ...event, facts: partner('1234567', false) })).toEqual([
      'partner_of_record_invalid',
    ]);
    expect(
      requestRefusals(context, {
        ...event,
        sourcePartnerTenantId: 'x',
        facts: partner('1234567', true),
      }),
    ).toEqual(['source_partner_mismatch']);
  });

  it('when failed subscriptions are retried, then their failed add-ons come along and an add-on alone is refused', () => {
    const results = {
      m365: { status: 'failed', reason: 'x' },
      phone: { status: 'failed', reason: 'x' },
      sw: { status: 'transferred', newSubscriptionId: 'sw-2' },
    } as const;
    expect(retriedIds(clean, results, ['m365'])).toEqual(['m365', 'phone']);
    expect(retryRefusals({ subscriptions: clean, results }, ['phone'])).toEqual([
      { code: 'addon_without_base', details: { subscriptionIds: ['phone'] } },
    ]);
    expect(retryRefusals({ subscriptions: clean, results }, ['sw'])).toEqual([
      { code: 'subscription_not_failed', details: { subscriptionIds: ['sw'] } },
    ]);
    // Once its base is on the provider's billing, a failed add-on may follow it on its own.
    const baseMoved = {
      ...results,
      m365: { status: 'transferred', newSubscriptionId: 'm-2' },
    } as const;
    expect(retryRefusals({ subscriptions: clean, results: baseMoved }, ['phone'])).toEqual([]);
  });
});
