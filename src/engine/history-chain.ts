import type { Principal } from '../auth/principal.ts';
import type { ConsentRow } from '../store/consents.ts';
import type { AccessFields, Bindings, HistoryRow } from '../store/history.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { canonicalJson, chainHash, sha256Hex } from './hash.ts';

/** Who wrote a history row and when: the parts of a row that come from the request. */
export interface RowAuthor {
  principal: Principal;
  requestId: string | null;
  now: Date;
}

export interface RowContent {
  type: string;
  payload: Record<string, unknown>;
  from: string | null;
  to: string;
  outcome: HistoryRow['outcome'];
  reason: HistoryRow['reason'];
  bindings?: Bindings | null;
}

/**
 * The type of the row that records a workflow's migration to a newer version of its machine,
 * written at start by the engine itself: no machine declares it, webhooks announce nothing of
 * it, and the audit's replay upgrades the snapshot there.
 */
export const migratedType = 'MIGRATED';

/** The next row of a workflow's chain, hashed onto the head the workflow row records. */
export function nextHistoryRow(
  workflow: Pick<WorkflowRow, 'id' | 'history_length' | 'head_hash'>,
  content: RowContent,
  author: RowAuthor,
): HistoryRow {
  const unhashed = {
    workflow_id: workflow.id,
    seq: workflow.history_length + 1,
    type: content.type,
    payload: content.payload,
    actor_id: author.principal.id,
    actor_name: author.principal.name,
    actor_role: author.principal.role,
    request_id: author.requestId,
    from_state: content.from,
    to_state: content.to,
    outcome: content.outcome,
    reason: content.reason,
    at: author.now,
    prev_hash: workflow.head_hash,
    bindings: content.bindings ?? null,
  };
  return { ...unhashed, hash: chainHash(workflow.head_hash, hashedContent(unhashed)) };
}

/**
 * The fields covered by a history row's hash (everything but the hash itself), in API names.
 * Rows written before bindings existed have none, and their hash never covered the key.
 */
export function hashedContent(row: Omit<HistoryRow, 'hash'>): Record<string, unknown> {
  return {
    workflowId: row.workflow_id,
    seq: row.seq,
    type: row.type,
    payload: row.payload,
    actor: { id: row.actor_id, name: row.actor_name, role: row.actor_role },
    requestId: row.request_id,
    from: row.from_state,
    to: row.to_state,
    outcome: row.outcome,
    reason: row.reason,
    at: row.at.toISOString(),
    ...(row.bindings ? { bindings: row.bindings } : {}),
  };
}

/** The largest payload a refused row keeps whole, in bytes of canonical JSON. */
export const refusedPayloadLimit = 4096;

/**
 * What a refused row keeps of a payload: all of it up to 4 KiB, beyond that its size and
 * digest, so a caller cannot grow the append-only history by sending refused megabytes.
 */
export function boundedPayload(payload: Record<string, unknown>): Record<string, unknown> {
  const json = canonicalJson(payload);
  const size = Buffer.byteLength(json, 'utf8');
  if (size <= refusedPayloadLimit) return payload;
  return { truncated: true, size, sha256: sha256Hex(json) };
}

/** The longest event type a refused row keeps; declared types are far shorter. */
export const refusedTypeLimit = 128;

/** A refused row's event type: as sent up to 128 characters, else its start, marked cut. */
export function boundedType(type: string): string {
  return type.length <= refusedTypeLimit ? type : `${cut(type, refusedTypeLimit - 1)}…`;
}

/** The first `length` UTF-16 units of `text`, never half of a surrogate pair. */
function cut(text: string, length: number): string {
  const start = text.slice(0, length);
  return /[\ud800-\udbff]$/.test(start) ? start.slice(0, -1) : start;
}

/**
 * A refusal's reason, which can echo what was sent (an unknown field's name): whole up to
 * 4 KiB, else its status, code and the start of its detail.
 */
export function boundedReason(reason: Record<string, unknown>): Record<string, unknown> {
  if (Buffer.byteLength(canonicalJson(reason), 'utf8') <= refusedPayloadLimit) return reason;
  const detail = typeof reason.detail === 'string' ? cut(reason.detail, 1000) : undefined;
  return { status: reason.status, code: reason.code, detail, truncated: true };
}

export function accessFields(
  row: Pick<WorkflowRow, 'partner_id' | 'parent_id' | 'customer_id' | 'provider_id'>,
): AccessFields {
  return {
    partnerId: row.partner_id,
    parentId: row.parent_id,
    customerId: row.customer_id,
    providerId: row.provider_id,
  };
}

/**
 * The sha256 of a consent decision's evidence: every field but its revocation, which comes
 * later and is recorded by the history row of `CONSENT_REVOKED`. Fields are picked by name,
 * so a row read back with extra columns hashes the same as the row written.
 */
export function consentEvidenceHash(row: ConsentRow): string {
  const evidence = {
    id: row.id,
    partnerId: row.partner_id,
    customerId: row.customer_id,
    providerId: row.provider_id,
    workflowId: row.workflow_id,
    scope: row.scope,
    decision: row.decision,
    statementVersion: row.statement_version,
    statementHash: row.statement_hash,
    grantedByName: row.granted_by_name,
    grantedByEmail: row.granted_by_email,
    method: row.method,
    evidenceRef: row.evidence_ref,
    ip: row.ip,
    userAgent: row.user_agent,
    recordedBy: row.recorded_by,
    reason: row.reason,
    decidedAt: row.decided_at.toISOString(),
  };
  return sha256Hex(canonicalJson(evidence));
}
