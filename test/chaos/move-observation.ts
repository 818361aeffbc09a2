import type { Knex } from 'knex';
import { pool } from '../../bench/api.ts';
import type {
  ConsentRecord,
  CustomerRecord,
  HistoryRecord,
  ImportRecord,
  MoveObservation,
  OutcomeRecord,
  Verdict,
  WorkflowView,
} from './move-invariants.ts';

/**
 * Where a move is read back from: the API, as someone who may read all of it, and the tables.
 * The reads are spread over the servers (`server` is a number the reader takes modulo however
 * many it has): each one's answers are compared with the others'.
 */
export interface MoveReader {
  db: Knex;
  /** A GET that must answer 200; its body. */
  get<T>(path: string, server: number): Promise<T>;
}

/** The move being read: what names it in a violation, and its ids. */
export interface MoveToObserve {
  label: string;
  partnerId: string;
  transitionId: string;
  imports: ImportRecord[];
}

/** Every workflow a query of `GET /v1/workflows` lists, following cursors. */
export async function listWorkflows(
  reader: MoveReader,
  query: string,
  server = 0,
): Promise<WorkflowView[]> {
  const out: WorkflowView[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: WorkflowView[]; nextCursor: string | null } = await reader.get(
      `/v1/workflows?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      server,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

interface HistoryRow {
  workflow_id: string;
  seq: number;
  type: string;
  actor_role: string;
  outcome: 'applied' | 'rejected';
  from_state: string | null;
  to_state: string;
  at: Date;
  payload: Record<string, unknown>;
}

export async function historyOf(db: Knex, ids: readonly string[]): Promise<HistoryRecord[]> {
  const rows = await db<HistoryRow>('history')
    .whereIn('workflow_id', ids)
    .orderBy([{ column: 'workflow_id' }, { column: 'seq' }])
    .select(
      'workflow_id',
      'seq',
      'type',
      'actor_role',
      'outcome',
      'from_state',
      'to_state',
      'at',
      'payload',
    );
  return rows.map((h) => ({
    workflowId: h.workflow_id,
    seq: h.seq,
    type: h.type,
    actorRole: h.actor_role,
    outcome: h.outcome,
    from: h.from_state,
    to: h.to_state,
    at: h.at,
    payload: h.payload,
  }));
}

export async function customersOf(db: Knex, partnerId: string): Promise<CustomerRecord[]> {
  const rows = await db<{
    id: string;
    acquired_as: CustomerRecord['acquiredAs'];
    position: number;
    created_at: Date;
  }>('customers')
    .where('partner_id', partnerId)
    .orderBy('position')
    .select('id', 'acquired_as', 'position', 'created_at');
  return rows.map((c) => ({
    id: c.id,
    acquiredAs: c.acquired_as,
    position: c.position,
    createdAt: c.created_at,
  }));
}

/** Walks the customer list three at a time, by cursor, as a client would. */
export async function customerWalk(reader: MoveReader, partnerId: string): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ id: string }>; nextCursor: string | null } = await reader.get(
      `/v1/partners/${partnerId}/customers?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      seen.length,
    );
    seen.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
    if (seen.length > 10_000) throw new Error('the customer walk does not end');
  } while (cursor);
  return seen;
}

/**
 * Everything the invariants (`checkMove`) read about one move, once nothing of it is in
 * flight: each workflow, its verdict and its replayed state from different servers, and the
 * tables behind them.
 */
export async function observeMove(
  reader: MoveReader,
  move: MoveToObserve,
): Promise<MoveObservation> {
  const { db } = reader;
  const listed = await listWorkflows(reader, `parentId=${move.transitionId}`);
  const ids = [move.transitionId, ...listed.map((w) => w.id)];
  const lengths = await db<{ id: string; history_length: number }>('workflows')
    .whereIn('id', ids)
    .select('id', 'history_length');
  const historyLength = Object.fromEntries(lengths.map((w) => [w.id, w.history_length]));
  const views: Record<string, WorkflowView> = {};
  const replays: Record<string, WorkflowView | undefined> = {};
  const verdicts: Record<string, Verdict> = {};
  await pool(ids, 8, async (id) => {
    const server = ids.indexOf(id);
    const [view, verdict, replay] = await Promise.all([
      reader.get<WorkflowView>(`/v1/workflows/${id}`, server),
      reader.get<Verdict>(`/v1/workflows/${id}/history/verify`, server + 1),
      reader.get<WorkflowView>(`/v1/workflows/${id}/history/${historyLength[id]}/state`, server),
    ]);
    views[id] = view;
    verdicts[id] = verdict;
    replays[id] = replay;
  });
  const [history, customers, outcomes, consents, walk] = await Promise.all([
    historyOf(db, ids),
    customersOf(db, move.partnerId),
    db<{ customer_id: string; outcome: OutcomeRecord['outcome'] }>('customer_outcomes')
      .where('workflow_id', move.transitionId)
      .select('customer_id', 'outcome'),
    db<{ workflow_id: string; decision: string; decided_at: Date }>('consents')
      .whereIn('workflow_id', ids)
      .select('workflow_id', 'decision', 'decided_at'),
    customerWalk(reader, move.partnerId),
  ]);
  return {
    label: move.label,
    partnerId: move.partnerId,
    transition: views[move.transitionId]!,
    children: listed.map((w) => views[w.id]!),
    replays,
    verdicts,
    historyLength,
    history,
    customers,
    outcomes: outcomes.map((o) => ({ customerId: o.customer_id, outcome: o.outcome })),
    consents: consents.map((c): ConsentRecord => ({
      workflowId: c.workflow_id,
      decision: c.decision,
      decidedAt: c.decided_at,
    })),
    imports: move.imports,
    customerWalk: walk,
  };
}
