import type { Knex } from 'knex';
import type { Role } from '../../machines/common.ts';
import type { Principal } from '../auth/principal.ts';

export interface PrincipalRow {
  id: string;
  name: string;
  role: Role;
  partner_id: string | null;
  provider_id: string | null;
  token_hash: string;
  created_at: Date;
}

export function toPrincipal(row: PrincipalRow): Principal {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    partnerId: row.partner_id,
    providerId: row.provider_id,
  };
}

export async function insertPrincipal(db: Knex, row: PrincipalRow): Promise<void> {
  await db('principals').insert(row);
}

export async function findPrincipalByTokenHash(
  db: Knex,
  tokenHash: string,
): Promise<PrincipalRow | undefined> {
  return db<PrincipalRow>('principals').where({ token_hash: tokenHash }).first();
}

export async function hasAdmin(db: Knex): Promise<boolean> {
  return (await db<PrincipalRow>('principals').where({ role: 'admin' }).first('id')) !== undefined;
}
