import { z } from 'zod';
import { childDoneEvent, type EventFacts } from '../common.ts';

const id = z.string().min(1).max(100);
const reason = z.string().min(1).max(2000);

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
export const partnershipRequested = z.strictObject({
  type: z.literal('PARTNERSHIP_REQUESTED'),
  providerId: id,
});
export const providerInvitationSent = z.strictObject({
  type: z.literal('PROVIDER_INVITATION_SENT'),
  providerId: id,
});
export const providerDeclined = z.strictObject({
  type: z.literal('PROVIDER_DECLINED'),
  providerId: id,
  reason: reason.optional(),
});
export const providerInvitationAccepted = z.strictObject({
  type: z.literal('PROVIDER_INVITATION_ACCEPTED'),
  providerId: id,
});
export const customersPlanned = z.strictObject({
  type: z.literal('CUSTOMERS_PLANNED'),
  count: z.number().int().min(0),
});
export const excludeCustomer = z.strictObject({
  type: z.literal('EXCLUDE_CUSTOMER'),
  customerId: id,
  reason,
});
export const replanCustomer = z.strictObject({
  type: z.literal('REPLAN_CUSTOMER'),
  customerId: id,
});
export const incentivesInvitationReceived = z.strictObject({
  type: z.literal('INCENTIVES_INVITATION_RECEIVED'),
});
export const incentivesInvitationOverdue = z.strictObject({
  type: z.literal('INCENTIVES_INVITATION_OVERDUE'),
});
export const migrationDeadlinePassed = z.strictObject({
  type: z.literal('MIGRATION_DEADLINE_PASSED'),
});
export const cancel = z.strictObject({ type: z.literal('CANCEL'), reason });

type WithFacts<T> = T & { facts?: EventFacts };

export type TransitionEvent =
  | z.infer<typeof confirmProfile>
  | z.infer<typeof restrictionRequested>
  | z.infer<typeof directBillRestricted>
  | z.infer<typeof newTenantRegistered>
  | WithFacts<z.infer<typeof partnershipRequested>>
  | z.infer<typeof providerInvitationSent>
  | z.infer<typeof providerDeclined>
  | z.infer<typeof providerInvitationAccepted>
  | z.infer<typeof customersPlanned>
  | WithFacts<z.infer<typeof excludeCustomer>>
  | WithFacts<z.infer<typeof replanCustomer>>
  | z.infer<typeof incentivesInvitationReceived>
  | z.infer<typeof incentivesInvitationOverdue>
  | z.infer<typeof migrationDeadlinePassed>
  | z.infer<typeof cancel>
  | z.infer<typeof childDoneEvent>;
