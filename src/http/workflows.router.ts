import { createHash } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { findDefinition } from '../../machines/registry.ts';
import { principalOf } from '../auth/authenticate.ts';
import { partnerRoles } from '../auth/principal.ts';
import { canSeePartner } from '../auth/scope.ts';
import { definitionOf, restore, type Engine } from '../engine/engine.ts';
import { canonicalJson } from '../engine/hash.ts';
import { toUnsupportedView, toWorkflowView } from '../engine/workflow-view.ts';
import { Conflict, Forbidden, MalformedRequest, NotFound } from '../errors.ts';
import type { Database } from '../store/database.ts';
import { isUniqueViolation } from '../store/errors.ts';
import { listHistory, type HistoryRow } from '../store/history.ts';
import { findPartner } from '../store/partners.ts';
import { findOpenTransition, listWorkflows, type WorkflowRow } from '../store/workflows.ts';
import type { Principal } from '../auth/principal.ts';
import { withholdsBillTo, withoutBillTo } from '../engine/redaction.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { idempotentCreate, sendStored } from './idempotent-create.ts';
import { dbBigInt, dbInt } from './numbers.ts';
import type { ApiCatalog } from './openapi.ts';
import { eventRequestBody } from './event-schemas.ts';
import {
  createTransition,
  historyEntry,
  historyQuery,
  page,
  workflow,
  workflowQuery,
} from './schemas.ts';
import { parseBody, parseWith } from './validate.ts';
import { visibleWorkflow } from './visible-workflow.ts';

interface Deps {
  db: Database;
  engine: Engine;
  catalog: ApiCatalog;
}

export function createWorkflowRouter({ db, engine, catalog }: Deps): Router {
  const router = Router();
  const view = (row: WorkflowRow, principal: Principal) => {
    const definition = definitionOf(row);
    return toWorkflowView(row, definition, restore(definition, row), engine.now(), principal);
  };
  const visible = (id: string, principal: Principal) => visibleWorkflow(db, id, principal);

  catalog.add({
    method: 'post',
    path: '/v1/transitions',
    operationId: 'startTransition',
    tag: 'Partners and transitions',
    summary: "Starts a partner's transition from direct bill to indirect reseller",
    roles: 'manager, global_admin of that partner',
    body: createTransition,
    examples: {
      existingTenant: {
        summary: 'Keep the existing tenant',
        value: { partnerId: 'ptn_01JD2Q8Z4X5Y6W7V8U9T0S1R2Q', tenantStrategy: 'existing_tenant' },
      },
    },
    response: { status: 201, schema: workflow, headers: ['Location', 'ETag'] },
    errors: [400, 401, 403, 404, 409, 422],
    idempotent: true,
  });
  router.post('/v1/transitions', async (req, res) => {
    const principal = principalOf(req);
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new MalformedRequest('The body must be a JSON object.');
    }
    const response = await idempotentCreate(
      db,
      req,
      () => engine.now(),
      async (tx) => {
        // The subject is looked up before the schema so that an unknown partner is a 404 (SPEC §3).
        const partnerId: unknown = (req.body as { partnerId?: unknown }).partnerId;
        const partner =
          typeof partnerId === 'string' ? await findPartner(tx, partnerId) : undefined;
        if (typeof partnerId === 'string' && (!partner || !canSeePartner(principal, partner.id))) {
          throw new NotFound('partner');
        }
        if (!partnerRoles.includes(principal.role)) throw new Forbidden();
        const body = parseBody(createTransition, req.body);
        const open = await findOpenTransition(tx, body.partnerId);
        if (open) throw transitionExists(open.id);
        const created = await engine
          .create(tx, {
            machine: 'transition',
            input: {
              tenantStrategy: body.tenantStrategy,
              migrationDeadline: body.migrationDeadline ?? null,
            },
            partnerId: body.partnerId,
            principal,
            requestId: req.requestId,
          })
          .catch((error: unknown) => {
            // Another request opened one at the same moment: the unique index decides.
            throw isUniqueViolation(error) ? transitionExists() : error;
          });
        return {
          status: 201,
          headers: { Location: `/v1/workflows/${created.id}`, ETag: `"${created.version}"` },
          body: view(created, principal),
        };
      },
    );
    sendStored(res, response);
  });

  catalog.add({
    method: 'get',
    path: '/v1/workflows',
    operationId: 'listWorkflows',
    tag: 'Workflows and events',
    summary: 'Lists workflows the caller may see, filters ANDed, oldest first',
    roles: 'any, scoped',
    query: workflowQuery,
    response: { status: 200, schema: page(workflow) },
    errors: [401, 422],
  });
  router.get('/v1/workflows', async (req, res) => {
    const principal = principalOf(req);
    const query = parseWith(workflowQuery, req.query);
    const after = decodeCursor(z.object({ seq: dbBigInt.min(0) }), query.cursor);
    const rows = await listWorkflows(db, principal, query, query.limit + 1, after);
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    res.json({
      // One row of a version this build does not run must not hide all the others.
      items: shown.map((row) =>
        findDefinition(row.machine)?.version === row.machine_version
          ? view(row, principal)
          : toUnsupportedView(row),
      ),
      nextCursor:
        rows.length > query.limit && last?.seq !== undefined
          ? encodeCursor({ seq: Number(last.seq) })
          : null,
    });
  });

  catalog.add({
    method: 'get',
    path: '/v1/workflows/:id',
    operationId: 'getWorkflow',
    tag: 'Workflows and events',
    summary: 'One workflow, with its version as ETag',
    roles: 'any, scoped',
    response: { status: 200, schema: workflow, headers: ['ETag'] },
    errors: [401, 404, 409],
  });
  router.get('/v1/workflows/:id', async (req, res) => {
    const principal = principalOf(req);
    const row = await visible(req.params.id, principal);
    res.set('ETag', `"${row.version}"`).json(view(row, principal));
  });

  catalog.add({
    method: 'post',
    path: '/v1/workflows/:id/events',
    operationId: 'sendEvent',
    tag: 'Workflows and events',
    summary: 'Applies one event to a workflow',
    roles: 'by event (see /v1/machines)',
    description:
      'The body is one of the events of the workflow’s machine; `GET /v1/machines/{name}` lists them with the states that take them. A refusal is recorded in the history too.',
    body: eventRequestBody(),
    examples: eventExamples,
    response: { status: 200, schema: workflow, headers: ['ETag'] },
    errors: [400, 401, 403, 404, 409, 412, 422],
    ifMatch: true,
    idempotent: true,
  });
  router.post('/v1/workflows/:id/events', async (req, res) => {
    const principal = principalOf(req);
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new MalformedRequest('The body must be a JSON object with a type.');
    }
    const body: unknown = req.body;
    const idempotencyKey = req.get('idempotency-key');
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > 200)
    ) {
      throw new MalformedRequest('Idempotency-Key must be 1 to 200 characters.');
    }
    const response = await engine.send({
      workflowId: req.params.id,
      principal,
      body,
      requestId: req.requestId,
      ifMatch: req.get('if-match'),
      idempotencyKey,
      requestHash: createHash('sha256')
        .update(`POST /v1/workflows/${req.params.id}/events\n${canonicalJson(body)}`)
        .digest('hex'),
    });
    res.status(response.status).set(response.headers);
    res.type(response.status >= 400 ? 'application/problem+json' : 'application/json');
    res.send(JSON.stringify(response.body));
  });

  catalog.add({
    method: 'get',
    path: '/v1/workflows/:id/history',
    operationId: 'listHistory',
    tag: 'Workflows and events',
    summary: 'The history of a workflow, applied and rejected events, oldest first',
    roles: 'any, scoped',
    query: historyQuery,
    response: { status: 200, schema: page(historyEntry) },
    errors: [401, 404, 409, 422],
  });
  router.get('/v1/workflows/:id/history', async (req, res) => {
    const principal = principalOf(req);
    const row = await visible(req.params.id, principal);
    const withhold = withholdsBillTo(principal, restore(definitionOf(row), row).context);
    const query = parseWith(historyQuery, req.query);
    const after = decodeCursor(z.object({ seq: dbInt.min(0) }), query.cursor);
    const rows = await listHistory(db, row.id, after?.seq ?? 0, query.limit + 1);
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    res.json({
      items: shown.map((h) =>
        toHistoryEntry(withhold ? { ...h, payload: withoutBillTo(h.payload) } : h),
      ),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ seq: last.seq }) : null,
    });
  });

  return router;
}

