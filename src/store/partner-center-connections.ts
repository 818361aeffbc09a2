import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import { newId } from '../ids.ts';
import type { PartnerCenterCredentials } from '../partner-center/partner-center.ts';
import type { Secrets } from '../secrets/secrets.ts';

/** Whose credentials: a partner's (the source of its customers' transfers) or a provider's. */
export interface ConnectionOwner {
  kind: 'partner' | 'provider';
  id: string;
}

export interface ConnectionRow {
  id: string;
  owner_kind: ConnectionOwner['kind'];
  partner_id: string | null;
  provider_id: string | null;
  tenant_id: string;
  client_id: string;
  /** Sealed: `enc:v1:…`. */
  client_secret: string;
  /** Sealed: `enc:v1:…`. */
  refresh_token: string;
  updated_by: string;
  updated_by_name: string;
  updated_by_role: string;
  created_at: Date;
  updated_at: Date;
}

/** A connection as the API shows it: whose, which tenant and application, never a secret. */
export interface Connection {
  owner: ConnectionOwner;
  tenantId: string;
  clientId: string;
  connected: true;
  updatedAt: string;
  updatedBy: { id: string; name: string; role: string };
}

export type SealedField = 'client_secret' | 'refresh_token';

/**
 * Where a sealed value belongs: sealed for one owner's field, it opens nowhere else, so a
 * value copied to another owner's row (or to the other field) is refused.
 */
export function connectionSecretContext(owner: ConnectionOwner, field: SealedField): string {
  return `partner_center_connections:${owner.kind}:${owner.id}:${field}`;
}

export function toConnection(row: ConnectionRow): Connection {
  return {
    owner: ownerOf(row),
    tenantId: row.tenant_id,
    clientId: row.client_id,
    connected: true,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: { id: row.updated_by, name: row.updated_by_name, role: row.updated_by_role },
  };
}

export function ownerOf(
  row: Pick<ConnectionRow, 'owner_kind' | 'partner_id' | 'provider_id'>,
): ConnectionOwner {
  return row.owner_kind === 'partner'
    ? { kind: 'partner', id: row.partner_id ?? '' }
    : { kind: 'provider', id: row.provider_id ?? '' };
}

const ownerColumn = (owner: ConnectionOwner) =>
  owner.kind === 'partner' ? { partner_id: owner.id } : { provider_id: owner.id };

export async function findConnection(
  db: Knex,
  owner: ConnectionOwner,
): Promise<ConnectionRow | undefined> {
  return db<ConnectionRow>('partner_center_connections')
    .where({ owner_kind: owner.kind, ...ownerColumn(owner) })
    .first();
}

/**
 * Registers an owner's credentials, or replaces the ones it had, sealing both secrets.
 * `created` says which, for the answer's status.
 */
export async function putConnection(
  db: Knex,
  secrets: Secrets,
  owner: ConnectionOwner,
  credentials: PartnerCenterCredentials,
  by: Principal,
  at: Date,
): Promise<{ row: ConnectionRow; created: boolean }> {
  const changed = {
    tenant_id: credentials.tenantId,
    client_id: credentials.clientId,
    client_secret: secrets.seal(
      credentials.clientSecret,
      connectionSecretContext(owner, 'client_secret'),
    ),
    refresh_token: secrets.seal(
      credentials.refreshToken,
      connectionSecretContext(owner, 'refresh_token'),
    ),
    updated_by: by.id,
    updated_by_name: by.name,
    updated_by_role: by.role,
    updated_at: at,
  };
  const conflict = owner.kind === 'partner' ? 'partner_id' : 'provider_id';
  // One statement, so two registrations at once cannot both insert; `xmax = 0` holds for a
  // row this statement inserted, not for one it updated.
  const result = await db.raw<{ rows: Array<ConnectionRow & { inserted: boolean }> }>(
    `INSERT INTO partner_center_connections
       (id, owner_kind, partner_id, provider_id, tenant_id, client_id, client_secret,
        refresh_token, updated_by, updated_by_name, updated_by_role, created_at, updated_at)
     VALUES (:id, :kind, :partnerId, :providerId, :tenant_id, :client_id, :client_secret,
        :refresh_token, :updated_by, :updated_by_name, :updated_by_role, :updated_at, :updated_at)
     ON CONFLICT (${conflict}) DO UPDATE SET
       tenant_id = EXCLUDED.tenant_id, client_id = EXCLUDED.client_id,
       client_secret = EXCLUDED.client_secret, refresh_token = EXCLUDED.refresh_token,
       updated_by = EXCLUDED.updated_by, updated_by_name = EXCLUDED.updated_by_name,
       updated_by_role = EXCLUDED.updated_by_role, updated_at = EXCLUDED.updated_at
     RETURNING *, (xmax = 0) AS inserted`,
    {
      id: newId('pcc'),
      kind: owner.kind,
      partnerId: owner.kind === 'partner' ? owner.id : null,
      providerId: owner.kind === 'provider' ? owner.id : null,
      ...changed,
    },
  );
  const [stored] = result.rows;
  if (!stored)
    throw new Error(`The Partner Center connection of ${owner.kind} ${owner.id} was not stored`);
  const { inserted, ...row } = stored;
  return { row, created: inserted };
}

