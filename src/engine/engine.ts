import type { Knex } from 'knex';
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type {
  CancelTimerParams,
  ChildDoneEvent,
  CreateChildParams,
  ScheduleTimerParams,
  WorkflowDefinition,
} from '../../machines/common.ts';
import { findDefinition } from '../../machines/registry.ts';
import { systemPrincipal, type Principal } from '../auth/principal.ts';
import { canSeeWorkflow } from '../auth/scope.ts';
import {
  EventNotAllowed,
  Forbidden,
  IdempotencyKeyReused,
  NotFound,
  ProblemError,
  RequirementUnmet,
  ValidationFailed,
  VersionConflict,
} from '../errors.ts';
import { newId } from '../ids.ts';
import type { Database } from '../store/database.ts';
import { appendHistory, type HistoryRow } from '../store/history.ts';
import { reserveKey, storeResponse, type StoredResponse } from '../store/idempotency.ts';
import { findPartner } from '../store/partners.ts';
import { claimDueTimer, deleteTimers, insertTimer } from '../store/timers.ts';
import {
  insertWorkflow,
  lockWorkflow,
  openChildren,
  updateWorkflow,
  type WorkflowRow,
  type WorkflowStatus,
} from '../store/workflows.ts';
import type { Clock } from './clock.ts';
import { chainHash, genesisHash } from './hash.ts';
import { acceptedEventTypes, contractState, nextEvents } from './introspection.ts';
import { zodFieldErrors } from './validation.ts';
import { dueAt } from './time.ts';
import { toWorkflowView } from './workflow-view.ts';
import { withTransactionRetry } from './retry.ts';

export interface EngineDeps {
  db: Database;
  clock: Clock;
}

export interface SendEventRequest {
  workflowId: string;
  principal: Principal;
  body: unknown;
  requestId: string;
  ifMatch?: string | undefined;
  idempotencyKey?: string | undefined;
  /** Identifies the request for idempotency: a reused key must carry the same one. */
  requestHash: string;
}

export interface CreateWorkflowRequest {
  machine: string;
  input: Record<string, unknown>;
  partnerId: string;
  parentId?: string | null;
  customerId?: string | null;
  providerId?: string | null;
  principal: Principal;
  requestId: string | null;
}

/** Who acted and why, written into every history row of one request. */
interface Cause {
  principal: Principal;
  requestId: string | null;
  now: Date;
}

type StepResult = { ok: true; row: WorkflowRow } | { ok: false; error: ProblemError };

/**
 * Runs workflows: every change is a pure XState transition followed by one transaction that
 * writes the snapshot, its history row and every effect, or writes nothing at all.
 */
