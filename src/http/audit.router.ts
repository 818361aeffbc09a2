import { Readable } from 'node:stream';
import { Router } from 'express';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import {
  digestDivergences,
  digestOf,
  divergenceReasons,
  problemKinds,
  replayTo,
  verifyChain,
  type DigestEntry,
} from '../engine/audit.ts';
import { chosenProvider, definitionOf, restore } from '../engine/engine.ts';
import { accessFields } from '../engine/history-chain.ts';
import { withholdsBillTo } from '../engine/redaction.ts';
import { toWorkflowView } from '../engine/workflow-view.ts';
import { Conflict, Forbidden, NotFound, ProblemError } from '../errors.ts';
import type { Database } from '../store/database.ts';
import { exportPages, findHistoryRow, type ExportRow } from '../store/history.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { apiSchema } from './api-schema.ts';
import { csvEncoder } from './csv.ts';
import { dbInt, dbIntParam } from './numbers.ts';
import type { ApiCatalog } from './openapi.ts';
import { workflowAtRow } from './schemas.ts';
import { streamResponse } from './stream-response.ts';
import { parseBody, parseWith } from './validate.ts';
import { visibleWorkflow } from './visible-workflow.ts';

const auditRoles = ['auditor', 'admin'] as const;

const problem = z.object({
  kind: z.enum(problemKinds),
  seq: z.number().int().optional(),
  detail: z.string(),
});
const verdict = apiSchema(
  'HistoryVerdict',
  z.object({
    valid: z.boolean(),
    checked: z.number().int(),
    firstBrokenSeq: z.number().int().optional(),
    problems: z.array(problem),
    headHash: z.string().describe('the head hash the workflow records: a valid history ends on it'),
  }),
);
// The access fields are optional so that digests saved before they were added still verify.
const digestEntry = z.strictObject({
  id: z.string(),
  length: dbInt.min(1),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  partnerId: z.string().optional(),
  parentId: z.string().nullable().optional(),
  customerId: z.string().nullable().optional(),
  providerId: z.string().nullable().optional(),
});
const digest = apiSchema(
  'AuditDigest',
  z.strictObject({
    generatedAt: z.string(),
    partnerId: z.string().nullable(),
    workflows: z.array(digestEntry).max(1_000_000),
    digest: z
      .string()
      .describe('SHA-256 over the entries, as `POST /v1/audit/digest/verify` checks it'),
  }),
);
const digestQuery = z.strictObject({ partnerId: z.string().optional() });
const exportQuery = z.strictObject({
  partnerId: z.string().optional(),
  workflowId: z.string().optional().describe('one workflow’s history only'),
  machine: z.string().optional(),
  actor: z.string().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

const csvColumns = [
  'position',
  'workflowId',
  'machine',
  'partnerId',
  'seq',
  'type',
  'outcome',
  'from',
  'to',
  'actorId',
  'actorName',
  'actorRole',
  'requestId',
  'at',
  'payload',
  'reason',
  'prevHash',
  'hash',
] as const;

interface Deps {
  db: Database;
  catalog: ApiCatalog;
  now: () => Date;
}

/** What auditors need: chain verification, anchoring digests, time travel and exports. */
export function createAuditRouter({ db, catalog, now }: Deps): Router {
  const router = Router();
  const visible = (id: string, principal: Principal) => visibleWorkflow(db, id, principal);

  catalog.add({
    method: 'get',
    path: '/v1/workflows/:id/history/verify',
    operationId: 'verifyHistory',
    tag: 'Audit',
    summary:
      "Checks the workflow's hash chain, its states, its replay, its access fields and consents; lists each problem",
    roles: 'auditor, admin',
    response: { status: 200, schema: verdict },
    errors: [401, 403, 404],
  });
  router.get('/v1/workflows/:id/history/verify', async (req, res) => {
    const principal = principalOf(req);
    const row = await visible(req.params.id, principal);
    requireRole(req, auditRoles);
    res.json({ ...(await verifyChain(db, row)), headHash: row.head_hash });
  });

  catalog.add({
    method: 'get',
    path: '/v1/workflows/:id/history/:seq/state',
    operationId: 'getStateAfter',
    tag: 'Audit',
    summary: 'The workflow as it was right after history row seq, rebuilt by replay',
    roles: 'whoever may read the workflow history',
    response: { status: 200, schema: workflowAtRow },
    errors: [401, 404, 409, 422],
  });
  router.get('/v1/workflows/:id/history/:seq/state', async (req, res) => {
    const principal = principalOf(req);
    const row = await visible(req.params.id, principal);
    const { seq } = parseWith(z.object({ seq: dbIntParam.min(1) }), req.params);
    const replayed = (await findHistoryRow(db, row.id, seq))
      ? await replayTo(db, row, seq).catch((error: unknown) => {
          if (error instanceof ProblemError) throw error;
          // Only a history changed outside the server fails to replay: say so, not 500.
          throw new Conflict(
            'history_not_replayable',
            `The history of workflow ${row.id} cannot be replayed to row ${seq}; its chain verification says where it breaks.`,
          );
        })
      : undefined;
    if (!replayed) throw new NotFound('history row');
    const then: WorkflowRow = {
      ...row,
      machine_version: replayed.definition.version,
      state: replayed.state,
      status: replayed.status,
      version: replayed.version,
      updated_at: replayed.at,
      provider_id: chosenProvider(replayed.snapshot),
    };
    // Bill-to information once handed over stays visible, in past states too.
    const withhold = withholdsBillTo(principal, restore(definitionOf(row), row).context);
    // Before a migration the workflow shows as its version then was: that machine's state
    // and next events (with today's roles for them), and no flags.
    res.json(
      toWorkflowView(
        then,
        replayed.definition,
        replayed.snapshot,
        replayed.at,
        principal,
        withhold,
      ),
    );
  });

  catalog.add({
    method: 'get',
    path: '/v1/audit/digest',
    operationId: 'getAuditDigest',
    tag: 'Audit',
    summary: "Every workflow's head hash, length and access fields, and one digest over them all",
    roles: 'auditor, admin',
    query: digestQuery,
    response: { status: 200, schema: digest },
    errors: [401, 403, 422],
  });
  router.get('/v1/audit/digest', async (req, res) => {
    requireRole(req, auditRoles);
    const query = parseWith(digestQuery, req.query);
    const q = db<WorkflowRow>('workflows')
      .select(
        'id',
        'history_length',
        'head_hash',
        'partner_id',
        'parent_id',
        'customer_id',
        'provider_id',
      )
      .orderBy('seq');
    if (query.partnerId) q.where('partner_id', query.partnerId);
    const entries: DigestEntry[] = (await q).map((w) => ({
      id: w.id,
      length: w.history_length,
      headHash: w.head_hash,
      ...accessFields(w),
    }));
    res.json({
      generatedAt: now().toISOString(),
      partnerId: query.partnerId ?? null,
      workflows: entries,
      digest: digestOf(entries),
    });
  });

  catalog.add({
    method: 'post',
    path: '/v1/audit/digest/verify',
    operationId: 'verifyAuditDigest',
    tag: 'Audit',
    summary: 'Whether today’s history extends a saved digest; names the workflows that diverge',
    roles: 'auditor, admin',
    body: digest,
    examples: {
      readme: {
        summary: 'A digest saved earlier',
        value: {
          generatedAt: '2026-11-20T09:00:00.000Z',
          partnerId: null,
          workflows: [
            {
              id: 'wf_01JD2Q8Z4X5Y6W7V8U9T0S1R2Q',
              length: 12,
              headHash: '9f2c1b0a4d3e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c',
            },
          ],
          digest: '3c9a0f1e2d4b6a8c0e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d',
        },
      },
    },
    response: {
      status: 200,
      schema: z.object({
        valid: z.boolean(),
        checked: z.number().int(),
        digestIntact: z.boolean(),
        diverged: z.array(
          z.object({
            id: z.string(),
            reason: z.enum(divergenceReasons),
          }),
        ),
      }),
    },
    errors: [400, 401, 403, 422],
  });
  router.post('/v1/audit/digest/verify', async (req, res) => {
    requireRole(req, auditRoles);
    const saved = parseBody(digest, req.body);
    const digestIntact = digestOf(saved.workflows) === saved.digest;
    const diverged = await digestDivergences(db, saved.workflows);
    res.json({
      valid: digestIntact && diverged.length === 0,
      checked: saved.workflows.length,
      digestIntact,
      diverged,
    });
  });

  catalog.add({
    method: 'get',
    path: '/v1/audit/events',
    operationId: 'exportHistory',
    tag: 'Audit',
    summary: 'History across workflows, in append order, as NDJSON or CSV (Accept)',
    roles: "auditor, admin; a partner's manager or global_admin for their own partner",
    query: exportQuery,
    otherResponses: [
      {
        status: 200,
        description: 'Every history row that matches, streamed as the client reads',
        types: {
          'application/x-ndjson': {
            schema: {
              type: 'string',
              description:
                'One JSON object per line: position, workflowId, machine, partnerId, seq, type, outcome, from, to, actor, requestId, at, payload, reason, bindings (when any), prevHash, hash.',
            },
          },
          'text/csv': {
            schema: { type: 'string', description: 'RFC 4180, with a header line' },
            example: `${csvColumns.join(',')}\n`,
          },
        },
      },
    ],
    errors: [401, 403, 404, 422],
  });
  router.get('/v1/audit/events', async (req, res) => {
    const principal = principalOf(req);
    const query = parseWith(exportQuery, req.query);
    let partnerId = query.partnerId;
    if (principal.role === 'manager' || principal.role === 'global_admin') {
      if (partnerId !== undefined && partnerId !== principal.partnerId)
        throw new NotFound('partner');
      partnerId = principal.partnerId ?? '';
    } else if (principal.role !== 'auditor' && principal.role !== 'admin') {
      throw new Forbidden();
    }
    // A workflow outside the caller's scope is not found, as everywhere else.
    if (query.workflowId !== undefined) await visible(query.workflowId, principal);
    const csv =
      req.accepts(['application/x-ndjson', 'application/json', 'text/csv']) === 'text/csv';
    const pages = exportPages(db, {
      partnerId,
      workflowId: query.workflowId,
      machine: query.machine,
      actorId: query.actor,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    res.status(200).type(csv ? 'text/csv' : 'application/x-ndjson');
    // Pages are read one short query at a time, as the client takes the rows: no connection
    // is held while a slow client downloads (the embedded database has only one).
    if (csv)
      await streamResponse(res, Readable.from(eachRow(pages, csvRecord)), csvEncoder(csvColumns));
    else await streamResponse(res, Readable.from(eachRow(pages, ndjsonLine)));
  });

  return router;
}

async function* eachRow<T>(
  pages: AsyncIterable<ExportRow[]>,
  map: (row: ExportRow) => T,
): AsyncGenerator<T> {
  for await (const page of pages) for (const row of page) yield map(row);
}

function ndjsonLine(row: ExportRow): string {
  return `${JSON.stringify(exportEntry(row))}\n`;
}

function exportEntry(row: ExportRow) {
  return {
    position: Number(row.position),
    workflowId: row.workflow_id,
    machine: row.machine,
    partnerId: row.partner_id,
    seq: row.seq,
    type: row.type,
    outcome: row.outcome,
    from: row.from_state,
    to: row.to_state,
    actor: { id: row.actor_id, name: row.actor_name, role: row.actor_role },
    requestId: row.request_id,
    at: row.at.toISOString(),
    payload: row.payload,
    reason: row.reason,
    ...(row.bindings ? { bindings: row.bindings } : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function csvRecord(row: ExportRow): Array<string | number> {
  const e = exportEntry(row);
  return [
    e.position,
    e.workflowId,
    e.machine,
    e.partnerId,
    e.seq,
    e.type,
    e.outcome,
    e.from ?? '',
    e.to,
    e.actor.id,
    e.actor.name,
    e.actor.role,
    e.requestId ?? '',
    e.at,
    JSON.stringify(e.payload),
    e.reason === null ? '' : JSON.stringify(e.reason),
    e.prevHash,
    e.hash,
  ];
}
