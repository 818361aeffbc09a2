import { describe, expect, it } from 'vitest';
import {
  applyMigration,
  confirmRefusals,
  migrationRefusals,
  submitRefusals,
  withAddOns,
  type TransferSubscription,
} from './subscription-transfer.rules.ts';

const subscriptions: TransferSubscription[] = [
  { id: 'base', kind: 'nce_license', baseSubscriptionId: null },
  { id: 'addon', kind: 'legacy_license', baseSubscriptionId: 'base' },
  { id: 'azure', kind: 'azure_plan', baseSubscriptionId: null },
  { id: 'old-azure', kind: 'legacy_azure', baseSubscriptionId: null },
];

describe('subscription transfer rules', () => {
  it('when a base is chosen, then its add-ons come with it, in stored order', () => {
    expect(withAddOns(subscriptions, ['base'])).toEqual(['base', 'addon']);
  });

  it('when a legacy add-on rides along with its base, then every legacy id is named', () => {
    expect(confirmRefusals(subscriptions, ['base', 'old-azure'])).toEqual([
      {
        code: 'legacy_subscription_requires_migration',
        details: { subscriptionIds: ['addon', 'old-azure'] },
      },
    ]);
    expect(confirmRefusals(subscriptions, ['azure'])).toEqual([]);
    expect(confirmRefusals(subscriptions, ['nope'])).toEqual([
      { code: 'subscription_not_found', details: { subscriptionIds: ['nope'] } },
    ]);
  });

  it('when a legacy subscription is migrated under a new id, then the id changes everywhere and the kind is new commerce', () => {
    const migrated = applyMigration(
      applyMigration(subscriptions, 'addon', 'addon-nce'),
      'base',
      'base-2',
    );
    expect(migrated).toEqual([
      { id: 'base-2', kind: 'nce_license', baseSubscriptionId: null },
      { id: 'addon-nce', kind: 'nce_license', baseSubscriptionId: 'base-2' },
      { id: 'azure', kind: 'azure_plan', baseSubscriptionId: null },
      { id: 'old-azure', kind: 'legacy_azure', baseSubscriptionId: null },
    ]);
    expect(applyMigration(subscriptions, 'old-azure', undefined)[3]).toEqual({
      id: 'old-azure',
      kind: 'azure_plan',
      baseSubscriptionId: null,
    });
    expect(migrationRefusals(subscriptions, 'azure')).toEqual([
      { code: 'subscription_not_legacy', details: { subscriptionIds: ['azure'] } },
    ]);
    expect(migrationRefusals(subscriptions, 'old-azure', 'azure')).toEqual([
      { code: 'subscription_id_taken', details: { subscriptionIds: ['azure'] } },
    ]);
  });

  it('when the MCA is not confirmed, then the submission is refused whatever the subscriptions', () => {
    expect(submitRefusals(['base'], ['base'], false)).toEqual(['mca_not_confirmed']);
    expect(submitRefusals(['base'], ['azure'], true)).toEqual([
      { code: 'subscription_not_confirmed', details: { subscriptionIds: ['azure'] } },
    ]);
  });
});
