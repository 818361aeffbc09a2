import { z } from 'zod';
import { enrollmentProfile } from './enrollment.profile.ts';

export const updateProfile = enrollmentProfile
  .partial()
  .extend({ type: z.literal('UPDATE_PROFILE') });
export const submit = z.strictObject({ type: z.literal('SUBMIT') });
export const approvalOverdue = z.strictObject({ type: z.literal('APPROVAL_OVERDUE') });
export const approve = z.strictObject({ type: z.literal('APPROVE') });
export const reject = z.strictObject({
  type: z.literal('REJECT'),
  reason: z.string().min(1).max(2000),
});
export const revise = z.strictObject({ type: z.literal('REVISE') });
export const acceptAgreement = z.strictObject({
  type: z.literal('ACCEPT_AGREEMENT'),
  agreementVersion: z.string().min(1).max(100),
});
export const withdraw = z.strictObject({
  type: z.literal('WITHDRAW'),
  reason: z.string().min(1).max(2000).optional(),
});

export type EnrollmentEvent =
  | z.infer<typeof updateProfile>
  | z.infer<typeof submit>
  | z.infer<typeof approvalOverdue>
  | z.infer<typeof approve>
  | z.infer<typeof reject>
  | z.infer<typeof revise>
  | z.infer<typeof acceptAgreement>
  | z.infer<typeof withdraw>;
