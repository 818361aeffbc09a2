import type { Knex } from 'knex';

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
}

export async function appendHistory(tx: Knex, row: HistoryRow): Promise<void> {
  await tx('history').insert({
    ...row,
    payload: JSON.stringify(row.payload),
    reason: row.reason === null ? null : JSON.stringify(row.reason),
  });
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
