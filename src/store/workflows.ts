import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import { insertInChunks } from './customer-planning.ts';
import { historyRecord, type HistoryRow } from './history.ts';

export type WorkflowStatus = 'active' | 'done' | 'cancelled';

export interface WorkflowRow {
  id: string;
  machine: string;
  machine_version: number;
  snapshot: Record<string, unknown>;
  state: string;
  status: WorkflowStatus;
  version: number;
  history_length: number;
  head_hash: string;
  parent_id: string | null;
  partner_id: string;
  customer_id: string | null;
  provider_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** Creation order, assigned by the database. */
  seq?: number;
}

export async function findWorkflow(db: Knex, id: string): Promise<WorkflowRow | undefined> {
  return db<WorkflowRow>('workflows').where({ id }).first();
}

/**
 * Loads and locks the row until the transaction ends, so events on one workflow queue.
 * Every lock on a workflow is FOR NO KEY UPDATE: writers still queue on it, but a new row
 * that references it (a child written by an import before it takes the parent's lock) does
 * not make them wait, as its key-share lock would under FOR UPDATE.
 */
export async function lockWorkflow(
  tx: Knex.Transaction,
  id: string,
): Promise<WorkflowRow | undefined> {
  return tx<WorkflowRow>('workflows').where({ id }).forNoKeyUpdate().first();
}

/**
 * Locks a workflow after its ancestors, from the top down, in one statement. Every writer
 * takes a move's locks in this one order (the transition before its children), so writers
 * across a parent and its children queue behind each other instead of deadlocking or
 * deciding from rows another writer is about to change. Postgres locks the rows as the sort
 * hands them on (its LockRows step sits above the Sort), so the order holds.
 */
export async function lockWorkflowAfterAncestors(
  tx: Knex.Transaction,
  id: string,
): Promise<WorkflowRow | undefined> {
  const result: { rows: Array<WorkflowRow & { depth: number }> } = await tx.raw(
    `WITH RECURSIVE chain AS (
       SELECT id, parent_id, 0 AS depth FROM workflows WHERE id = ?
       UNION ALL
       SELECT w.id, w.parent_id, chain.depth + 1 FROM workflows w JOIN chain ON w.id = chain.parent_id
     )
     SELECT workflows.*, chain.depth FROM workflows JOIN chain ON chain.id = workflows.id
     ORDER BY chain.depth DESC
     FOR NO KEY UPDATE OF workflows`,
    [id],
  );
  const self = result.rows.find((row) => row.depth === 0);
  if (!self) return undefined;
  const { depth: _depth, ...row } = self;
  return row;
}

/** What a step changes of a workflow row; a migration's step moves its machine version too. */
export type WorkflowChange = Pick<
  WorkflowRow,
  'snapshot' | 'state' | 'status' | 'version' | 'history_length' | 'head_hash' | 'updated_at'
> &
  Partial<Pick<WorkflowRow, 'provider_id' | 'machine_version'>>;

/**
 * Writes a workflow's change and the history row that explains it in one statement, so the
 * two cannot part and an event costs one round trip for both. The update is a
 * compare-and-set on the version and history length read under the lock; the history row is
 * inserted only for the row it updated. Zero rows means somebody else wrote first, which the
 * lock should make impossible: it is a bug, not a race, and the transaction is abandoned.
 */
export async function writeStep(
  tx: Knex.Transaction,
  current: Pick<WorkflowRow, 'id' | 'version' | 'history_length'>,
  change: WorkflowChange,
  history: HistoryRow,
  notice?: StepNotice,
): Promise<void> {
  if (!(await writeStepIfUnchanged(tx, current, change, history, notice)))
    throw new Error(`Workflow ${current.id} changed under its lock`);
}

/**
 * The same statement without a lock held: false, and nothing written, when the row is no
 * longer the one that was read. On its own it is a transaction of one statement.
 */
