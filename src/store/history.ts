import type { Knex } from 'knex';

/** The fields of a workflow row that decide who may read it. */
export interface AccessFields {
  partnerId: string;
  parentId: string | null;
  customerId: string | null;
  providerId: string | null;
}

/**
 * Records outside the history that a row vouches for: hashed with the row, so rewriting
 * them is found by verification.
 */
export interface Bindings {
  /** The workflow's access fields, on its first row and on every row that changes them. */
  subject?: AccessFields;
  /** The consent decision this row recorded: its id and the sha256 of its evidence. */
  consent?: { id: string; sha256: string };
}

export interface HistoryRow {
  workflow_id: string;
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  actor_id: string;
  actor_name: string;
  actor_role: string;
  request_id: string | null;
  from_state: string | null;
  to_state: string;
  outcome: 'applied' | 'rejected';
  reason: Record<string, unknown> | null;
  at: Date;
  prev_hash: string;
  hash: string;
  bindings: Bindings | null;
}

/** A history row as an insert takes it: its JSON columns as text. */
export function historyRecord(row: HistoryRow): Record<string, unknown> {
  return {
    ...row,
    payload: JSON.stringify(row.payload),
    reason: row.reason === null ? null : JSON.stringify(row.reason),
    bindings: row.bindings === null ? null : JSON.stringify(row.bindings),
  };
}

export async function listHistory(
  db: Knex,
  workflowId: string,
  afterSeq: number,
  limit: number,
): Promise<HistoryRow[]> {
  return db<HistoryRow>('history')
    .where('workflow_id', workflowId)
    .andWhere('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit);
}

/** One history row of a workflow, by its sequence number. */
export async function findHistoryRow(
  db: Knex,
  workflowId: string,
  seq: number,
): Promise<HistoryRow | undefined> {
  return db<HistoryRow>('history').where({ workflow_id: workflowId, seq }).first();
}

/** The first applied row of a type in a workflow's history, if it has one. */
export async function firstAppliedRowOfType(
  db: Knex,
  workflowId: string,
  type: string,
): Promise<HistoryRow | undefined> {
  return db<HistoryRow>('history')
    .where({ workflow_id: workflowId, type, outcome: 'applied' })
    .orderBy('seq')
    .first();
}

/** A workflow's history in pages of `size`, so a long one is never held in memory at once. */
export async function* historyPages(
  db: Knex,
  workflowId: string,
  size = 1000,
  untilSeq = Infinity,
): AsyncGenerator<HistoryRow[]> {
  let after = 0;
  for (;;) {
    const q = db<HistoryRow>('history')
      .where('workflow_id', workflowId)
      .andWhere('seq', '>', after);
    if (Number.isFinite(untilSeq)) q.andWhere('seq', '<=', untilSeq);
    const rows = await q.orderBy('seq').limit(size);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.seq;
    if (rows.length < size) return;
  }
}

export interface ExportFilter {
  partnerId?: string | undefined;
  workflowId?: string | undefined;
  machine?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export type ExportRow = HistoryRow & { position: number; machine: string; partner_id: string };

/** History across workflows in append order, page by page (keyset on `position`). */
export async function* exportPages(
  db: Knex,
  filter: ExportFilter,
  size = 1000,
): AsyncGenerator<ExportRow[]> {
  let after = 0;
  for (;;) {
    const q = db('history')
      .join('workflows', 'workflows.id', 'history.workflow_id')
      .select('history.*', 'workflows.machine', 'workflows.partner_id')
      .where('history.position', '>', after);
    if (filter.partnerId) q.andWhere('workflows.partner_id', filter.partnerId);
    if (filter.workflowId) q.andWhere('history.workflow_id', filter.workflowId);
    if (filter.machine) q.andWhere('workflows.machine', filter.machine);
    if (filter.actorId) q.andWhere('history.actor_id', filter.actorId);
    if (filter.from) q.andWhere('history.at', '>=', filter.from);
    if (filter.to) q.andWhere('history.at', '<', filter.to);
    const rows = (await q.orderBy('history.position').limit(size)) as ExportRow[];
    if (rows.length === 0) return;
    yield rows;
    after = Number(rows[rows.length - 1]!.position);
    if (rows.length < size) return;
  }
}
