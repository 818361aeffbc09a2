import type { Knex } from 'knex';

export interface TimerRow {
  id: string;
  workflow_id: string;
  key: string;
  event: { type: string } & Record<string, unknown>;
  due_at: Date;
  created_at: Date;
}

export async function insertTimer(tx: Knex, row: TimerRow): Promise<void> {
  await tx('timers').insert({ ...row, event: JSON.stringify(row.event) });
}

export async function deleteTimers(tx: Knex, workflowId: string, key?: string): Promise<void> {
  const q = tx('timers').where('workflow_id', workflowId);
  if (key !== undefined) q.andWhere('key', key);
  await q.delete();
}

/**
 * Claims one due timer and removes it in the caller's transaction: a timer fires once even
 * with several workers, because a claimed row is skipped by the others and gone at commit.
 */
export async function claimDueTimer(
  tx: Knex.Transaction,
  now: Date,
): Promise<TimerRow | undefined> {
  const row = await tx<TimerRow>('timers')
    .where('due_at', '<=', now)
    .orderBy([{ column: 'due_at' }, { column: 'id' }])
    .forUpdate()
    .skipLocked()
    .first();
  if (row) await tx('timers').where('id', row.id).delete();
  return row;
}

export async function pendingTimers(db: Knex, workflowId: string): Promise<TimerRow[]> {
  return db<TimerRow>('timers').where('workflow_id', workflowId).orderBy('due_at');
}