export async function writeStepIfUnchanged(
  db: Knex,
  current: Pick<WorkflowRow, 'id' | 'version' | 'history_length'>,
  change: WorkflowChange,
  history: HistoryRow,
  notice?: StepNotice,
): Promise<boolean> {
  const update = db('workflows')
    .where({ id: current.id, version: current.version, history_length: current.history_length })
    .update({ ...change, snapshot: JSON.stringify(change.snapshot) })
    .returning([...noticedColumns]);
  return (await withHistoryRow(db, update, history, notice)) === 1;
}

/**
 * A step that webhooks announce: an outbox message written in the step's own statement, so
 * that it exists exactly when the step was committed. It keeps the workflow as the step left
 * it, since the message may be carried out after later steps moved the row on.
 */
export interface StepNotice {
  id: string;
  events: readonly string[];
  giveUpAt: Date;
}

/** What a notice keeps of the row it announces, besides the columns that never change. */
const noticedColumns = [
  'id',
  'snapshot',
  'state',
  'status',
  'version',
  'provider_id',
  'updated_at',
] as const;

/** The outbox insert a notice adds to a step's statement, and its bindings. */
function noticeInsert(
  history: HistoryRow,
  notice: StepNotice | undefined,
): { sql: string; bindings: Knex.Value[] } {
  if (!notice) return { sql: '', bindings: [] };
  const step = {
    seq: history.seq,
    type: history.type,
    from: history.from_state,
    to: history.to_state,
    at: history.at.toISOString(),
    actorRole: history.actor_role,
    // The provider a partnership step concerns: only that provider is told of it.
    providerId: typeof history.payload.providerId === 'string' ? history.payload.providerId : null,
  };
  return {
    sql: `, noticed AS (
       INSERT INTO outbox (id, kind, payload, next_attempt_at, give_up_at, created_at)
       SELECT ?, 'webhook.notice', jsonb_build_object(
         'workflowId', written.id, 'events', ?::jsonb, 'step', ?::jsonb,
         'row', jsonb_build_object(${noticedColumns
           .slice(1)
           .map((c) => `'${c}', written.${c}`)
           .join(', ')})),
         ?::timestamptz, ?::timestamptz, ?::timestamptz
       FROM written)`,
    bindings: [
      notice.id,
      JSON.stringify(notice.events),
      JSON.stringify(step),
      history.at,
      notice.giveUpAt,
      history.at,
    ],
  };
}

/**
 * One step for each of many workflows the caller holds locked, in two statements: every row
 * moves to its change (compare-and-set on version and history length, as `writeStep`), then
 * every history row is appended. Fewer rows written than given means someone wrote under
 * the locks: a bug, and the transaction is abandoned. Steps of a batch of workflows, such as
 * a migration's, then cost two round trips instead of one per workflow.
 */
export async function writeStepsOfMany(
  tx: Knex.Transaction,
  steps: ReadonlyArray<{
    current: Pick<WorkflowRow, 'id' | 'version' | 'history_length'>;
    change: Required<WorkflowChange>;
    history: HistoryRow;
  }>,
): Promise<void> {
  if (steps.length === 0) return;
  const row =
    '(?::text, ?::integer, ?::integer, ?::jsonb, ?::integer, ?::text, ?::text, ?::integer, ?::integer, ?::text, ?::timestamptz, ?::text)';
  const result: { rows: unknown[] } = await tx.raw(
    `UPDATE workflows AS w SET
       snapshot = v.snapshot, machine_version = v.machine_version, state = v.state,
       status = v.status, version = v.version, history_length = v.history_length,
       head_hash = v.head_hash, updated_at = v.updated_at, provider_id = v.provider_id
     FROM (VALUES ${steps.map(() => row).join(', ')}) AS v(
       id, old_version, old_length, snapshot, machine_version, state, status, version,
       history_length, head_hash, updated_at, provider_id)
     WHERE w.id = v.id AND w.version = v.old_version AND w.history_length = v.old_length
     RETURNING w.id`,
    steps.flatMap(({ current, change }) => [
      current.id,
      current.version,
      current.history_length,
      JSON.stringify(change.snapshot),
      change.machine_version,
      change.state,
      change.status,
      change.version,
      change.history_length,
      change.head_hash,
      change.updated_at,
      change.provider_id,
    ]),
  );
  if (result.rows.length !== steps.length) {
    throw new Error(`${steps.length - result.rows.length} workflows changed under their locks`);
  }
  await insertInChunks(
    tx,
    'history',
    steps.map((s) => historyRecord(s.history)),
  );
}

