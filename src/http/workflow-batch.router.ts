import { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/authenticate.ts';
import { refusalOfBatch, sendToEach, type BatchRequest } from '../engine/batch.ts';
import type { Engine } from '../engine/engine.ts';
import type { Database } from '../store/database.ts';
import { apiSchema } from './api-schema.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { idempotencyKeyOf } from './idempotent-create.ts';
import { dbBigInt } from './numbers.ts';
import type { ApiCatalog } from './openapi.ts';
import { parseBody } from './validate.ts';

const maxPerCall = 500;

const batchRequest = apiSchema(
  'BatchEventRequest',
  z.strictObject({
    filter: z
      .strictObject({
        machine: z.string().min(1).describe('the machine whose event `event` is'),
        state: z
          .string()
          .min(1)
          .optional()
          .describe('a state, or a parent state that takes in its nested ones'),
        partnerId: z.string().min(1).optional(),
        customerId: z.string().min(1).optional(),
        parentId: z.string().min(1).optional().describe('the transition the workflows belong to'),
        workflowIds: z
          .array(z.string().min(1))
          .min(1)
          .max(maxPerCall)
          .optional()
          .describe('only these workflows: a selection made by hand'),
      })
      .describe('Which workflows: those the caller may see that match every field given.'),
    event: z
      .looseObject({ type: z.string().min(1) })
      .describe(
        'One event of `filter.machine`, with its fields, exactly as `POST /v1/workflows/{id}/events` takes it.',
      ),
    limit: z
      .number()
      .int()
      .min(1)
      .max(maxPerCall)
      .default(100)
      .describe('How many matching workflows this call takes.'),
    cursor: z.string().optional().describe('`nextCursor` of the previous call, to go on'),
  }),
);

const batchItem = apiSchema(
  'BatchEventResult',
  z.object({
    workflowId: z.string(),
    customerId: z.string().nullable(),
    outcome: z.enum(['applied', 'refused']),
    status: z.number().int().describe('what the single-event route would have answered'),
    state: z.string().optional().describe('applied: the state it is in now'),
    version: z.number().int().optional().describe('applied: its version now'),
    code: z.string().optional().describe('refused: the problem code'),
    detail: z.string().optional().describe('refused: why, in words'),
    problem: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('refused: the rest of the problem (reasons, errors, nextEvents, currentVersion)'),
  }),
);

const batchResponse = apiSchema(
  'BatchEventResponse',
  z.object({
    items: z.array(batchItem).describe('one per workflow taken, in creation order'),
    applied: z.number().int(),
    refused: z.number().int(),
    remaining: z
      .number()
      .int()
      .describe('matching workflows not yet taken; send `nextCursor` to take them'),
    nextCursor: z.string().nullable(),
  }),
);

interface Deps {
  db: Database;
  engine: Engine;
  catalog: ApiCatalog;
}

export function createWorkflowBatchRouter({ db, engine, catalog }: Deps): Router {
  const router = Router();

  catalog.add({
    method: 'post',
    path: '/v1/workflows/events\\:batch',
    operationId: 'sendEventToEach',
    tag: 'Workflows and events',
    summary: 'Applies one event to every workflow that matches a filter',
    roles: 'by event (see /v1/machines), within the caller’s scope',
    description: [
      'Each matching workflow the caller may see gets the event as if it had been sent alone to',
      '`POST /v1/workflows/{id}/events`: in a transaction of its own, with the same rules, and',
      'recorded in its history, refused or applied. The answer has a result per workflow.',
      'Each carries the version it had when this call chose it as `If-Match`: one that moved',
      'meanwhile is refused with 412, not acted on. At most `limit` workflows are taken per call;',
      'send `nextCursor` back to go on. An event no workflow could take (unknown, not the',
      "caller's to send, a payload that does not fit) is refused whole, before any is touched.",
      'With an `Idempotency-Key`, a repeated call applies nothing twice.',
    ].join(' '),
    body: batchRequest,
    examples: {
      requestAcceptances: {
        summary: 'Ask for the MCA of every customer waiting for the request',
        value: {
          filter: {
            machine: 'mca-reacceptance',
            state: 'awaitingAcceptance',
            parentId: 'wf_01JD2Q8Z4X5Y6W7V8U9T0S1R2Q',
          },
          event: { type: 'ACCEPTANCE_REQUESTED' },
          limit: 100,
        },
      },
    },
    response: { status: 200, schema: batchResponse },
    errors: [400, 401, 403, 422],
    idempotent: true,
  });
  router.post('/v1/workflows/events\\:batch', async (req, res) => {
    const principal = principalOf(req);
    const { filter, limit, cursor } = parseBody(batchRequest, req.body);
    // The event as sent, not zod's copy: the copy drops a `__proto__` key, which the event's
    // strict schema must see to refuse it as the single-event route does.
    const { event } = req.body as { event: BatchRequest['event'] };
    const { workflowIds, ...fields } = filter;
    const request = {
      principal,
      filter: { ...fields, ids: workflowIds },
      event,
      limit,
      after: decodeCursor(z.object({ seq: dbBigInt.min(0) }), cursor),
      requestId: req.requestId,
      idempotencyKey: idempotencyKeyOf(req),
    };
    const refusal = refusalOfBatch(request);
    if (refusal) throw refusal;
    const result = await sendToEach(db, engine, request);
    res.json({
      items: result.items,
      applied: result.items.filter((i) => i.outcome === 'applied').length,
      refused: result.items.filter((i) => i.outcome === 'refused').length,
      remaining: result.remaining,
      nextCursor: result.next ? encodeCursor(result.next) : null,
    });
  });

  return router;
}
