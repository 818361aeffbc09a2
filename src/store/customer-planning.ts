import type { Knex } from 'knex';
import { historyRecord, type HistoryRow } from './history.ts';
import type { NewTimer } from './timers.ts';
import type { WorkflowChange, WorkflowRow } from './workflows.ts';

/** The partner's open transition as stored now, without a lock. */
export async function findOpenTransitionRow(
  db: Knex,
  partnerId: string,
): Promise<WorkflowRow | undefined> {
  return db<WorkflowRow>('workflows')
    .where({ partner_id: partnerId, machine: 'transition', status: 'active' })
    .first();
}

/**
 * Locks the partner's open transition in whatever state it is in, until the transaction
 * ends. A transition that ends meanwhile is waited for and then left out.
 */
export async function lockOpenTransition(
  tx: Knex.Transaction,
  partnerId: string,
): Promise<WorkflowRow | undefined> {
  return tx<WorkflowRow>('workflows')
    .where({ partner_id: partnerId, machine: 'transition', status: 'active' })
    .forNoKeyUpdate()
    .first();
}

/**
 * Children written from here on are not checked against their parent, and take no lock on
 * its row, until `checkParentReferences` (or the commit). See the migration
 * `deferrable_parent_reference` for why.
 */
export async function deferParentReferenceChecks(tx: Knex.Transaction): Promise<void> {
  await tx.raw('SET CONSTRAINTS workflows_parent_id_foreign DEFERRED');
}

/** Checks every deferred parent reference now, and checks new ones at once again. */
export async function checkParentReferences(tx: Knex.Transaction): Promise<void> {
  await tx.raw('SET CONSTRAINTS workflows_parent_id_foreign IMMEDIATE');
}

/**
 * Rows per statement: well under Postgres's 65,535 bind parameters at 16 columns a row, and
 * few enough round trips that thousands of rows cost a fraction of a second.
 */
const chunk = 1000;

export async function insertInChunks<T>(
  db: Knex,
  table: string,
  rows: readonly T[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await db(table).insert(rows.slice(i, i + chunk));
  }
}

/**
 * New workflows with their first history rows and their timers, many per statement, in the
 * order given (so `seq` follows it). Each workflow's history row is its own CREATED row.
 */
export async function insertWorkflowsWithHistory(
  db: Knex,
  workflows: readonly WorkflowRow[],
  history: readonly HistoryRow[],
  timers: readonly NewTimer[],
): Promise<void> {
  await insertInChunks(
    db,
    'workflows',
    workflows.map((w) => ({ ...w, snapshot: JSON.stringify(w.snapshot) })),
  );
  await insertInChunks(db, 'history', history.map(historyRecord));
  await insertInChunks(
    db,
    'timers',
    timers.map((t) => ({ ...t, event: JSON.stringify(t.event) })),
  );
}

/**
 * Several steps of one locked workflow at once: its row moves from `current` to `change`
 * (compare-and-set, as `writeStep`) and the history rows that explain each step are appended.
 * Zero rows updated means someone wrote under the lock: a bug, and the transaction is abandoned.
 */
export async function writeSteps(
  tx: Knex.Transaction,
  current: Pick<WorkflowRow, 'id' | 'version' | 'history_length'>,
  change: WorkflowChange,
  history: readonly HistoryRow[],
): Promise<void> {
  const updated = await tx('workflows')
    .where({ id: current.id, version: current.version, history_length: current.history_length })
    .update({ ...change, snapshot: JSON.stringify(change.snapshot) });
  if (updated !== 1) throw new Error(`Workflow ${current.id} changed under its lock`);
  await insertInChunks(tx, 'history', history.map(historyRecord));
}
