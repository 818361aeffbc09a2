/**
 * The statements a customer consents to before the reseller relationship extension. The
 * text is the contract: a new wording is a new version, never an edit of an old one.
 */
export const consentStatements: Readonly<Record<string, string>> = {
  'rre-consent-v1': [
    'Your CSP partner is moving from buying Microsoft cloud services directly from Microsoft',
    'to buying them through an indirect provider (a distributor).',
    'By consenting, you agree that the indirect provider named in this request becomes an',
    'authorized reseller for your organization, and that your partner shares your bill-to',
    'information (company name, billing email, country and address) with that provider so',
    'it can transact on your behalf. The provider receives no administrative rights in your',
    'tenant through this step. Your partner remains your point of contact and continues to',
    'bill you. You may decline, or later revoke this consent before the relationship is',
    'established.',
  ].join(' '),
};

export const consentMethods = ['customer_link', 'signed_form', 'recorded_call', 'email'] as const;

export function isKnownStatement(version: string): boolean {
  return Object.hasOwn(consentStatements, version);
}
