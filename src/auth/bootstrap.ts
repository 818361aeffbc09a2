import type { Database } from '../store/database.ts';
import { findToken, hasActiveAdmin, insertPrincipal } from '../store/principals.ts';
import { newId } from '../ids.ts';
import { hashToken, newToken } from './tokens.ts';

/**
 * Makes sure an admin can get in (SPEC §4): `ADMIN_TOKEN` is registered as an admin when no
 * principal ever held it; without it, when no admin can sign in, a first admin is generated
 * and its token returned to be printed once.
 *
 * A token once issued is known for good, revoked, expired or rotated away included, so an
 * `ADMIN_TOKEN` left in the environment after its revocation stays dead at every restart
 * instead of registering again. A lost admin token is replaced by starting with a new one.
 */
export async function ensureAdmin(
  db: Database,
  adminToken: string | undefined,
  now: Date,
): Promise<{ generatedToken?: string }> {
  if (adminToken) {
    if (!(await findToken(db, hashToken(adminToken)))) {
      await insertAdmin(db, 'Administrator (ADMIN_TOKEN)', adminToken, now);
    }
    return {};
  }
  if (await hasActiveAdmin(db, now)) return {};
  const token = newToken();
  await insertAdmin(db, 'Administrator', token, now);
  return { generatedToken: token };
}

async function insertAdmin(db: Database, name: string, token: string, now: Date): Promise<void> {
  await insertPrincipal(
    db,
    {
      id: newId('prn'),
      name,
      role: 'admin',
      partner_id: null,
      provider_id: null,
      created_at: now,
    },
    hashToken(token),
  );
}
