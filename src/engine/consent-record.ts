import type { RecordConsentParams } from '../../machines/common.ts';
import { consentStatements } from '../../machines/reseller-relationship/consent-statements.ts';
import type { Principal } from '../auth/principal.ts';
import { newId } from '../ids.ts';
import type { ConsentRow } from '../store/consents.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { sha256Hex } from './hash.ts';

/** Who recorded a decision, and the link it came through when the customer answered itself. */
export interface ConsentAuthor {
  principal: Principal;
  now: Date;
  evidence?: { consentRequestId: string; ip: string | null; userAgent: string | null };
}

/**
 * The consent decision an event's actions record, built before the event's history row so
 * that the row can bind the decision's evidence by hash. A revocation changes the standing
 * decision instead, and builds none.
 */
export function consentToRecord(
  row: Pick<WorkflowRow, 'id' | 'partner_id'>,
  actions: ReadonlyArray<{ type: string; params?: unknown }>,
  author: ConsentAuthor,
): ConsentRow | undefined {
  const params = actions.find((a) => a.type === 'recordConsent')?.params as
    RecordConsentParams | undefined;
  if (!params || params.decision === 'revoked') return undefined;
  const statement =
    params.statementVersion === undefined ? undefined : consentStatements[params.statementVersion];
  const { evidence } = author;
  return {
    id: newId('cns'),
    partner_id: row.partner_id,
    customer_id: params.customerId,
    provider_id: params.providerId || null,
    workflow_id: row.id,
    scope: ['reseller_relationship_extension', 'bill_to_information_sharing'],
    decision: params.decision,
    statement_version: params.statementVersion ?? null,
    statement_hash: statement === undefined ? null : sha256Hex(statement),
    granted_by_name: params.grantedBy?.name ?? null,
    granted_by_email: params.grantedBy?.email ?? null,
    method: params.method ?? (evidence ? 'customer_link' : null),
    evidence_ref: params.evidenceRef ?? evidence?.consentRequestId ?? null,
    ip: evidence?.ip ?? null,
    user_agent: evidence?.userAgent ?? null,
    recorded_by: author.principal.id,
    reason: params.reason ?? null,
    decided_at: author.now,
    revoked_at: null,
    revoked_by: null,
    revocation_reason: null,
  };
}
