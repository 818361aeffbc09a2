import type { Knex } from 'knex';

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/**
 * What leaves the engine after commit: an announcement to fan out, a webhook to send, a call
 * to Partner Center, or a report from Partner Center to look into.
 */
export type OutboxKind =
  'webhook.notice' | 'webhook.delivery' | 'partner_center.call' | 'partner_center.report';

export interface OutboxRow {
  id: string;
  kind: OutboxKind;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date;
  give_up_at: Date;
  claim_token: string | null;
  last_error: string | null;
  response_status: number | null;
  last_attempt_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
  subscription_id: string | null;
  event_id: string | null;
  event_type: string | null;
}

export type NewOutboxRow = Pick<
  OutboxRow,
  'id' | 'kind' | 'payload' | 'next_attempt_at' | 'give_up_at' | 'created_at'
> &
  Partial<Pick<OutboxRow, 'subscription_id' | 'event_id' | 'event_type'>>;

/** Rows per insert: well under Postgres's 65,535 parameters a statement. */
const insertChunk = 1000;

export async function insertOutbox(db: Knex, rows: readonly NewOutboxRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += insertChunk) {
    await db('outbox').insert(
      rows
        .slice(i, i + insertChunk)
        .map((row) => ({ ...row, payload: JSON.stringify(row.payload) })),
    );
  }
}

/**
 * Claims up to `limit` due messages for one attempt each: their `next_attempt_at` moves to
 * `leaseUntil` and `claim_token` to the caller's, so no other worker takes them until the
 * lease lapses, and a worker that dies mid-attempt hands them on then. Rows another worker
 * is claiming at this moment are skipped, not waited for. A delivery whose subscription is
 * disabled waits, unclaimed, until it is enabled again.
 */
export async function claimDue(
  db: Knex,
  claim: { now: Date; leaseUntil: Date; token: string; limit: number; kind: OutboxKind },
): Promise<OutboxRow[]> {
  const result: { rows: OutboxRow[] } = await db.raw(
    `UPDATE outbox SET next_attempt_at = ?, claim_token = ?, attempts = attempts + 1,
            last_attempt_at = ?
     WHERE id IN (
       SELECT o.id FROM outbox o
       WHERE o.status = 'pending' AND o.kind = ? AND o.next_attempt_at <= ?
         AND (o.subscription_id IS NULL OR EXISTS (
           SELECT 1 FROM webhook_subscriptions s
           WHERE s.id = o.subscription_id AND s.status = 'active'))
       ORDER BY o.next_attempt_at, o.id
       LIMIT ?
       FOR UPDATE OF o SKIP LOCKED)
     RETURNING *`,
    [claim.leaseUntil, claim.token, claim.now, claim.kind, claim.now, claim.limit],
  );
  return result.rows;
}

/**
 * The ids among `ids` whose claim the caller still holds, locked: the others lapsed and were
 * taken over by another worker, whose attempt counts.
 */
export async function lockClaimed(
  tx: Knex.Transaction,
  ids: readonly string[],
  token: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  return tx('outbox')
    .whereIn('id', ids)
    .andWhere({ claim_token: token, status: 'pending' })
    .orderBy('id')
    .forUpdate()
    .pluck('id');
}

export async function deleteMessages(tx: Knex, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await tx('outbox').whereIn('id', ids).delete();
}

export type AttemptOutcome =
  | { kind: 'delivered'; at: Date; responseStatus: number | null }
  | {
      kind: 'retry';
      at: Date;
      nextAttemptAt: Date;
      error: string;
      responseStatus: number | null;
    }
  | { kind: 'failed'; at: Date; error: string; responseStatus: number | null };

/**
 * Records how a claimed attempt ended, if the claim still holds: the row, or undefined when
 * another worker took the message over meanwhile (its own attempt then counts).
 */
export async function finishAttempt(
  db: Knex,
  id: string,
  token: string,
  outcome: AttemptOutcome,
): Promise<OutboxRow | undefined> {
  const common = {
    claim_token: null,
    response_status: outcome.responseStatus,
  };
  const change: Partial<OutboxRow> =
    outcome.kind === 'delivered'
      ? { ...common, status: 'delivered', last_error: null, finished_at: outcome.at }
      : outcome.kind === 'retry'
        ? { ...common, last_error: outcome.error, next_attempt_at: outcome.nextAttemptAt }
        : { ...common, status: 'failed', last_error: outcome.error, finished_at: outcome.at };
  const rows: OutboxRow[] = await db<OutboxRow>('outbox')
    .where({ id, claim_token: token, status: 'pending' })
    .update(change)
    .returning('*');
  return rows[0];
}

export interface DeliveryPosition {
  createdAt: Date;
  id: string;
}

/** A subscription's deliveries, newest first. */
export async function listDeliveries(
  db: Knex,
  subscriptionId: string,
  options: { status?: OutboxStatus; limit: number; before?: DeliveryPosition },
): Promise<OutboxRow[]> {
  const q = db<OutboxRow>('outbox').where('subscription_id', subscriptionId);
  if (options.status) q.andWhere('status', options.status);
  if (options.before)
    q.andWhereRaw('(created_at, id) < (?, ?)', [options.before.createdAt, options.before.id]);
  return q
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(options.limit);
}

export async function findDelivery(
  db: Knex,
  subscriptionId: string,
  id: string,
  forUpdate = false,
): Promise<OutboxRow | undefined> {
  const q = db<OutboxRow>('outbox').where({ id, subscription_id: subscriptionId }).first();
  return forUpdate ? q.forUpdate() : q;
}

/**
 * Sends a delivery again, now, whatever became of it, with a fresh window of retries. Its
 * event id and body stay, so a receiver that already has it can tell.
 */
export async function redeliver(
  tx: Knex.Transaction,
  id: string,
  now: Date,
  giveUpAt: Date,
): Promise<OutboxRow> {
  const [row] = await tx<OutboxRow>('outbox')
    .where({ id })
    .update({
      status: 'pending',
      next_attempt_at: now,
      give_up_at: giveUpAt,
      claim_token: null,
      finished_at: null,
    })
    .returning('*');
  if (!row) throw new Error(`Outbox message ${id} vanished under its lock`);
  return row;
}

/** Forgets delivered and failed messages finished before `before`; how many went. */
export async function purgeFinished(db: Knex, before: Date): Promise<number> {
  return db('outbox').whereNot('status', 'pending').andWhere('finished_at', '<', before).delete();
}

export interface OutboxStats {
  /** Messages that could be attempted now. */
  due: number;
  /** The earliest `next_attempt_at` among them: how far behind the workers are. */
  oldestDueAt: Date | null;
  /** Messages given up. */
  failed: number;
}

export async function outboxStats(db: Knex, now: Date): Promise<OutboxStats> {
  const due = `FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?`;
  const result = await db.raw<{ rows: Array<Record<'due' | 'oldest' | 'failed', unknown>> }>(
    `SELECT (SELECT count(*) ${due}) AS due,
            (SELECT min(next_attempt_at) ${due}) AS oldest,
            (SELECT count(*) FROM outbox WHERE status = 'failed') AS failed`,
    [now, now],
  );
  const row: Partial<Record<'due' | 'oldest' | 'failed', unknown>> = result.rows[0] ?? {};
  return {
    due: Number(row.due ?? 0),
    oldestDueAt: row.oldest ? new Date(row.oldest as string | Date) : null,
    failed: Number(row.failed ?? 0),
  };
}
