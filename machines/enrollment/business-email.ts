/**
 * Checks that a business email looks monitored and owned by the organisation, by syntax and
 * lists only: no DNS, so the answer never depends on the network.
 */
const personalDomains = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'ymail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'proton.me',
  'protonmail.com',
  'zoho.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
  '126.com',
  'free.fr',
  'orange.fr',
  'laposte.net',
  'libero.it',
  't-online.de',
  'btinternet.com',
  'comcast.net',
  'verizon.net',
  'att.net',
]);

const disposableDomains = new Set([
  'mailinator.com',
  'guerrillamail.com',
  'guerrillamail.net',
  '10minutemail.com',
  'tempmail.com',
  'temp-mail.org',
  'throwawaymail.com',
  'yopmail.com',
  'trashmail.com',
  'getnada.com',
  'dispostable.com',
  'maildrop.cc',
  'sharklasers.com',
  'fakeinbox.com',
  'mintemail.com',
  'mailnesia.com',
  'emailondeck.com',
  'spamgourmet.com',
  'tempail.com',
  'moakt.com',
]);

const genericLocalParts = new Set([
  'info',
  'admin',
  'administrator',
  'sales',
  'support',
  'contact',
  'hello',
  'office',
  'mail',
  'noreply',
  'no-reply',
  'webmaster',
  'postmaster',
  'hostmaster',
  'billing',
  'help',
  'team',
  'enquiries',
  'inquiries',
  'marketing',
  'service',
  'root',
  'abuse',
]);

const emailSyntax =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isBusinessEmail(email: string): boolean {
  if (email.length > 254 || !emailSyntax.test(email)) return false;
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at).toLowerCase();
  const domain = email.slice(at + 1).toLowerCase();
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return (
    !personalDomains.has(domain) && !disposableDomains.has(domain) && !genericLocalParts.has(local)
  );
}
