import type { Knex } from 'knex';

export interface ConsentRow {
  id: string;
  partner_id: string;
  customer_id: string;
  provider_id: string | null;
  workflow_id: string;
  scope: string[];
  decision: 'granted' | 'declined';
  statement_version: string | null;
  statement_hash: string | null;
  granted_by_name: string | null;
  granted_by_email: string | null;
  method: string | null;
  evidence_ref: string | null;
  ip: string | null;
  user_agent: string | null;
  recorded_by: string;
  reason: string | null;
  decided_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

export async function insertConsent(tx: Knex, row: ConsentRow): Promise<void> {
  await tx('consents').insert({ ...row, scope: JSON.stringify(row.scope) });
}

/** Marks the workflow's standing grant as revoked: the record of the grant itself stays. */
export async function revokeConsent(
  tx: Knex,
  workflowId: string,
  change: { revoked_at: Date; revoked_by: string; revocation_reason: string },
): Promise<void> {
  await tx('consents')
    .where({ workflow_id: workflowId, decision: 'granted' })
    .whereNull('revoked_at')
    .update(change);
}

export async function listConsents(
  db: Knex,
  filter: {
    partnerId?: string | undefined;
    customerId?: string | undefined;
    workflowId?: string | undefined;
  },
): Promise<ConsentRow[]> {
  const q = db<ConsentRow>('consents').orderBy('seq').limit(1000);
  if (filter.partnerId) q.where('partner_id', filter.partnerId);
  if (filter.customerId) q.where('customer_id', filter.customerId);
  if (filter.workflowId) q.where('workflow_id', filter.workflowId);
  return q;
}

export interface ConsentRequestRow {
  id: string;
  workflow_id: string;
  token_hash: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  answer: string | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
}

export type ConsentRequestStatus = 'open' | 'used' | 'expired' | 'revoked';

/** Where a link stands at `now`: spent, closed or run out, in that order of precedence. */
export function consentRequestStatus(row: ConsentRequestRow, now: Date): ConsentRequestStatus {
  if (row.used_at) return 'used';
  if (row.revoked_at) return 'revoked';
  return row.expires_at.getTime() <= now.getTime() ? 'expired' : 'open';
}

export async function insertConsentRequest(db: Knex, row: ConsentRequestRow): Promise<void> {
  await db('consent_requests').insert(row);
}

export async function findConsentRequest(
  db: Knex,
  tokenHash: string,
  lock = false,
): Promise<ConsentRequestRow | undefined> {
  const q = db<ConsentRequestRow>('consent_requests').where({ token_hash: tokenHash });
  if (lock) q.forUpdate();
  return q.first();
}

/** A workflow's links, oldest first. */
export async function listConsentRequests(
  db: Knex,
  workflowId: string,
): Promise<ConsentRequestRow[]> {
  return db<ConsentRequestRow>('consent_requests')
    .where({ workflow_id: workflowId })
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(1000);
}

export async function findConsentRequestById(
  db: Knex,
  workflowId: string,
  id: string,
  lock = false,
): Promise<ConsentRequestRow | undefined> {
  const q = db<ConsentRequestRow>('consent_requests').where({ id, workflow_id: workflowId });
  if (lock) q.forUpdate();
  return q.first();
}

/**
 * Closes the links of a workflow that are neither used nor closed yet: all of them, only
 * one, or all but the one being answered right now (it is spent, not closed). Expired ones
 * are closed too: closing says why they can never be used.
 */
export async function closeConsentRequests(
  tx: Knex,
  workflowId: string,
  change: { revoked_at: Date; revoked_by: string; revocation_reason: string },
  which: { only?: string; except?: string } = {},
): Promise<void> {
  const q = tx('consent_requests')
    .where({ workflow_id: workflowId })
    .whereNull('used_at')
    .whereNull('revoked_at');
  if (which.only !== undefined) q.andWhere({ id: which.only });
  if (which.except !== undefined) q.andWhereNot({ id: which.except });
  await q.update(change);
}

export async function markConsentRequestUsed(
  tx: Knex,
  id: string,
  answer: string,
  at: Date,
): Promise<void> {
  await tx('consent_requests').where({ id }).update({ used_at: at, answer });
}
