import { z } from 'zod';
import type { EventFacts } from '../common.ts';

const subscriptionId = z.string().min(1).max(100);
const ids = z.array(subscriptionId).min(1).max(1000);

export const customerAgreed = z.strictObject({ type: z.literal('CUSTOMER_AGREED') });
export const subscriptionMigrated = z.strictObject({
  type: z.literal('SUBSCRIPTION_MIGRATED'),
  subscriptionId,
  newSubscriptionId: subscriptionId.optional(),
});
export const detailsConfirmed = z.strictObject({
  type: z.literal('DETAILS_CONFIRMED'),
  subscriptionIds: ids,
});
export const transferRequestCreated = z.strictObject({
  type: z.literal('TRANSFER_REQUEST_CREATED'),
  customerEmail: z.email(),
  sourcePartnerTenantId: z.uuid(),
  partnerOnRecord: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .describe("The indirect reseller's PartnerID the request names: the transitioning partner's."),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("Partner Center's expirationTime of the request; 30 days from now when unknown."),
});
export const transferRequestExpired = z.strictObject({
  type: z.literal('TRANSFER_REQUEST_EXPIRED'),
});
export const transferSubmitted = z.strictObject({
  type: z.literal('TRANSFER_SUBMITTED'),
  subscriptionIds: ids,
});
export const subscriptionTransferred = z.strictObject({
  type: z.literal('SUBSCRIPTION_TRANSFERRED'),
  subscriptionId,
  newSubscriptionId: subscriptionId,
});
export const subscriptionTransferFailed = z.strictObject({
  type: z.literal('SUBSCRIPTION_TRANSFER_FAILED'),
  subscriptionId,
  reason: z.string().min(1).max(2000),
});
export const retry = z.strictObject({ type: z.literal('RETRY'), subscriptionIds: ids });
export const cancel = z.strictObject({
  type: z.literal('CANCEL'),
  reason: z.string().min(1).max(2000),
});

export type TransferEvent =
  | z.infer<typeof customerAgreed>
  | z.infer<typeof subscriptionMigrated>
  | z.infer<typeof detailsConfirmed>
  | (z.infer<typeof transferRequestCreated> & { facts?: EventFacts })
  | z.infer<typeof transferRequestExpired>
  | z.infer<typeof transferSubmitted>
  | z.infer<typeof subscriptionTransferred>
  | z.infer<typeof subscriptionTransferFailed>
  | z.infer<typeof retry>
  | z.infer<typeof cancel>;
