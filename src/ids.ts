import { randomBytes } from 'node:crypto';

/** Random, unguessable ids with a prefix that says what they name. */
export type IdPrefix =
  'wf' | 'ptn' | 'prv' | 'cus' | 'prn' | 'tmr' | 'cns' | 'crq' | 'whk' | 'msg' | 'evt' | 'pcc';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
