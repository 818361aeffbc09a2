import { describe, expect, it } from 'vitest';
import { isBusinessEmail } from './business-email.ts';
import type { EnrollmentProfile } from './enrollment.profile.ts';
import { eligibilityCodes, unmetEligibility, type EligibilityFacts } from './enrollment.rules.ts';

const profile: EnrollmentProfile = {
  maicppMember: true,
  plaVerified: true,
  mfaEnforced: true,
  securityContact: { name: 'Sam', email: 'sam@contoso-it.com' },
  businessEmail: 'partner.ops@contoso-it.com',
  enrollingUser: {
    name: 'Gail',
    email: 'gail@contoso-it.com',
    globalAdmin: true,
    authorityToSign: true,
  },
};

const eligible: EligibilityFacts = {
  profile,
  plaRegion: 'DE',
  cspRegion: 'de',
  tenantStrategy: 'existing_tenant',
  profileConfirmed: true,
  directBillRestricted: true,
};

describe('enrollment eligibility', () => {
  it('when every requirement is met, then nothing is unmet', () => {
    expect(unmetEligibility(eligible)).toEqual([]);
  });

  const cases: Array<[string, EligibilityFacts]> = [
    ['maicpp_membership_missing', { ...eligible, profile: { ...profile, maicppMember: false } }],
    ['pla_region_mismatch', { ...eligible, plaRegion: 'FR' }],
    ['pla_not_verified', { ...eligible, profile: { ...profile, plaVerified: false } }],
    ['mfa_not_enforced', { ...eligible, profile: { ...profile, mfaEnforced: false } }],
    ['security_contact_missing', { ...eligible, profile: { ...profile, securityContact: null } }],
    [
      'business_email_invalid',
      { ...eligible, profile: { ...profile, businessEmail: 'someone@outlook.com' } },
    ],
    [
      'not_global_admin',
      {
        ...eligible,
        profile: { ...profile, enrollingUser: { ...profile.enrollingUser, globalAdmin: false } },
      },
    ],
    [
      'no_authority_to_sign',
      {
        ...eligible,
        profile: {
          ...profile,
          enrollingUser: { ...profile.enrollingUser, authorityToSign: false },
        },
      },
    ],
    ['partner_profile_stale', { ...eligible, profileConfirmed: false }],
    ['direct_bill_not_restricted', { ...eligible, directBillRestricted: false }],
  ];
  it.each(cases)('when only %s is unmet, then it alone is named', (code, facts) => {
    expect(unmetEligibility(facts)).toEqual([code]);
  });

  it('when the tenant is new, then the direct-bill restriction is not required', () => {
    expect(
      unmetEligibility({ ...eligible, tenantStrategy: 'new_tenant', directBillRestricted: false }),
    ).toEqual([]);
  });

  it('when everything is unmet, then every code is named in the order of the SPEC table', () => {
    const nothing: EligibilityFacts = {
      profile: {
        maicppMember: false,
        plaVerified: false,
        mfaEnforced: false,
        securityContact: null,
        businessEmail: 'not an email',
        enrollingUser: {
          name: 'x',
          email: 'x@contoso-it.com',
          globalAdmin: false,
          authorityToSign: false,
        },
      },
      plaRegion: 'US',
      cspRegion: 'CA',
      tenantStrategy: 'existing_tenant',
      profileConfirmed: false,
      directBillRestricted: false,
    };
    expect(unmetEligibility(nothing)).toEqual([...eligibilityCodes]);
  });
});

describe('business email', () => {
  it.each(['partner.ops@contoso-it.com', 'j.doe@fabrikam.co.uk', 'finance-team@northwind.de'])(
    'accepts %s',
    (email) => {
      expect(isBusinessEmail(email)).toBe(true);
    },
  );
  it.each([
    ['personal', 'jane@gmail.com'],
    ['personal, any case', 'Jane@Hotmail.COM'],
    ['disposable', 'x7@mailinator.com'],
    ['generic', 'info@contoso-it.com'],
    ['generic', 'Support@contoso-it.com'],
    ['no domain dot', 'ops@localhost'],
    ['no at', 'ops.contoso-it.com'],
    ['empty', ''],
    ['double dot', 'a..b@contoso-it.com'],
  ])('refuses a %s address: %s', (_why, email) => {
    expect(isBusinessEmail(email)).toBe(false);
  });
});
