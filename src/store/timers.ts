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
 * A few timers due by `now`, earliest first, read without a lock: the worker locks the
 * workflow before it claims one, the order every writer of a move keeps (a claim taken
 * first would wait on the workflow while an event on it waits to delete the timer).
 */
export async function dueTimers(db: Knex, now: Date, limit: number): Promise<TimerRow[]> {
  return db<TimerRow>('timers')
    .where('due_at', '<=', now)
    .orderBy([{ column: 'due_at' }, { column: 'id' }])
    .limit(limit);
}

/**
 * Removes a timer in the caller's transaction and returns it, or undefined when another
 * worker fired it (or its workflow dropped it) first: each timer fires once.
 */
export async function claimTimer(tx: Knex.Transaction, id: string): Promise<TimerRow | undefined> {
  const rows: TimerRow[] = await tx<TimerRow>('timers').where({ id }).delete().returning('*');
  return rows[0];
}

export async function pendingTimers(db: Knex, workflowId: string): Promise<TimerRow[]> {
  return db<TimerRow>('timers').where('workflow_id', workflowId).orderBy('due_at');
}
