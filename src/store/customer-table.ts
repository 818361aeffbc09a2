import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import { applyWorkflowScope, escapeLike, type WorkflowStatus } from './workflows.ts';

/** The three workflows a transition gives each customer it moves. */
export const customerMachines = [
  'resellerRelationship',
  'mcaReacceptance',
  'subscriptionTransfer',
] as const;
export type CustomerMachine = (typeof customerMachines)[number];

export type CustomerOutcome = 'moved' | 'excluded' | 'none';
/** By name, by how long it has stood still, or by the state of one of its workflows. */
export type CustomerSort = 'name' | 'since' | CustomerMachine;
export type SortOrder = 'asc' | 'desc';

/** Where a page starts: after the row with this sort key and customer position. */
export interface CustomerTableCursor {
  key: string | number;
  position: number;
}

export interface CustomerTableQuery {
  /** The workflow `state` and `since` refer to; alone, customers that have one. */
  machine?: CustomerMachine | undefined;
  /** A contract state of `machine`; a parent state matches its nested ones. */
  state?: string | undefined;
  outcome?: CustomerOutcome | undefined;
  /** Part of the customer's name or tenant id, any case. */
  search?: string | undefined;
  sort: CustomerSort;
  order: SortOrder;
  limit: number;
  after?: CustomerTableCursor | undefined;
}

export interface CustomerWorkflowCell {
  id: string;
  state: string;
  status: WorkflowStatus;
  /** When the workflow last changed: since then it is in this state. */
  since: Date;
}

export interface CustomerTableRow {
  customerId: string;
  name: string;
  tenantId: string;
  position: number;
  outcome: CustomerOutcome;
  workflows: Record<CustomerMachine, CustomerWorkflowCell | null>;
  /** The value the page is sorted by, for the cursor of the next page. */
  sortKey: string | number;
}

export interface CustomerTablePage {
  rows: CustomerTableRow[];
  /** How many customers match the filters, on every page. */
  total: number;
}

/** Column prefixes of each machine's cells in the query below. */
const prefix: Record<CustomerMachine, string> = {
  resellerRelationship: 'rr',
  mcaReacceptance: 'mca',
  subscriptionTransfer: 'st',
};

interface Cells {
  [column: string]: unknown;
}

interface RawRow extends Cells {
  total: number;
  customer_id: string | null;
  name: string;
  tenant_id: string;
  position: number;
  outcome: 'moved' | 'excluded' | null;
  sort_key: string | number;
}

/**
 * The customers a transition plans to move, one row each, with the newest of each of their
 * three workflows, filtered, sorted and a page long, and how many match in all.
 *
 * One statement: the newest child per customer and machine comes from one ordered scan of
 * `workflows_customer_children`; the rows are pivoted per customer, joined to the customer and
 * its outcome, filtered, counted, and cut after the cursor. The work grows with the number of
 * customers of the transition (30,000 children for 10,000 customers), never with the number
 * of pages already read. The principal's scope applies to the children, so a provider sees
 * the customers whose workflows it serves and nothing of the others.
 */
