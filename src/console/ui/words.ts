/**
 * The API speaks in codes (`maicpp_membership_missing`, `pendingApproval.onTime`); people read
 * words. Known codes have words of their own; any other is spelled out from its parts, so a
 * code added to the API later still reads as something.
 */

const acronyms = new Set(['id', 'ids', 'mca', 'mfa', 'pla', 'csp', 'mpn', 'gdap', 'api', 'url']);

/** `supportTicketId` or `ACCEPT_AGREEMENT` or `pla_region_mismatch` as a phrase. */
export function humanize(code: string): string {
  const words = code
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase())
    .map((w) => (acronyms.has(w) ? (w === 'ids' ? 'IDs' : w.toUpperCase()) : w));
  const phrase = words.join(' ');
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

const fieldWords: Record<string, string> = {
  maicppMember: 'AI Cloud Partner Program member',
  plaVerified: 'PLA verified',
  plaRegion: 'PLA region',
  cspRegion: 'CSP region',
  mfaEnforced: 'MFA enforced for every admin',
  securityContact: 'Security contact',
  businessEmail: 'Business email',
  enrollingUser: 'Enrolling user',
  globalAdmin: 'Holds the Global admin role',
  authorityToSign: 'May sign legal agreements',
  tenantStrategy: 'Tenant',
  migrationDeadline: 'Migration deadline',
  profileConfirmed: 'Profile confirmed',
  directBillRestricted: 'Direct-bill enrollment restricted',
  newTenantId: 'New tenant ID',
  customersTotal: 'Customers in the move',
  customersMoved: 'Customers moved',
  customersExcluded: 'Customers excluded',
  subscriptionsTransferred: 'Subscriptions transferred',
  agreementVersion: 'Agreement version',
  supportTicketIds: 'Support tickets',
};

/** The label of a field of a context or an event. */
export function fieldLabel(name: string): string {
  return fieldWords[name] ?? humanize(name);
}

const roleWords: Record<string, string> = {
  admin: 'operator (admin)',
  manager: 'onboarding manager',
  global_admin: 'Global admin',
  provider: 'provider',
  auditor: 'auditor',
  customer: 'customer',
  system: 'Tiershift itself',
  partner_center: 'Partner Center',
};

export function roleLabel(role: string): string {
  return roleWords[role] ?? humanize(role);
}

const machineWords: Record<string, string> = {
  transition: 'Transition',
  enrollment: 'Enrollment',
  resellerRelationship: 'Reseller relationship',
  mcaReacceptance: 'MCA re-acceptance',
  subscriptionTransfer: 'Subscription transfer',
};

export function machineLabel(machine: string): string {
  return machineWords[machine] ?? humanize(machine);
}

/** A machine's name inside a sentence: "reseller relationship", but "MCA re-acceptance". */
export function machineNoun(machine: string): string {
  const label = machineLabel(machine);
  return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/** `pendingApproval.onTime` as "Pending approval, on time". */
export function stateLabel(state: string): string {
  return state
    .split('.')
    .map((part, i) => (i === 0 ? humanize(part) : humanize(part).toLowerCase()))
    .join(', ');
}

const flagWords: Record<string, string> = {
  enrollmentOverdue: 'Enrollment approval overdue',
  incentivesInvitationOverdue: 'Incentives invitation overdue',
  migrationOverdue: 'Migration deadline passed',
  machine_version_unsupported: 'Stored by a newer version; shown, not interpreted',
};

export function flagLabel(flag: string): string {
  return flagWords[flag] ?? humanize(flag);
}

/** Each domain rule a refusal names, as the requirement a person must meet. */
const reasonWords: Record<string, string> = {
  maicpp_membership_missing: 'The partner is not an active AI Cloud Partner Program member.',
  pla_region_mismatch: "The PLA ID's region is not the CSP region the partner will transact in.",
  pla_not_verified: 'The PLA ID is not verified.',
  mfa_not_enforced: 'MFA is not enforced for every administrative user.',
  security_contact_missing: 'No security contact is designated.',
  business_email_invalid:
    'The business email is not a monitored business address (not personal, disposable or generic such as info@).',
  not_global_admin: 'The enrolling user does not hold the Global admin role.',
  no_authority_to_sign: 'The enrolling user may not accept legal agreements for the organisation.',
  partner_profile_stale: 'The partner profile and PartnerID were not confirmed current.',
  direct_bill_not_restricted: 'The direct-bill enrollment is not restricted yet.',
  provider_region_mismatch: "The provider's region is not the partner's CSP region.",
  invitation_not_received: "That provider's invitation has not been received yet.",
};

export function reasonLabel(code: string): string {
  return reasonWords[code] ?? `${humanize(code)}.`;
}

/** What a refusal means, by its problem code, in words; the server's detail otherwise. */
const problemWords: Record<string, string> = {
  version_conflict: 'Someone changed this workflow after you opened it. Reload it and try again.',
  event_not_allowed: 'The workflow does not take this in the state it is in now.',
  forbidden: 'Your role may not do this.',
  not_found: 'This no longer exists, or it is not yours to see.',
  rate_limited: 'Too many requests for now; wait a moment and try again.',
  unavailable: 'The service is unavailable for a moment; nothing was changed. Try again shortly.',
};

export function problemLead(code: string, detail: string): string {
  return problemWords[code] ?? detail;
}

export function yesNo(value: boolean): string {
  return value ? 'Yes' : 'No';
}

/** An instant in UTC, as the API and its history keep time: the same for every reader. */
export function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
