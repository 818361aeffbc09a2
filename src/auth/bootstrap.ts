import type { Database } from '../store/database.ts';
import { findPrincipalByTokenHash, hasAdmin, insertPrincipal } from '../store/principals.ts';
import { newId } from '../ids.ts';
import { hashToken, newToken } from './tokens.ts';

/**
 * Makes sure an admin can get in (SPEC §4): `ADMIN_TOKEN` is registered as an admin when it
 * is not known yet; without it, a first admin is generated and its token returned to be
 * printed once.
 */
export async function ensureAdmin(
  db: Database,
  adminToken: string | undefined,
  now: Date,
): Promise<{ generatedToken?: string }> {
  if (adminToken) {
    if (!(await findPrincipalByTokenHash(db, hashToken(adminToken)))) {
      await insertPrincipal(db, {
        id: newId('prn'),
        name: 'Administrator (ADMIN_TOKEN)',
        role: 'admin',
        partner_id: null,
        provider_id: null,
        token_hash: hashToken(adminToken),
        created_at: now,
      });
    }
    return {};
  }
  if (await hasAdmin(db)) return {};
  const token = newToken();
  await insertPrincipal(db, {
    id: newId('prn'),
    name: 'Administrator',
    role: 'admin',
    partner_id: null,
    provider_id: null,
    token_hash: hashToken(token),
    created_at: now,
  });
  return { generatedToken: token };
}
