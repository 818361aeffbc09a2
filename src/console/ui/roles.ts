import type { Caller } from './session.ts';

/**
 * What each role may do beyond reading, as the API decides it (README "Who may call what"):
 * the console offers only what would not be refused, so a role never meets a button that
 * fails for who it is.
 */

/** Chain verification and digests: auditors and operators. */
export const mayVerify = (me: Caller): boolean => me.role === 'auditor' || me.role === 'admin';

/** History export: auditors and operators, and a partner's own manager or Global admin. */
export const mayExport = (me: Caller): boolean =>
  mayVerify(me) || me.role === 'manager' || me.role === 'global_admin';