/** A new workflow and its first history row, in one statement for the same reasons. */
export async function insertWorkflowWithHistory(
  tx: Knex.Transaction,
  row: WorkflowRow,
  history: HistoryRow,
): Promise<void> {
  const insert = tx('workflows')
    .insert({ ...row, snapshot: JSON.stringify(row.snapshot) })
    .returning('id');
  if ((await withHistoryRow(tx, insert, history)) !== 1)
    throw new Error(`Workflow ${row.id} was not created`);
}

/**
 * Runs `write` (an insert or update of one workflow returning its id) and inserts `history`
 * for the row it wrote, if it wrote one. Returns how many history rows were inserted.
 */
async function withHistoryRow(
  tx: Knex,
  write: Knex.QueryBuilder,
  history: HistoryRow,
  notice?: StepNotice,
): Promise<number> {
  const noticed = noticeInsert(history, notice);
  const result: { rows: unknown[] } = await tx.raw(
    `WITH written AS (?)${noticed.sql}
     INSERT INTO history (${historyColumns.join(', ')})
     SELECT written.id, ?::integer, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::timestamptz, ?, ?, ?::jsonb
     FROM written
     RETURNING seq`,
    [
      write,
      ...noticed.bindings,
      history.seq,
      history.type,
      JSON.stringify(history.payload),
      history.actor_id,
      history.actor_name,
      history.actor_role,
      history.request_id,
      history.from_state,
      history.to_state,
      history.outcome,
      history.reason === null ? null : JSON.stringify(history.reason),
      history.at,
      history.prev_hash,
      history.hash,
      history.bindings === null ? null : JSON.stringify(history.bindings),
    ],
  );
  return result.rows.length;
}

const historyColumns = [
  'workflow_id',
  'seq',
  'type',
  'payload',
  'actor_id',
  'actor_name',
  'actor_role',
  'request_id',
  'from_state',
  'to_state',
  'outcome',
  'reason',
  'at',
  'prev_hash',
  'hash',
  'bindings',
] as const satisfies ReadonlyArray<keyof HistoryRow>;

export async function findOpenTransition(
  db: Knex,
  partnerId: string,
): Promise<Pick<WorkflowRow, 'id'> | undefined> {
  return db<WorkflowRow>('workflows')
    .where({ partner_id: partnerId, machine: 'transition', status: 'active' })
    .first('id');
}

export async function openChildren(tx: Knex.Transaction, parentId: string): Promise<WorkflowRow[]> {
  return tx<WorkflowRow>('workflows')
    .where({ parent_id: parentId, status: 'active' })
    .orderBy('id')
    .forNoKeyUpdate();
}

export interface WorkflowFilter {
  machine?: string | undefined;
  state?: string | undefined;
  partnerId?: string | undefined;
  customerId?: string | undefined;
  parentId?: string | undefined;
  /** Only these workflows (a selection made by hand), still within the other filters. */
  ids?: readonly string[] | undefined;
}

export interface PageCursor {
  seq: number;
}

/** A page in creation order, restricted to what the principal may see. */
export async function listWorkflows(
  db: Knex,
  principal: Principal,
  filter: WorkflowFilter,
  limit: number,
  after: PageCursor | undefined,
): Promise<WorkflowRow[]> {
  const q = db<WorkflowRow>('workflows');
  applyWorkflowFilter(q, principal, filter);
  if (after) q.where('seq', '>', after.seq);
  return q.orderBy('seq').limit(limit);
}

