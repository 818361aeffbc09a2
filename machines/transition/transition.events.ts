import { z } from 'zod';
import { childDoneEvent } from '../common.ts';

export const confirmProfile = z.strictObject({ type: z.literal('CONFIRM_PROFILE') });
export const restrictionRequested = z.strictObject({
  type: z.literal('RESTRICTION_REQUESTED'),
  supportTicketId: z.string().min(1).max(200),
});
export const directBillRestricted = z.strictObject({ type: z.literal('DIRECT_BILL_RESTRICTED') });
export const newTenantRegistered = z.strictObject({
  type: z.literal('NEW_TENANT_REGISTERED'),
  tenantId: z.uuid(),
});
export const incentivesInvitationReceived = z.strictObject({
  type: z.literal('INCENTIVES_INVITATION_RECEIVED'),
});
export const cancel = z.strictObject({
  type: z.literal('CANCEL'),
  reason: z.string().min(1).max(2000),
});

export type TransitionEvent =
  | z.infer<typeof confirmProfile>
  | z.infer<typeof restrictionRequested>
  | z.infer<typeof directBillRestricted>
  | z.infer<typeof newTenantRegistered>
  | z.infer<typeof incentivesInvitationReceived>
  | z.infer<typeof cancel>
  | z.infer<typeof childDoneEvent>;
