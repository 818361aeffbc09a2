import { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { toTransitionSummary, type TransitionSummary } from '../engine/transition-summary.ts';
import { ProblemError, ValidationFailed } from '../errors.ts';
import { customerTable, type CustomerTableRow } from '../store/customer-table.ts';
import type { Database } from '../store/database.ts';
import {
  childActivity,
  listTransitions,
  type TransitionListFilter,
  type TransitionListRow,
} from '../store/transition-summaries.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { dbBigInt, dbInt } from './numbers.ts';
import type { ApiCatalog } from './openapi.ts';
import {
  customerSort,
  customerTablePage,
  customerTableQuery,
  customerTableRow,
  transitionListQuery,
  transitionSummaryPage,
} from './transition-schemas.ts';
import { parseWith } from './validate.ts';
import { visibleWorkflow } from './visible-workflow.ts';

interface Deps {
  db: Database;
  catalog: ApiCatalog;
  now: () => Date;
}

/** The customer table is a transition's: asked of any other workflow, it says so. */
export class NotATransition extends ProblemError {
  constructor() {
    super(
      422,
      'not_a_transition',
      'Not a transition',
      'Only a transition has a customer table; this workflow is of another machine.',
    );
  }
}

/**
 * Where a customer page continues: the sort it belongs to, the last row's sort key and
 * position. A cursor of another sort or order is refused rather than read wrongly.
 */
const customerCursor = z.object({
  s: customerSort,
  o: z.enum(['asc', 'desc']),
  // Postgres cannot take NUL in text: such a key is no cursor this API gave.
  k: z.union([
    z
      .string()
      .max(1000)
      .refine((key) => !key.includes('\u0000')),
    dbBigInt.min(-1),
  ]),
  p: dbInt,
});

/** Transitions read per round while filtering by flag, which only the snapshot can tell. */
const flagScanBatch = 200;

export function createTransitionRouter({ db, catalog, now }: Deps): Router {
  const router = Router();

  catalog.add({
    method: 'get',
    path: '/v1/transitions',
    operationId: 'listTransitions',
    tag: 'Partners and transitions',
    summary: 'Transitions the caller may see, oldest first, with their progress at a glance',
    roles: 'any, scoped',
    description:
      'Each row counts the customers moved, in progress (neither moved nor excluded) and excluded, the subscription transfers completed, and gives the enrollment’s state, every partnership asked and the last activity of the transition or any of its children. `flag` filters on the flags as a read of the transition gives them now.',
    query: transitionListQuery,
    response: { status: 200, schema: transitionSummaryPage },
    errors: [401, 422],
  });
  router.get('/v1/transitions', async (req, res) => {
    const principal = principalOf(req);
    const query = parseWith(transitionListQuery, req.query);
    const after = decodeCursor(z.object({ seq: dbBigInt.min(0) }), query.cursor);
    const { items, more } = await transitionPage(
      db,
      principal,
      query,
      query.flag,
      after?.seq ?? 0,
      query.limit,
      now(),
    );
    const last = items.at(-1);
    res.json({
      items: items.map((item) => item.summary),
      nextCursor: more && last ? encodeCursor({ seq: last.seq }) : null,
    });
  });

  catalog.add({
    method: 'get',
    path: '/v1/workflows/:id/customers',
    operationId: 'listTransitionCustomers',
    tag: 'Partners and transitions',
    summary: "A transition's customers, each with the state of its three workflows",
    roles: 'any, scoped: a provider sees the customers whose workflows it serves',
    description:
      "One row per customer planned in the transition, with its outcome and the newest reseller relationship, MCA re-acceptance and subscription transfer: id, state, status and `since` (the workflow's last change). Filter by `machine` and `state` (who waits in `awaitingConsent`), `outcome`, `search`; sort by `name`, `since` or a machine's state, ties in import order; `total` counts every match. Bill-to details never appear here. A workflow of another machine answers 422 `not_a_transition`.",
    query: customerTableQuery,
    response: { status: 200, schema: customerTablePage },
    errors: [401, 404, 422],
  });
  router.get('/v1/workflows/:id/customers', async (req, res) => {
    const principal = principalOf(req);
    const transition = await visibleWorkflow(db, req.params.id, principal);
    const query = parseWith(customerTableQuery, req.query);
    const cursor = decodeCursor(customerCursor, query.cursor);
    if (
      cursor &&
      (cursor.s !== query.sort ||
        cursor.o !== query.order ||
        typeof cursor.k !== (query.sort === 'since' ? 'number' : 'string'))
    ) {
      throw new ValidationFailed([
        { path: 'cursor', message: 'a cursor of another sort or order' },
      ]);
    }
    if (transition.machine !== 'transition') throw new NotATransition();
    const { rows, total } = await customerTable(db, principal, transition.id, {
      ...query,
      limit: query.limit + 1,
      after: cursor && { key: cursor.k, position: cursor.p },
    });
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    res.json({
      items: shown.map(toCustomerRow),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ s: query.sort, o: query.order, k: last.sortKey, p: last.position })
          : null,
      total,
    });
  });

  return router;
}

/**
 * A page of transitions after `afterSeq`, filtered by `flag` in memory: flags are worked out
 * from each snapshot at read time, so rows are read in batches until the page is full.
 * Transitions are one or two per partner, so the scan stays short.
 */
async function transitionPage(
  db: Database,
  principal: Principal,
  filter: TransitionListFilter,
  flag: string | undefined,
  afterSeq: number,
  limit: number,
  at: Date,
): Promise<{ items: Array<{ seq: number; summary: TransitionSummary }>; more: boolean }> {
  const batch = flag ? Math.max(flagScanBatch, limit + 1) : limit + 1;
  const found: TransitionListRow[] = [];
  let cursor = afterSeq;
  for (;;) {
    const rows = await listTransitions(db, principal, filter, cursor, batch);
    for (const row of rows) {
      if (!flag || toTransitionSummary(row, undefined, at).flags.includes(flag)) found.push(row);
      if (found.length > limit) break;
    }
    const last = rows.at(-1);
    if (found.length > limit || rows.length < batch || !last) break;
    cursor = Number(last.seq);
  }
  const shown = found.slice(0, limit);
  // What the children add is read for the page only.
  const activity = await childActivity(
    db,
    shown.map((row) => row.id),
  );
  return {
    items: shown.map((row) => ({
      seq: Number(row.seq),
      summary: toTransitionSummary(row, activity.get(row.id), at),
    })),
    more: found.length > limit,
  };
}

function toCustomerRow(row: CustomerTableRow): z.infer<typeof customerTableRow> {
  const cell = (machine: keyof CustomerTableRow['workflows']) => {
    const found = row.workflows[machine];
    return found && { ...found, since: found.since.toISOString() };
  };
  return {
    customerId: row.customerId,
    name: row.name,
    tenantId: row.tenantId,
    outcome: row.outcome,
    workflows: {
      resellerRelationship: cell('resellerRelationship'),
      mcaReacceptance: cell('mcaReacceptance'),
      subscriptionTransfer: cell('subscriptionTransfer'),
    },
  };
}