export class Engine {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: EngineDeps) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  now(): Date {
    return this.#clock.now();
  }

  /** Creates a top-level workflow inside the caller's transaction, beside the caller's own checks. */
  async create(tx: Knex.Transaction, request: CreateWorkflowRequest): Promise<WorkflowRow> {
    const cause = {
      principal: request.principal,
      requestId: request.requestId,
      now: this.#clock.now(),
    };
    return this.#create(tx, request, cause);
  }

  /**
   * Applies one event sent over the API and answers as the API will, storing that answer
   * under the idempotency key in the same transaction.
   */
  async send(request: SendEventRequest): Promise<StoredResponse> {
    return withTransactionRetry(() =>
      this.#db.transaction(async (tx) => {
        const now = this.#clock.now();
        const { principal, idempotencyKey } = request;
        if (idempotencyKey !== undefined) {
          const reservation = await reserveKey(
            tx,
            principal.id,
            idempotencyKey,
            request.requestHash,
            now,
          );
          if (reservation.kind === 'replay') {
            if (reservation.requestHash !== request.requestHash || !reservation.response) {
              return problemResponse(new IdempotencyKeyReused());
            }
            return {
              ...reservation.response,
              headers: { ...reservation.response.headers, 'Idempotent-Replayed': 'true' },
            };
          }
        }
        const response = await this.#sendInTransaction(tx, request, {
          principal,
          requestId: request.requestId,
          now,
        });
        if (idempotencyKey !== undefined)
          await storeResponse(tx, principal.id, idempotencyKey, response);
        return response;
      }),
    );
  }

  async #sendInTransaction(
    tx: Knex.Transaction,
    request: SendEventRequest,
    cause: Cause,
  ): Promise<StoredResponse> {
    const row = await lockWorkflow(tx, request.workflowId);
    if (!row || !canSeeWorkflow(cause.principal, row))
      return problemResponse(new NotFound('workflow'));
    const result = await this.#step(tx, row, request.body, cause, request.ifMatch);
    if (!result.ok) return problemResponse(result.error);
    const definition = definitionOf(result.row);
    const snapshot = restore(definition, result.row);
    return {
      status: 200,
      body: toWorkflowView(result.row, definition, snapshot, cause.now),
      headers: { ETag: `"${result.row.version}"` },
    };
  }

  /**
   * Decides and applies one event on a locked row. A refusal is written to the history as
   * `rejected` and returned, never thrown, so the transaction keeps that record.
   */
  async #step(
    tx: Knex.Transaction,
    row: WorkflowRow,
    body: unknown,
    cause: Cause,
    ifMatch?: string,
  ): Promise<StepResult> {
    const definition = definitionOf(row);
    const snapshot = restore(definition, row);
    const type = eventType(body);
    const payload = payloadOf(body);
    const refuse = async (error: ProblemError): Promise<StepResult> => {
      await this.#recordRejection(tx, row, type ?? '(none)', payload, cause, error);
      return { ok: false, error };
    };

    if (cause.principal.role === 'auditor')
      return refuse(new Forbidden('Auditors can read but not act.'));
    const spec = type === undefined ? undefined : definition.events[type];
    if (type === undefined || !spec) {
      return refuse(
        new ValidationFailed([
          {
            path: 'type',
            message: `must be one of the ${definition.name} events: ${Object.keys(definition.events).join(', ')}`,
          },
        ]),
      );
    }
    if (!spec.roles.includes(cause.principal.role)) {
      return refuse(new Forbidden(`${type} may be sent by: ${spec.roles.join(', ')}.`));
    }
    if (ifMatch !== undefined && parseEtag(ifMatch) !== row.version) {
      return refuse(new VersionConflict(ifMatch, row.version));
    }
    if (snapshot.status !== 'active' || !acceptedEventTypes(snapshot).has(type)) {
      return refuse(new EventNotAllowed(row.state, type, nextEvents(definition, snapshot)));
    }
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) return refuse(new ValidationFailed(zodFieldErrors(parsed.error)));
    const event = parsed.data;
    const unmet = spec.refusals?.(snapshot.context as never, event as never) ?? [];
    if (unmet.length > 0) return refuse(new RequirementUnmet(unmet));

    const [next, actions] = transition(definition.machine, snapshot, event);
    if (next === snapshot) {
      // Every guard said no; the rules above should have named why, so say what can be sent.
      return refuse(new EventNotAllowed(row.state, type, nextEvents(definition, snapshot)));
    }
    const updated = await this.#persist(tx, row, definition, next, type, payload, cause);
    await this.#runEffects(tx, updated, actions, cause);
    await this.#reportIfFinished(tx, updated, definition, next, cause);
    return { ok: true, row: updated };
  }

  async #persist(
    tx: Knex.Transaction,
    row: WorkflowRow,
    definition: WorkflowDefinition,
    next: AnyMachineSnapshot,
    type: string,
    payload: Record<string, unknown>,
    cause: Cause,
  ): Promise<WorkflowRow> {
    const to = contractState(next);
    const history = this.#historyRow(row, type, payload, cause, row.state, to, 'applied', null);
    const change = {
      snapshot: definition.machine.getPersistedSnapshot(next) as Record<string, unknown>,
      state: to,
      status: statusOf(next),
      version: row.version + 1,
      history_length: history.seq,
      head_hash: history.hash,
      updated_at: cause.now,
    };
    await updateWorkflow(tx, row, change);
    await appendHistory(tx, history);
    if (change.status !== 'active') await deleteTimers(tx, row.id);
    return { ...row, ...change };
  }

  async #recordRejection(
    tx: Knex.Transaction,
    row: WorkflowRow,
    type: string,
    payload: Record<string, unknown>,
    cause: Cause,
    error: ProblemError,
  ): Promise<void> {
    const reasons = error.extra.reasons;
    const reason = {
      status: error.status,
      code: error.code,
      detail: error.message,
      ...(reasons ? { reasons } : {}),
    };
    const history = this.#historyRow(
      row,
      type,
      payload,
      cause,
      row.state,
      row.state,
      'rejected',
      reason,
    );
    await updateWorkflow(tx, row, {
      snapshot: row.snapshot,
      state: row.state,
      status: row.status,
      version: row.version,
      history_length: history.seq,
      head_hash: history.hash,
      updated_at: row.updated_at,
    });
    await appendHistory(tx, history);
    row.history_length = history.seq;
    row.head_hash = history.hash;
  }

  #historyRow(
    row: Pick<WorkflowRow, 'id' | 'history_length' | 'head_hash'>,
    type: string,
    payload: Record<string, unknown>,
    cause: Cause,
    from: string | null,
    to: string,
    outcome: HistoryRow['outcome'],
    reason: HistoryRow['reason'],
  ): HistoryRow {
    const unhashed = {
      workflow_id: row.id,
      seq: row.history_length + 1,
      type,
      payload,
      actor_id: cause.principal.id,
      actor_name: cause.principal.name,
      actor_role: cause.principal.role,
      request_id: cause.requestId,
      from_state: from,
      to_state: to,
      outcome,
      reason,
      at: cause.now,
      prev_hash: row.head_hash,
    };
    return { ...unhashed, hash: chainHash(row.head_hash, hashedContent(unhashed)) };
  }

  async #create(
    tx: Knex.Transaction,
    request: CreateWorkflowRequest,
    cause: Cause,
  ): Promise<WorkflowRow> {
    const definition = findDefinition(request.machine);
    if (!definition) throw new Error(`Unknown machine ${request.machine}`);
    const input = definition.input.parse(request.input) as Record<string, unknown>;
    const [snapshot, actions] = initialTransition(definition.machine, input);
    const blank: WorkflowRow = {
      id: newId('wf'),
      machine: definition.name,
      machine_version: definition.version,
      snapshot: definition.machine.getPersistedSnapshot(snapshot),
      state: contractState(snapshot),
      status: statusOf(snapshot),
      version: 1,
      history_length: 0,
      head_hash: genesisHash,
      parent_id: request.parentId ?? null,
      partner_id: request.partnerId,
      customer_id: request.customerId ?? null,
      provider_id: request.providerId ?? null,
      created_at: cause.now,
      updated_at: cause.now,
    };
    const history = this.#historyRow(
      blank,
      'CREATED',
      input,
      cause,
      null,
      blank.state,
      'applied',
      null,
    );
    const row = { ...blank, history_length: 1, head_hash: history.hash };
    await insertWorkflow(tx, row);
    await appendHistory(tx, history);
    await this.#runEffects(tx, row, actions, cause);
    await this.#reportIfFinished(tx, row, definition, snapshot, cause);
    return row;
  }

  async #runEffects(
    tx: Knex.Transaction,
    row: WorkflowRow,
    actions: ReadonlyArray<{ type: string; params?: unknown }>,
    cause: Cause,
  ): Promise<void> {
    for (const action of actions) {
      switch (action.type) {
        case 'createChild': {
          const params = action.params as CreateChildParams;
          await this.#create(
            tx,
            {
              machine: params.machine,
              input: {
                ...(await this.#childFacts(tx, params.machine, row.partner_id)),
                ...params.input,
              },
              partnerId: row.partner_id,
              parentId: row.id,
              customerId: params.customerId ?? null,
              providerId: row.provider_id,
              principal: cause.principal,
              requestId: cause.requestId,
            },
            cause,
          );
          break;
        }
        case 'scheduleTimer': {
          const params = action.params as ScheduleTimerParams;
          await insertTimer(tx, {
            id: newId('tmr'),
            workflow_id: row.id,
            key: params.key,
            event: params.event,
            due_at: dueAt(params.after, cause.now),
            created_at: cause.now,
          });
          break;
        }
        case 'cancelTimer':
          await deleteTimers(tx, row.id, (action.params as CancelTimerParams).key);
          break;
        case 'cancelChildren':
          await this.#cancelChildren(tx, row.id, cause);
          break;
      }
    }
  }

  /** Facts a child needs that live outside its parent's context (the partner's profile). */
  async #childFacts(
    tx: Knex.Transaction,
    machine: string,
    partnerId: string,
  ): Promise<Record<string, unknown>> {
    if (machine !== 'enrollment') return {};
    const partner = await findPartner(tx, partnerId);
    if (!partner) throw new Error(`Partner ${partnerId} is missing`);
    return {
      profile: partner.profile,
      plaRegion: partner.pla_region,
      cspRegion: partner.csp_region,
    };
  }

  /** Cancelled children keep their last state; only their status and history say so. */
  async #cancelChildren(tx: Knex.Transaction, parentId: string, cause: Cause): Promise<void> {
    const system = { ...cause, principal: systemPrincipal };
    for (const child of await openChildren(tx, parentId)) {
      const history = this.#historyRow(
        child,
        'PARENT_CANCELLED',
        { parentId },
        system,
        child.state,
        child.state,
        'applied',
        null,
      );
      await updateWorkflow(tx, child, {
        snapshot: child.snapshot,
        state: child.state,
        status: 'cancelled',
        version: child.version + 1,
        history_length: history.seq,
        head_hash: history.hash,
        updated_at: cause.now,
      });
      await appendHistory(tx, history);
      await deleteTimers(tx, child.id);
      await this.#cancelChildren(tx, child.id, cause);
    }
  }

  /** A child that reached a final state tells its parent, in the same transaction. */
  async #reportIfFinished(
    tx: Knex.Transaction,
    row: WorkflowRow,
    definition: WorkflowDefinition,
    snapshot: AnyMachineSnapshot,
    cause: Cause,
  ): Promise<void> {
    if (!row.parent_id || row.status === 'active') return;
    const parent = await lockWorkflow(tx, row.parent_id);
    if (!parent || parent.status !== 'active') return;
    const report: ChildDoneEvent = {
      type: 'CHILD_DONE',
      childId: row.id,
      machine: definition.name,
      customerId: row.customer_id,
      state: row.state,
      status: row.status === 'done' ? 'done' : 'cancelled',
      ...(snapshot.output === undefined ? {} : { output: snapshot.output as unknown }),
    };
    await this.#step(tx, parent, report, { ...cause, principal: systemPrincipal });
  }

  /**
   * Fires every timer due by now, each in its own transaction. Returns how many fired; safe
   * to run from several processes at once.
   */
  async fireDueTimers(): Promise<number> {
    let fired = 0;
    for (;;) {
      const done = await withTransactionRetry(() =>
        this.#db.transaction(async (tx) => {
          const now = this.#clock.now();
          const timer = await claimDueTimer(tx, now);
          if (!timer) return false;
          const row = await lockWorkflow(tx, timer.workflow_id);
          if (row && row.status === 'active') {
            await this.#step(tx, row, timer.event, {
              principal: systemPrincipal,
              requestId: null,
              now,
            });
          }
          return true;
        }),
      );
      if (!done) return fired;
      fired += 1;
    }
  }
}