export async function customerTable(
  db: Knex,
  principal: Principal,
  transitionId: string,
  query: CustomerTableQuery,
): Promise<CustomerTablePage> {
  const latest = db('workflows')
    .distinctOn(['customer_id', 'machine'])
    .select('customer_id', 'machine', 'id', 'state', 'status', 'updated_at')
    .where('parent_id', transitionId)
    .whereNotNull('customer_id')
    .whereIn('machine', customerMachines)
    // All descending, so that the index is read backwards in one pass; the newest first.
    .orderBy([
      { column: 'customer_id', order: 'desc' },
      { column: 'machine', order: 'desc' },
      { column: 'seq', order: 'desc' },
    ]);
  applyWorkflowScope(latest, principal);

  const pivot = customerMachines
    .flatMap((machine) =>
      ['id', 'state', 'status', 'updated_at'].map(
        (column) =>
          `max(${column}) FILTER (WHERE machine = '${machine}') AS ${prefix[machine]}_${column}`,
      ),
    )
    .join(',\n');

  const conditions: string[] = [];
  const bindings: Knex.Value[] = [];
  if (query.machine) {
    const p = prefix[query.machine];
    if (query.state === undefined) {
      conditions.push(`${p}_id IS NOT NULL`);
    } else {
      // A parent contract state matches its nested ones, as the workflow list does.
      conditions.push(`(${p}_state = ? OR ${p}_state LIKE ?)`);
      bindings.push(query.state, `${escapeLike(query.state)}.%`);
    }
  }
  if (query.outcome === 'none') conditions.push('o.outcome IS NULL');
  else if (query.outcome) {
    conditions.push('o.outcome = ?');
    bindings.push(query.outcome);
  }
  if (query.search) {
    const pattern = `%${escapeLike(query.search)}%`;
    conditions.push('(c.name ILIKE ? OR c.tenant_id ILIKE ?)');
    bindings.push(pattern, pattern);
  }

  const { expression, type } = sortKey(query);
  const descending = query.order === 'desc';
  const direction = descending ? 'DESC' : 'ASC';
  const keyset = query.after
    ? `WHERE (sort_key, position) ${descending ? '<' : '>'} (?::${type}, ?::integer)`
    : '';
  const keysetBindings = query.after ? [query.after.key, query.after.position] : [];

  const result: { rows: RawRow[] } = await db.raw(
    `WITH latest AS (?),
     children AS (
       SELECT customer_id,
       ${pivot}
       FROM latest GROUP BY customer_id
     ),
     filtered AS (
       SELECT children.*, c.name, c.tenant_id, c.position, o.outcome, ${expression} AS sort_key
       FROM children
       JOIN customers c ON c.id = children.customer_id
       LEFT JOIN customer_outcomes o
         ON o.workflow_id = ? AND o.customer_id = children.customer_id
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
     )
     SELECT counted.total, page.*
     FROM (SELECT count(*) AS total FROM filtered) AS counted
     LEFT JOIN LATERAL (
       SELECT * FROM filtered ${keyset}
       ORDER BY sort_key ${direction}, position ${direction}
       LIMIT ?
     ) AS page ON true
     ORDER BY page.sort_key ${direction}, page.position ${direction}`,
    [latest, transitionId, ...bindings, ...keysetBindings, query.limit],
  );
  const total = Number(result.rows[0]?.total ?? 0);
  const rows = result.rows.filter((row) => row.customer_id !== null).map(toRow);
  return { rows, total };
}

/**
 * The expression a page is ordered by, never null, so that the keyset comparison holds: a
 * missing workflow sorts as the empty state or as time zero, first in ascending order.
 * Times are whole milliseconds since the epoch, as the engine's clock writes them.
 */
function sortKey(query: CustomerTableQuery): { expression: string; type: 'text' | 'bigint' } {
  const millis = (column: string) =>
    `coalesce(floor(extract(epoch FROM ${column}) * 1000), -1)::bigint`;
  switch (query.sort) {
    case 'name':
      return { expression: 'lower(c.name)', type: 'text' };
    case 'since':
      return {
        expression: millis(
          query.machine
            ? `${prefix[query.machine]}_updated_at`
            : `greatest(${customerMachines.map((m) => `${prefix[m]}_updated_at`).join(', ')})`,
        ),
        type: 'bigint',
      };
    default:
      return { expression: `coalesce(${prefix[query.sort]}_state, '')`, type: 'text' };
  }
}

function toRow(row: RawRow): CustomerTableRow {
  const cell = (machine: CustomerMachine): CustomerWorkflowCell | null => {
    const p = prefix[machine];
    const id = row[`${p}_id`];
    if (typeof id !== 'string') return null;
    return {
      id,
      state: row[`${p}_state`] as string,
      status: row[`${p}_status`] as WorkflowStatus,
      since: new Date(row[`${p}_updated_at`] as Date | string),
    };
  };
  return {
    customerId: row.customer_id ?? '',
    name: row.name,
    tenantId: row.tenant_id,
    position: row.position,
    outcome: row.outcome ?? 'none',
    workflows: {
      resellerRelationship: cell('resellerRelationship'),
      mcaReacceptance: cell('mcaReacceptance'),
      subscriptionTransfer: cell('subscriptionTransfer'),
    },
    sortKey: row.sort_key,
  };
}