/** Forgets an owner's credentials; false when it had none. */
export async function deleteConnection(db: Knex, owner: ConnectionOwner): Promise<boolean> {
  // The rows themselves: the embedded database's knex driver answers a delete with its raw
  // result, not the count Postgres's gives.
  const deleted = await db('partner_center_connections')
    .where({ owner_kind: owner.kind, ...ownerColumn(owner) })
    .delete()
    .returning('id');
  return deleted.length > 0;
}

/**
 * The credentials to call Partner Center with on an owner's behalf, opened for the worker
 * that calls; undefined when the owner registered none. Throws `SecretUnreadable` when the
 * stored secrets do not open with the keys configured.
 */
export async function loadCredentials(
  db: Knex,
  secrets: Secrets,
  owner: ConnectionOwner,
): Promise<PartnerCenterCredentials | undefined> {
  const row = await findConnection(db, owner);
  if (!row) return undefined;
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    clientSecret: secrets.open(row.client_secret, connectionSecretContext(owner, 'client_secret')),
    refreshToken: secrets.open(row.refresh_token, connectionSecretContext(owner, 'refresh_token')),
  };
}

/**
 * Keeps the refresh token Entra handed back in place of the one it was given (its lifetime
 * starts again with each): only while the stored one is still `previous`, so credentials
 * registered again meanwhile are not overwritten. Returns whether it was stored.
 */
export async function renewRefreshToken(
  db: Knex,
  secrets: Secrets,
  owner: ConnectionOwner,
  previous: string,
  next: string,
): Promise<boolean> {
  const context = connectionSecretContext(owner, 'refresh_token');
  return db.transaction(async (tx) => {
    const row = await tx<ConnectionRow>('partner_center_connections')
      .where({ owner_kind: owner.kind, ...ownerColumn(owner) })
      .forUpdate()
      .first();
    if (!row || secrets.open(row.refresh_token, context) !== previous) return false;
    await tx('partner_center_connections')
      .where({ id: row.id })
      .update({ refresh_token: secrets.seal(next, context) });
    return true;
  });
}

/**
 * Connections' sealed values as stored, for sealing them again under a new key: every one,
 * or those of `ids`, locked until the transaction ends.
 */
export async function storedConnectionSecrets(
  db: Knex,
  only?: { ids: readonly string[]; lock: true },
): Promise<
  Array<Pick<ConnectionRow, 'id' | 'owner_kind' | 'partner_id' | 'provider_id' | SealedField>>
> {
  const q = db<ConnectionRow>('partner_center_connections')
    .select('id', 'owner_kind', 'partner_id', 'provider_id', 'client_secret', 'refresh_token')
    .orderBy('id');
  return only ? q.whereIn('id', only.ids).forUpdate() : q;
}

export async function updateSealedConnection(
  tx: Knex.Transaction,
  id: string,
  sealed: Partial<Pick<ConnectionRow, SealedField>>,
): Promise<void> {
  await tx('partner_center_connections').where({ id }).update(sealed);
}

/** The owners whose registered credentials are this tenant's and application's. */
export async function ownersOfCredentials(
  db: Knex,
  credentials: Pick<PartnerCenterCredentials, 'tenantId' | 'clientId'>,
): Promise<ConnectionOwner[]> {
  const rows = await db<ConnectionRow>('partner_center_connections')
    .where({ tenant_id: credentials.tenantId, client_id: credentials.clientId })
    .select('owner_kind', 'partner_id', 'provider_id');
  return rows.map((row) => ({
    kind: row.owner_kind,
    id: (row.owner_kind === 'partner' ? row.partner_id : row.provider_id) ?? '',
  }));
}