export function definitionOf(
  row: Pick<WorkflowRow, 'machine' | 'machine_version' | 'id'>,
): WorkflowDefinition {
  const definition = findDefinition(row.machine);
  if (!definition || definition.version !== row.machine_version) {
    throw new UnknownMachineVersion(row.id, row.machine, row.machine_version);
  }
  return definition;
}

/** A snapshot stored by a definition this build does not serve is refused, never guessed. */
export class UnknownMachineVersion extends ProblemError {
  constructor(id: string, machine: string, version: number) {
    super(
      409,
      'machine_version_unsupported',
      'Machine version not supported',
      `Workflow ${id} was stored by ${machine} version ${version}, which this server does not run.`,
    );
  }
}

export function restore(
  definition: WorkflowDefinition,
  row: Pick<WorkflowRow, 'snapshot'>,
): AnyMachineSnapshot {
  return definition.machine.resolveState(
    row.snapshot as Parameters<typeof definition.machine.resolveState>[0],
  );
}

function statusOf(snapshot: AnyMachineSnapshot): WorkflowStatus {
  if (snapshot.status === 'active') return 'active';
  const state = contractState(snapshot);
  return state === 'cancelled' || state === 'withdrawn' ? 'cancelled' : 'done';
}

function eventType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const type = (body as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

function payloadOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const { type: _type, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** Accepts `"3"`, `W/"3"` and a bare `3`; anything else matches no version. */
export function parseEtag(value: string): number {
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  return match?.[1] ? Number(match[1]) : Number.NaN;
}

/** The fields covered by a history row's hash (everything but the hash itself), in API names. */
export function hashedContent(row: Omit<HistoryRow, 'hash'>): Record<string, unknown> {
  return {
    workflowId: row.workflow_id,
    seq: row.seq,
    type: row.type,
    payload: row.payload,
    actor: { id: row.actor_id, name: row.actor_name, role: row.actor_role },
    requestId: row.request_id,
    from: row.from_state,
    to: row.to_state,
    outcome: row.outcome,
    reason: row.reason,
    at: row.at.toISOString(),
  };
}

function problemResponse(error: ProblemError): StoredResponse {
  return { status: error.status, body: error.toProblem(), headers: {} };
}
