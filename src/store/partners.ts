import type { Knex } from 'knex';
import type { EnrollmentProfile } from '../../machines/enrollment/enrollment.profile.ts';
import type { Principal } from '../auth/principal.ts';

export interface PartnerRow {
  id: string;
  name: string;
  mpn_id: string;
  pla_id: string;
  pla_region: string;
  csp_region: string;
  tenant_id: string;
  profile: EnrollmentProfile;
  created_at: Date;
  updated_at: Date;
}

export interface Partner {
  id: string;
  name: string;
  mpnId: string;
  plaId: string;
  plaRegion: string;
  cspRegion: string;
  tenantId: string;
  profile: EnrollmentProfile;
  createdAt: string;
  updatedAt: string;
}

export function toPartner(row: PartnerRow): Partner {
  return {
    id: row.id,
    name: row.name,
    mpnId: row.mpn_id,
    plaId: row.pla_id,
    plaRegion: row.pla_region,
    cspRegion: row.csp_region,
    tenantId: row.tenant_id,
    profile: row.profile,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function insertPartner(db: Knex, row: PartnerRow): Promise<void> {
  await db('partners').insert({ ...row, profile: JSON.stringify(row.profile) });
}

export async function findPartner(db: Knex, id: string): Promise<PartnerRow | undefined> {
  return db<PartnerRow>('partners').where({ id }).first();
}

export async function findPartnerByMpnId(db: Knex, mpnId: string): Promise<PartnerRow | undefined> {
  return db<PartnerRow>('partners').where({ mpn_id: mpnId }).first();
}

export async function updatePartner(
  db: Knex,
  id: string,
  change: Partial<Omit<PartnerRow, 'id' | 'created_at'>>,
): Promise<PartnerRow | undefined> {
  const values = change.profile ? { ...change, profile: JSON.stringify(change.profile) } : change;
  const rows = (await db('partners').where({ id }).update(values, '*')) as PartnerRow[];
  return rows[0];
}

export async function listPartners(db: Knex, principal: Principal): Promise<PartnerRow[]> {
  const q = db<PartnerRow>('partners').orderBy([{ column: 'created_at' }, { column: 'id' }]);
  if (principal.role === 'manager' || principal.role === 'global_admin') {
    q.where('id', principal.partnerId ?? '');
  } else if (principal.role !== 'admin' && principal.role !== 'auditor') {
    q.whereRaw('false');
  }
  return q;
}

/**
 * Whether the partner's PLA is verified, by the newer of the two copies of its profile: the
 * partner's own (an admin corrects it) or the one the transition's enrollment keeps (changed
 * by `UPDATE_PROFILE`).
 */
export async function partnerPlaVerified(
  tx: Knex,
  partner: PartnerRow,
  transitionId: string,
): Promise<boolean> {
  const enrollment = await tx<{
    parent_id: string;
    machine: string;
    seq: number;
    snapshot: { context?: unknown };
    updated_at: Date;
  }>('workflows')
    .where({ parent_id: transitionId, machine: 'enrollment' })
    .orderBy('seq', 'desc')
    .first('snapshot', 'updated_at');
  const context = enrollment?.snapshot.context as
    { profile?: Partial<EnrollmentProfile> } | undefined;
  const enrolled = context?.profile?.plaVerified;
  if (enrollment === undefined || enrolled === undefined) return partner.profile.plaVerified;
  return partner.updated_at > enrollment.updated_at ? partner.profile.plaVerified : enrolled;
}
