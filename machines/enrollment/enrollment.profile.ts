import { z } from 'zod';

const person = z.strictObject({ name: z.string().min(1), email: z.email() });

/** The enrollment profile kept on the partner and copied into each enrollment (SPEC §3). */
export const enrollmentProfile = z.strictObject({
  maicppMember: z.boolean(),
  plaVerified: z.boolean(),
  mfaEnforced: z.boolean(),
  securityContact: person.nullable(),
  businessEmail: z.string(),
  enrollingUser: z.strictObject({
    name: z.string().min(1),
    email: z.email(),
    globalAdmin: z.boolean(),
    authorityToSign: z.boolean(),
  }),
});
export type EnrollmentProfile = z.infer<typeof enrollmentProfile>;

/** What a partner starts with when it gives no profile: every requirement still to be met. */
export const emptyProfile: EnrollmentProfile = {
  maicppMember: false,
  plaVerified: false,
  mfaEnforced: false,
  securityContact: null,
  businessEmail: '',
  enrollingUser: {
    name: 'Unknown',
    email: 'unknown@example.invalid',
    globalAdmin: false,
    authorityToSign: false,
  },
};
