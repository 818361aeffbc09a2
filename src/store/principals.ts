import type { Knex } from 'knex';
import type { Role } from '../../machines/common.ts';
import type { Principal } from '../auth/principal.ts';

export interface PrincipalRow {
  id: string;
  name: string;
  role: Role;
  partner_id: string | null;
  provider_id: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

export interface PrincipalTokenRow {
  token_hash: string;
  principal_id: string;
  created_at: Date;
  /** The end of a rotation's overlap; null for the current token. */
  expires_at: Date | null;
}

export type NewPrincipal = Omit<
  PrincipalRow,
  'expires_at' | 'revoked_at' | 'revoked_by' | 'revocation_reason'
> & { expires_at?: Date | null };

export function toPrincipal(row: PrincipalRow): Principal {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    partnerId: row.partner_id,
    providerId: row.provider_id,
  };
}

export type PrincipalStatus = 'active' | 'revoked' | 'expired';

export function principalStatus(row: PrincipalRow, now: Date): PrincipalStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** Stores a principal with its first token, both or neither. */
export async function insertPrincipal(
  db: Knex,
  row: NewPrincipal,
  tokenHash: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx('principals').insert({ expires_at: null, ...row });
    await tx('principal_tokens').insert({
      token_hash: tokenHash,
      principal_id: row.id,
      created_at: row.created_at,
      expires_at: null,
    } satisfies PrincipalTokenRow);
  });
}

/**
 * The principal a token signs in as at `now`: neither the principal revoked or expired, nor
 * the token past the end of a rotation's overlap. One lookup by primary key, read at every
 * request, so a revocation holds at once in every instance.
 */
export async function findActivePrincipalByTokenHash(
  db: Knex,
  tokenHash: string,
  now: Date,
): Promise<PrincipalRow | undefined> {
  return db<PrincipalRow>('principals as p')
    .join('principal_tokens as t', 't.principal_id', 'p.id')
    .where('t.token_hash', tokenHash)
    .whereNull('p.revoked_at')
    .where((q) => void q.whereNull('p.expires_at').orWhere('p.expires_at', '>', now))
    .where((q) => void q.whereNull('t.expires_at').orWhere('t.expires_at', '>', now))
    .first('p.*');
}

/**
 * When a token stops working, as far as the rows say: the principal's expiry and the end of
 * the token's rotation overlap, either null when it has none.
 */
export async function findTokenLifetime(
  db: Knex,
  tokenHash: string,
): Promise<{ principal_expires_at: Date | null; token_expires_at: Date | null } | undefined> {
  return db('principals as p')
    .join('principal_tokens as t', 't.principal_id', 'p.id')
    .where('t.token_hash', tokenHash)
    .first('p.expires_at as principal_expires_at', 't.expires_at as token_expires_at');
}

/** A token's row whatever its state: a token once issued is never issued again. */
export async function findToken(
  db: Knex,
  tokenHash: string,
): Promise<PrincipalTokenRow | undefined> {
  return db<PrincipalTokenRow>('principal_tokens').where({ token_hash: tokenHash }).first();
}

/** Whether some admin can sign in at `now`. */
export async function hasActiveAdmin(db: Knex, now: Date): Promise<boolean> {
  const found = await activeAdmins(db, now).first('id');
  return found !== undefined;
}

function activeAdmins(db: Knex, now: Date) {
  return db<PrincipalRow>('principals')
    .where({ role: 'admin' })
    .whereNull('revoked_at')
    .where((q) => void q.whereNull('expires_at').orWhere('expires_at', '>', now));
}

/**
 * The ids of the admins active at `now`, locked: two revocations at once each wait for the
 * other, and the second sees the first's revoked row drop out of the set.
 */
export async function lockActiveAdmins(tx: Knex.Transaction, now: Date): Promise<string[]> {
  const rows: { id: string }[] = await activeAdmins(tx, now).orderBy('id').forUpdate().select('id');
  return rows.map((r) => r.id);
}

export async function findPrincipal(
  db: Knex,
  id: string,
  forUpdate = false,
): Promise<PrincipalRow | undefined> {
  const q = db<PrincipalRow>('principals').where({ id });
  return forUpdate ? q.forUpdate().first() : q.first();
}

/** Principals in the order they were created, after the cursor's `(created_at, id)`. */
export async function listPrincipals(
  db: Knex,
  limit: number,
  after?: { createdAt: Date; id: string },
): Promise<PrincipalRow[]> {
  const q = db<PrincipalRow>('principals').orderBy([
    { column: 'created_at', order: 'asc' },
    { column: 'id', order: 'asc' },
  ]);
  if (after) q.whereRaw('(created_at, id) > (?, ?)', [after.createdAt, after.id]);
  return q.limit(limit);
}

/** For each principal given, when its last token replaced by a rotation stops working. */
export async function overlapEnds(
  db: Knex,
  principalIds: string[],
  now: Date,
): Promise<Map<string, Date>> {
  if (principalIds.length === 0) return new Map();
  const rows: { principal_id: string; ends: Date | string }[] = await db('principal_tokens')
    .whereIn('principal_id', principalIds)
    .where('expires_at', '>', now)
    .groupBy('principal_id')
    .select('principal_id', db.raw('max(expires_at) as ends'));
  return new Map(rows.map((r) => [r.principal_id, new Date(r.ends)]));
}

export async function revokePrincipal(
  tx: Knex.Transaction,
  id: string,
  change: Pick<PrincipalRow, 'revoked_at' | 'revoked_by' | 'revocation_reason'>,
): Promise<void> {
  await tx('principals').where({ id }).whereNull('revoked_at').update(change);
}

/**
 * Gives a principal a new token. Its tokens in use now stop at `overlapEnd` (or earlier, if a
 * previous rotation already set them to).
 */
export async function rotateToken(
  tx: Knex.Transaction,
  principalId: string,
  token: { token_hash: string; created_at: Date },
  overlapEnd: Date,
): Promise<void> {
  await tx('principal_tokens')
    .where({ principal_id: principalId })
    .where((q) => void q.whereNull('expires_at').orWhere('expires_at', '>', overlapEnd))
    .update({ expires_at: overlapEnd });
  await tx('principal_tokens').insert({
    ...token,
    principal_id: principalId,
    expires_at: null,
  } satisfies PrincipalTokenRow);
}
