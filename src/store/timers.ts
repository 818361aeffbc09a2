import type { Knex } from 'knex';

export interface TimerRow {
  id: string;
  workflow_id: string;
  key: string;
  event: { type: string } & Record<string, unknown>;
  due_at: Date;
  created_at: Date;
  /** Failed attempts to fire it. */
  attempts: number;
  last_error: string | null;
  /** When to try again after a failure; null means at `due_at`. */
  next_attempt_at: Date | null;
  /** Set when it was given up: no worker tries it again until an admin retries it. */
  failed_at: Date | null;
}

/** What a workflow's step writes; the attempt columns start at their defaults. */
export type NewTimer = Pick<
  TimerRow,
  'id' | 'workflow_id' | 'key' | 'event' | 'due_at' | 'created_at'
>;

export type TimerStatus = 'pending' | 'failed';

/** When a timer is next tried, as the index on it is written. */
const nextAttempt = 'coalesce(next_attempt_at, due_at)';

export async function insertTimer(tx: Knex, row: NewTimer): Promise<void> {
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
 * first would wait on the workflow while an event on it waits to delete the timer). A timer
 * that failed waits for its next attempt; one given up is left out.
 */
export async function dueTimers(db: Knex, now: Date, limit: number): Promise<TimerRow[]> {
  return db<TimerRow>('timers')
    .whereNull('failed_at')
    .andWhereRaw(`${nextAttempt} <= ?`, [now])
    .orderByRaw(`${nextAttempt}, id`)
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

export async function findTimer(
  db: Knex,
  id: string,
  forUpdate = false,
): Promise<TimerRow | undefined> {
  const q = db<TimerRow>('timers').where({ id }).first();
  return forUpdate ? q.forUpdate() : q;
}

export interface FailedAttempt {
  error: string;
  at: Date;
  /** How long to wait before the attempt after `attempts` failed ones. */
  delayMs(attempts: number): number;
  maxAttempts: number;
}

/**
 * Counts a failed attempt in a transaction of its own (the attempt's rolled back), and
 * either schedules the next one or gives the timer up. Undefined when the timer is gone:
 * another worker fired it, or its workflow dropped it, meanwhile.
 */
export async function recordFailedAttempt(
  db: Knex,
  id: string,
  attempt: FailedAttempt,
): Promise<TimerRow | undefined> {
  return db.transaction(async (tx) => {
    const row = await findTimer(tx, id, true);
    if (!row || row.failed_at) return undefined;
    const attempts = row.attempts + 1;
    const givenUp = attempts >= attempt.maxAttempts;
    const [updated] = await tx<TimerRow>('timers')
      .where({ id })
      .update({
        attempts,
        last_error: attempt.error,
        next_attempt_at: givenUp
          ? null
          : new Date(attempt.at.getTime() + attempt.delayMs(attempts)),
        failed_at: givenUp ? attempt.at : null,
      })
      .returning('*');
    return updated;
  });
}

/**
 * Puts a given-up timer back in line, due at `now` with its attempts counted afresh. Its
 * last error stays until it fires, for whoever looks next. Undefined when there is no such
 * timer; the row unchanged when it was not given up.
 */
export async function retryTimer(
  tx: Knex.Transaction,
  id: string,
  now: Date,
): Promise<{ row: TimerRow; retried: boolean } | undefined> {
  const row = await findTimer(tx, id, true);
  if (!row) return undefined;
  if (!row.failed_at) return { row, retried: false };
  const [updated] = await tx<TimerRow>('timers')
    .where({ id })
    .update({ attempts: 0, failed_at: null, next_attempt_at: now })
    .returning('*');
  return { row: updated ?? row, retried: true };
}

export interface TimerPosition {
  at: Date;
  id: string;
}

/**
 * A page of timers: pending ones in the order they are next tried, given-up ones in the
 * order they were given up, each after `after` when given.
 */
export async function listTimers(
  db: Knex,
  status: TimerStatus,
  limit: number,
  after?: TimerPosition,
): Promise<TimerRow[]> {
  const at = status === 'failed' ? 'failed_at' : nextAttempt;
  const q = db<TimerRow>('timers');
  if (status === 'failed') q.whereNotNull('failed_at');
  else q.whereNull('failed_at');
  if (after) q.andWhereRaw(`(${at}, id) > (?, ?)`, [after.at, after.id]);
  return q.orderByRaw(`${at}, id`).limit(limit);
}

/** Where a timer stands in `listTimers`'s order, for the next page's cursor. */
export function timerPosition(row: TimerRow, status: TimerStatus): TimerPosition {
  const at = status === 'failed' ? row.failed_at : (row.next_attempt_at ?? row.due_at);
  return { at: at ?? row.due_at, id: row.id };
}

export interface TimerStats {
  /** Timers that could fire now. */
  due: number;
  /** The earliest `due_at` among them, the measure of how far behind the workers are. */
  oldestDueAt: Date | null;
  /** Timers given up, waiting for an admin. */
  failed: number;
}

/** Each figure from its own partial index, so that a scrape costs little however many timers wait. */
export async function timerStats(db: Knex, now: Date): Promise<TimerStats> {
  const due = `FROM timers WHERE failed_at IS NULL AND ${nextAttempt} <= ?`;
  const result = await db.raw<{ rows: Array<Record<'due' | 'oldest' | 'failed', unknown>> }>(
    `SELECT (SELECT count(*) ${due}) AS due,
            (SELECT min(due_at) ${due}) AS oldest,
            (SELECT count(*) FROM timers WHERE failed_at IS NOT NULL) AS failed`,
    [now, now],
  );
  const row: Partial<Record<'due' | 'oldest' | 'failed', unknown>> = result.rows[0] ?? {};
  return {
    due: Number(row.due ?? 0),
    oldestDueAt: row.oldest ? new Date(row.oldest as string | Date) : null,
    failed: Number(row.failed ?? 0),
  };
}
