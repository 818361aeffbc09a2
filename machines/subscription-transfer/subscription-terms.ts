/**
 * What Partner Center says of a subscription that decides whether it can transfer. Kept apart
 * from the machine so the console's CSV reader can check an import against the same lists
 * without bundling the machines.
 */
export const subscriptionKinds = [
  'nce_license',
  'azure_plan',
  'azure_reservation',
  'azure_savings_plan',
  'software',
  'marketplace_saas',
  'legacy_license',
  'legacy_azure',
] as const;
export type SubscriptionKind = (typeof subscriptionKinds)[number];

/** Kinds a new-commerce transfer carries as they are. */
export const transferableKinds: ReadonlySet<SubscriptionKind> = new Set([
  'nce_license',
  'azure_plan',
  'azure_reservation',
  'azure_savings_plan',
  'software',
]);

/** Only `active` transfers; a trial has nothing to transfer until it is bought. */
export const subscriptionStatuses = ['active', 'suspended', 'expired', 'trial'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export const billingCycles = ['monthly', 'annual', 'triennial', 'one_time', 'none'] as const;
export type BillingCycle = (typeof billingCycles)[number];
