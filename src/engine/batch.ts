import { createHash } from 'node:crypto';
import { eventSpec, isClientRole } from '../../machines/common.ts';
import { findDefinition } from '../../machines/registry.ts';
import type { Principal } from '../auth/principal.ts';
import { Forbidden, ProblemError, Unavailable, ValidationFailed } from '../errors.ts';
import type { Database } from '../store/database.ts';
import {
  countWorkflows,
  listWorkflows,
  type PageCursor,
  type WorkflowFilter,
} from '../store/workflows.ts';
import type { StoredResponse } from '../store/idempotency.ts';
import type { Engine, SendEventRequest } from './engine.ts';
import { canonicalJson } from './hash.ts';
import { zodFieldErrors } from './validation.ts';

export interface BatchRequest {
  principal: Principal;
  /** Which workflows: `machine` is required, since the event is one of that machine's. */
  filter: WorkflowFilter & { machine: string };
  event: { type: string } & Record<string, unknown>;
  /** How many matching workflows this call takes, in creation order after `after`. */
  limit: number;
  after: PageCursor | undefined;
  requestId: string;
  /** Makes a repeated call harmless: each workflow's event is keyed by it. */
  idempotencyKey?: string | undefined;
}

interface Outcome {
  workflowId: string;
  customerId: string | null;
  /** The status the single-event route would have answered. */
  status: number;
}

export type BatchItem =
  | (Outcome & { outcome: 'applied'; state: string; version: number })
  | (Outcome & {
      outcome: 'refused';
      code: string;
      detail: string;
      /** Whatever else the refusal names: unmet rules, refused fields, events now taken. */
      problem: Record<string, unknown>;
    });

export interface BatchResult {
  items: BatchItem[];
  /** The last workflow taken, for the next call; undefined when none is left to take. */
  next: PageCursor | undefined;
  /** Matching workflows after this call's, as counted once it was done. */
  remaining: number;
}

/** Workflows handled side by side within one call; each still in a transaction of its own. */
const inFlight = 4;

/**
 * Refuses the whole batch before any workflow is touched when the event could not be applied
 * to any of them: an unknown machine or event, a role that may never send it, a payload
 * that does not fit. Rules that depend on each workflow's state are left to each.
 */
export function refusalOfBatch(
  request: Pick<BatchRequest, 'principal' | 'filter' | 'event'>,
): ProblemError | undefined {
  const { principal, filter, event } = request;
  // In the order the single-event route refuses in: an auditor before anything else.
  if (principal.role === 'auditor') return new Forbidden('Auditors can read but not act.');
  const definition = findDefinition(filter.machine);
  if (!definition) {
    return new ValidationFailed([{ path: 'filter.machine', message: 'is not a known machine' }]);
  }
  const spec = eventSpec(definition, event.type);
  const sendable = spec?.roles.some(isClientRole);
  if (!spec || !sendable) {
    const known = Object.entries(definition.events)
      .filter(([, s]) => s.roles.some(isClientRole))
      .map(([type]) => type);
    return new ValidationFailed([
      {
        path: 'event.type',
        message: `must be one of the ${definition.name} events: ${known.join(', ')}`,
      },
    ]);
  }
  if (!spec.roles.includes(principal.role)) {
    return new Forbidden(`${event.type} may be sent by: ${spec.roles.join(', ')}.`);
  }
  const parsed = spec.schema.safeParse(event);
  if (!parsed.success) {
    return new ValidationFailed(
      zodFieldErrors(parsed.error).map((e) => ({
        ...e,
        path: e.path ? `event.${e.path}` : 'event',
      })),
    );
  }
  return undefined;
}

/**
 * Sends one event to each workflow that matches a filter, a page at a time, as if each had
 * been sent alone: its own transaction, the same rules, the same history (a refusal is
 * recorded as `rejected`). Each carries the version read when the page was chosen as its
 * `If-Match`, so a workflow that moved meanwhile is refused (412), never acted on blind.
 */
export async function sendToEach(
  db: Database,
  engine: Engine,
  request: BatchRequest,
): Promise<BatchResult> {
  const { principal, filter, event, limit, after } = request;
  const rows = await listWorkflows(db, principal, filter, limit, after);
  const body = canonicalJson(event);
  const items: BatchItem[] = new Array<BatchItem>(rows.length);
  let nextIndex = 0;
  // An error that is no refusal ends the call: the workflows in flight finish, no other is
  // taken, and only then is the error answered, so nothing moves after the caller is told.
  let failed = false;
  const work = async () => {
    for (let i = nextIndex++; i < rows.length && !failed; i = nextIndex++) {
      const row = rows[i]!;
      const response = await sendOne(engine, {
        workflowId: row.id,
        principal,
        body: event,
        requestId: request.requestId,
        ifMatch: `"${row.version}"`,
        idempotencyKey:
          request.idempotencyKey === undefined
            ? undefined
            : `batch:${request.idempotencyKey}:${row.id}`,
        requestHash: createHash('sha256')
          .update(`POST /v1/workflows/events:batch ${row.id}\n${body}`)
          .digest('hex'),
      }).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      items[i] = toItem(row.id, row.customer_id, response.status, response.body);
    }
  };
  const workers = await Promise.allSettled(
    Array.from({ length: Math.min(inFlight, rows.length) }, work),
  );
  const failure = workers.find((w) => w.status === 'rejected');
  if (failure) {
    const done = items.filter((item) => item !== undefined);
    // Nothing was handled: the failure is answered as any route answers it.
    if (done.length === 0) throw failure.reason;
    const interrupted = new Unavailable('batch_interrupted', { results: done });
    interrupted.cause = failure.reason;
    throw interrupted;
  }
  const last = rows.at(-1);
  const next = last?.seq === undefined ? undefined : { seq: Number(last.seq) };
  const remaining = rows.length < limit ? 0 : await countWorkflows(db, principal, filter, next);
  return { items, next: remaining > 0 ? next : undefined, remaining };
}

/**
 * One workflow's event. A refusal thrown rather than answered (a workflow stored by a machine
 * version this server does not run) is that workflow's result, not the whole call's.
 */
async function sendOne(engine: Engine, request: SendEventRequest): Promise<StoredResponse> {
  try {
    return await engine.send(request);
  } catch (error) {
    if (error instanceof ProblemError) {
      return { status: error.status, body: error.toProblem(), headers: {} };
    }
    throw error;
  }
}

function toItem(
  workflowId: string,
  customerId: string | null,
  status: number,
  body: unknown,
): BatchItem {
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (status < 300) {
    return {
      workflowId,
      customerId,
      status,
      outcome: 'applied',
      state: String(answer.state),
      version: Number(answer.version),
    };
  }
  const { type: _type, title: _title, status: _status, code, detail, ...problem } = answer;
  return {
    workflowId,
    customerId,
    status,
    outcome: 'refused',
    code: String(code),
    detail: String(detail),
    problem,
  };
}
