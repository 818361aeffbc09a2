import { isBusinessEmail } from './business-email.ts';
import type { EnrollmentProfile } from './enrollment.profile.ts';

/** Reason codes of SPEC §1, in the order of its table. */
export const eligibilityCodes = [
  'maicpp_membership_missing',
  'pla_region_mismatch',
  'pla_not_verified',
  'mfa_not_enforced',
  'security_contact_missing',
  'business_email_invalid',
  'not_global_admin',
  'no_authority_to_sign',
  'partner_profile_stale',
  'direct_bill_not_restricted',
] as const;
export type EligibilityCode = (typeof eligibilityCodes)[number];

export interface EligibilityFacts {
  profile: EnrollmentProfile;
  plaRegion: string;
  cspRegion: string;
  tenantStrategy: 'existing_tenant' | 'new_tenant';
  profileConfirmed: boolean;
  directBillRestricted: boolean;
}

/**
 * Every unmet requirement of the indirect reseller enrollment. Reads the profile and the
 * partner's facts only: who submits is checked by role, not here.
 */
export function unmetEligibility(facts: EligibilityFacts): EligibilityCode[] {
  const { profile } = facts;
  const unmet: Record<EligibilityCode, boolean> = {
    maicpp_membership_missing: !profile.maicppMember,
    pla_region_mismatch: facts.plaRegion.toUpperCase() !== facts.cspRegion.toUpperCase(),
    pla_not_verified: !profile.plaVerified,
    mfa_not_enforced: !profile.mfaEnforced,
    security_contact_missing: profile.securityContact === null,
    business_email_invalid: !isBusinessEmail(profile.businessEmail),
    not_global_admin: !profile.enrollingUser.globalAdmin,
    no_authority_to_sign: !profile.enrollingUser.authorityToSign,
    partner_profile_stale: !facts.profileConfirmed,
    direct_bill_not_restricted:
      facts.tenantStrategy === 'existing_tenant' && !facts.directBillRestricted,
  };
  return eligibilityCodes.filter((code) => unmet[code]);
}