/** Events from the README's walkthrough. */
const eventExamples = {
  confirmProfile: {
    summary: 'Transition: confirm the profile',
    value: { type: 'CONFIRM_PROFILE' },
  },
  restrictionRequested: {
    summary: 'Transition: support was asked to restrict direct bill',
    value: { type: 'RESTRICTION_REQUESTED', supportTicketId: 'SR-1001' },
  },
  partnershipRequested: {
    summary: 'Transition: ask a provider for a partnership',
    value: { type: 'PARTNERSHIP_REQUESTED', providerId: 'prv_01JD2Q8Z4X5Y6W7V8U9T0S1R2Q' },
  },
  acceptAgreement: {
    summary: 'Enrollment: accept the Microsoft Partner Agreement',
    value: { type: 'ACCEPT_AGREEMENT', agreementVersion: 'MPA-2026' },
  },
  consentGranted: {
    summary: 'Reseller relationship: consent recorded from a signed form',
    value: {
      type: 'CONSENT_GRANTED',
      grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
      method: 'signed_form',
      statementVersion: 'rre-consent-v1',
      evidenceRef: 'DMS-4411',
    },
  },
  acceptanceRecorded: {
    summary: 'MCA: the provider records the customer’s acceptance',
    value: {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Carla', lastName: 'Jung', email: 'carla@fabrikam.example' },
      dateAgreed: '2026-11-20',
    },
  },
  detailsConfirmed: {
    summary: 'Subscription transfer: the provider confirms what moves',
    value: { type: 'DETAILS_CONFIRMED', subscriptionIds: ['fab-e3', 'fab-e1-nce'] },
  },
};

function transitionExists(id?: string): Conflict {
  return new Conflict(
    'transition_exists',
    'The partner already has a transition that is not final.',
    id ? { workflowId: id } : {},
  );
}

export function toHistoryEntry(row: HistoryRow): z.infer<typeof historyEntry> {
  return {
    seq: row.seq,
    type: row.type,
    payload: row.payload,
    actor: { id: row.actor_id, name: row.actor_name, role: row.actor_role },
    requestId: row.request_id,
    from: row.from_state,
    to: row.to_state,
    outcome: row.outcome,
    ...(row.reason ? { reason: row.reason } : {}),
    at: row.at.toISOString(),
    ...(row.bindings ? { bindings: row.bindings } : {}),
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}
