import type { Knex } from 'knex';
import type { Principal } from '../auth/principal.ts';
import {
  applyWorkflowScope,
  escapeLike,
  type WorkflowRow,
  type WorkflowStatus,
} from './workflows.ts';

export interface TransitionListFilter {
  /** A contract state; a parent state matches its nested ones. */
  state?: string | undefined;
  /** Part of the partner's name, any case. */
  search?: string | undefined;
}

/** A transition with what its list row needs from around it. */
export interface TransitionListRow extends WorkflowRow {
  partner_name: string;
  enrollment_id: string | null;
  enrollment_state: string | null;
  enrollment_status: WorkflowStatus | null;
}

/**
 * Transitions the principal may see, in creation order after `afterSeq`, with the partner's
 * name and the newest enrollment child's state (a transition has one, rarely two).
 */
export async function listTransitions(
  db: Knex,
  principal: Principal,
  filter: TransitionListFilter,
  afterSeq: number,
  limit: number,
): Promise<TransitionListRow[]> {
  const q = db('workflows')
    .join('partners', 'partners.id', 'workflows.partner_id')
    .leftJoin(
      db.raw(
        `LATERAL (
           SELECT e.id, e.state, e.status FROM workflows e
           WHERE e.parent_id = workflows.id AND e.machine = 'enrollment'
           ORDER BY e.seq DESC LIMIT 1
         ) AS enrollment`,
      ),
      db.raw('true'),
    )
    .select(
      'workflows.*',
      'partners.name as partner_name',
      'enrollment.id as enrollment_id',
      'enrollment.state as enrollment_state',
      'enrollment.status as enrollment_status',
    )
    .where('workflows.machine', 'transition')
    .where('workflows.seq', '>', afterSeq);
  applyWorkflowScope(q, principal);
  if (filter.state) {
    const state = filter.state;
    q.where(
      (w) =>
        void w
          .where('workflows.state', state)
          .orWhere('workflows.state', 'like', `${escapeLike(state)}.%`),
    );
  }
  if (filter.search) q.whereILike('partners.name', `%${escapeLike(filter.search)}%`);
  return q.orderBy('workflows.seq').limit(limit) as Promise<TransitionListRow[]>;
}

export interface ChildActivity {
  /** The newest change of any child. */
  lastChange: Date | null;
  /** Subscription transfers that reached `completed`. */
  transfersCompleted: number;
}

/**
 * What the children of each transition add to its list row. One grouped read over the
 * children of the page's transitions: it reads each child once (30,000 for a partner with
 * 10,000 customers), which a page of transitions pays once.
 */
export async function childActivity(
  db: Knex,
  transitionIds: readonly string[],
): Promise<Map<string, ChildActivity>> {
  if (transitionIds.length === 0) return new Map();
  const rows = await db('workflows')
    .whereIn('parent_id', transitionIds)
    .groupBy('parent_id')
    .select<Array<{ parent_id: string; last_change: Date | null; transfers_completed: number }>>(
      'parent_id',
      db.raw('max(updated_at) AS last_change'),
      db.raw(
        "count(*) FILTER (WHERE machine = 'subscriptionTransfer' AND state = 'completed') AS transfers_completed",
      ),
    );
  return new Map(
    rows.map((row) => [
      row.parent_id,
      {
        lastChange: row.last_change === null ? null : new Date(row.last_change),
        transfersCompleted: Number(row.transfers_completed),
      },
    ]),
  );
}
