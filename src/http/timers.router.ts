import { Router } from 'express';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/authenticate.ts';
import { withTransactionRetry } from '../engine/retry.ts';
import { Conflict, NotFound } from '../errors.ts';
import type { Database } from '../store/database.ts';
import {
  listTimers,
  pendingTimers,
  retryTimer,
  timerPosition,
  type TimerRow,
} from '../store/timers.ts';
import { decodeCursor, encodeCursor, limitParam } from './cursor.ts';
import { apiSchema } from './api-schema.ts';
import type { ApiCatalog } from './openapi.ts';
import { page } from './schemas.ts';
import { parseWith } from './validate.ts';
import { visibleWorkflow } from './visible-workflow.ts';

const listQuery = z.strictObject({
  status: z
    .enum(['pending', 'failed'])
    .default('pending')
    .describe('pending: waiting to fire, retries included; failed: given up, waiting for an admin'),
  limit: limitParam,
  cursor: z.string().optional(),
});
const cursorShape = z.object({
  status: z.enum(['pending', 'failed']),
  at: z.iso.datetime(),
  id: z.string(),
});

const timerView = apiSchema(
  'Timer',
  z.object({
    id: z.string(),
    workflowId: z.string(),
    key: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'failed']),
    dueAt: z.string(),
    attempts: z.number().int().describe('failed attempts to fire it'),
    lastError: z.string().nullable().describe('why the last attempt failed'),
    nextAttemptAt: z.string().nullable().describe('when a failed timer is tried again'),
    failedAt: z.string().nullable().describe('when it was given up'),
    createdAt: z.string(),
  }),
);

function toTimerView(row: TimerRow): z.infer<typeof timerView> {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    key: row.key,
    eventType: row.event.type,
    status: row.failed_at ? 'failed' : 'pending',
    dueAt: row.due_at.toISOString(),
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    failedAt: row.failed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Timers as operators see them: which wait, which were given up, and putting one back. */
export function createTimerRouter({
  db,
  catalog,
  now,
}: {
  db: Database;
  catalog: ApiCatalog;
  now: () => Date;
}): Router {
  const router = Router();

  catalog.add({
    method: 'get',
    path: '/v1/timers',
    operationId: 'listTimers',
    tag: 'Administration',
    summary:
      'Lists timers of every workflow: pending ones in the order they will be tried, failed ones in the order they were given up',
    roles: 'admin, auditor',
    query: listQuery,
    response: { status: 200, schema: page(timerView) },
    errors: [401, 403, 422],
  });
  router.get('/v1/timers', async (req, res) => {
    requireRole(req, ['admin', 'auditor']);
    const query = parseWith(listQuery, req.query);
    const after = decodeCursor(cursorShape, query.cursor);
    // A cursor of the other list would skip rows of this one.
    const position =
      after && after.status === query.status ? { at: new Date(after.at), id: after.id } : undefined;
    const rows = await listTimers(db, query.status, query.limit + 1, position);
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    const next = last && rows.length > query.limit ? timerPosition(last, query.status) : null;
    res.json({
      items: shown.map(toTimerView),
      nextCursor: next
        ? encodeCursor({ status: query.status, at: next.at.toISOString(), id: next.id })
        : null,
    });
  });

  catalog.add({
    method: 'get',
    path: '/v1/workflows/:id/timers',
    operationId: 'listWorkflowTimers',
    tag: 'Workflows and events',
    summary: "A workflow's timers: what it waits for, and when it fires, soonest first",
    roles: 'any, scoped',
    description:
      'Timers that fired are gone; one whose attempts failed stays, with how often it failed. Why the last attempt failed is shown to admins and auditors only: it is the server’s own error.',
    response: { status: 200, schema: z.object({ items: z.array(timerView) }) },
    errors: [401, 404],
  });
  router.get('/v1/workflows/:id/timers', async (req, res) => {
    const principal = principalOf(req);
    const row = await visibleWorkflow(db, req.params.id, principal);
    const operator = principal.role === 'admin' || principal.role === 'auditor';
    const timers = await pendingTimers(db, row.id);
    res.json({
      items: timers.map((timer) => ({
        ...toTimerView(timer),
        ...(operator ? {} : { lastError: null }),
      })),
    });
  });

  catalog.add({
    method: 'post',
    path: '/v1/timers/:id/retry',
    operationId: 'retryTimer',
    tag: 'Administration',
    summary:
      'Puts a failed timer back in line: due now, its attempts counted afresh; 409 when it has not failed',
    roles: 'admin',
    response: { status: 200, schema: timerView },
    errors: [401, 403, 404, 409],
  });
  router.post('/v1/timers/:id/retry', async (req, res) => {
    requireRole(req, ['admin']);
    const id = req.params.id;
    const result = await withTransactionRetry(() =>
      db.transaction((tx) => retryTimer(tx, id, now())),
    );
    if (!result) throw new NotFound('timer');
    if (!result.retried) {
      throw new Conflict(
        'timer_not_failed',
        'Only a failed timer can be retried; this one is still pending.',
      );
    }
    res.json(toTimerView(result.row));
  });

  return router;
}