/** How many workflows a principal may see match `filter`, past `after` when given. */
export async function countWorkflows(
  db: Knex,
  principal: Principal,
  filter: WorkflowFilter,
  after: PageCursor | undefined,
): Promise<number> {
  const q = db('workflows');
  applyWorkflowFilter(q, principal, filter);
  if (after) q.where('seq', '>', after.seq);
  const [row] = await q.count<Array<{ count: string | number }>>({ count: '*' });
  return Number(row?.count ?? 0);
}

function applyWorkflowFilter(
  q: Knex.QueryBuilder,
  principal: Principal,
  filter: WorkflowFilter,
): void {
  applyWorkflowScope(q, principal);
  if (filter.machine) q.where('machine', filter.machine);
  if (filter.state) {
    // A parent contract state matches its nested ones too: `pendingApproval` finds `pendingApproval.onTime`.
    const state = filter.state;
    q.where((w) => void w.where('state', state).orWhere('state', 'like', `${escapeLike(state)}.%`));
  }
  if (filter.partnerId) q.where('partner_id', filter.partnerId);
  if (filter.customerId) q.where('customer_id', filter.customerId);
  if (filter.parentId) q.where('parent_id', filter.parentId);
  if (filter.ids) q.whereIn('id', [...filter.ids]);
}

/** The rows of `workflows` a principal may read (SPEC §3 "scoped"). */
export function applyWorkflowScope(q: Knex.QueryBuilder, principal: Principal): void {
  switch (principal.role) {
    case 'admin':
    case 'auditor':
    case 'system':
    case 'partner_center':
      return;
    case 'manager':
    case 'global_admin':
      q.where('workflows.partner_id', principal.partnerId ?? '');
      return;
    case 'provider': {
      const providerId = principal.providerId ?? '';
      q.where(
        (w) =>
          void w
            .where('workflows.provider_id', providerId)
            .orWhereIn(
              'workflows.id',
              (v) =>
                void v
                  .select('workflow_id')
                  .from('workflow_viewers')
                  .where('provider_id', providerId),
            ),
      );
      return;
    }
    case 'customer':
      q.whereRaw('false');
      return;
  }
}

/** Text matched literally inside a LIKE pattern: its own `%`, `_` and backslash escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** How many workflows each version of each machine holds, with the smallest id of each. */
export async function countMachineVersions(
  db: Knex,
): Promise<Array<{ machine: string; machine_version: number; count: number }>> {
  const rows = await db('workflows')
    .select('machine', 'machine_version')
    .count<Array<{ machine: string; machine_version: number; count: string | number }>>({
      count: '*',
    })
    .groupBy('machine', 'machine_version')
    .orderBy(['machine', 'machine_version']);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** A few ids of the workflows of one machine version, to name them. */
export async function workflowIdsAtVersion(
  db: Knex,
  machine: string,
  version: number,
  limit: number,
): Promise<string[]> {
  const rows = await db<WorkflowRow>('workflows')
    .where({ machine, machine_version: version })
    .orderBy('id')
    .limit(limit)
    .select('id');
  return rows.map((r) => r.id);
}

/** The next ids, after `afterId`, of a machine's workflows stored by a version older than `version`. */
export async function workflowIdsBelowVersion(
  db: Knex,
  machine: string,
  version: number,
  afterId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db<WorkflowRow>('workflows')
    .where('machine', machine)
    .andWhere('machine_version', '<', version)
    .andWhere('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .select('id');
  return rows.map((r) => r.id);
}

/**
 * Locks those of `ids` still stored by a version older than `version`, in id order, so two
 * processes that lock overlapping sets queue instead of deadlocking. A row another process
 * moved on while this one waited is read as it now is, and left out.
 */
export async function lockWorkflowsBelowVersion(
  tx: Knex.Transaction,
  ids: readonly string[],
  machine: string,
  version: number,
): Promise<WorkflowRow[]> {
  return tx<WorkflowRow>('workflows')
    .whereIn('id', [...ids])
    .andWhere('machine', machine)
    .andWhere('machine_version', '<', version)
    .orderBy('id')
    .forNoKeyUpdate();
}
