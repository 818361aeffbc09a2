import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Knex } from 'knex';
import { transition, type AnyMachineSnapshot } from 'xstate';
import {
  effectActions,
  eventSpec,
  refusalCode,
  type CancelCustomerChildrenParams,
  type CallPartnerCenterParams,
  type CancelTimerParams,
  type ChildDoneEvent,
  type ChildState,
  type CloseConsentLinksParams,
  type CreateChildParams,
  type CreateCustomerChildrenParams,
  type GrantVisibilityParams,
  type RecordConsentParams,
  type RecordCustomerOutcomeParams,
  type Refusal,
  type ScheduleTimerParams,
  type WorkflowDefinition,
} from '../../machines/common.ts';
import { definitions, findDefinition } from '../../machines/registry.ts';
import { partnerCenterPrincipal, systemPrincipal, type Principal } from '../auth/principal.ts';
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
import { findPartner } from '../store/partners.ts';
import type { Database } from '../store/database.ts';
import {
  closeConsentRequests,
  consentRequestStatus,
  findConsentRequest,
  insertConsent,
  markConsentRequestUsed,
  revokeConsent,
  type ConsentRow,
} from '../store/consents.ts';
import {
  checkParentReferences,
  deferParentReferenceChecks,
  findOpenTransitionRow,
  insertWorkflowsWithHistory,
  lockOpenTransition,
  writeSteps,
} from '../store/customer-planning.ts';
import type { Bindings, HistoryRow } from '../store/history.ts';
import {
  keyRetentionMs,
  purgeKeys,
  reserveKey,
  storeResponse,
  type StoredResponse,
} from '../store/idempotency.ts';
import {
  customersToPlan,
  grantViewer,
  latestChildren,
  openCustomerChildren,
  recordOutcome,
} from '../store/moves.ts';
import {
  claimTimer,
  deleteTimers,
  dueTimers,
  insertTimer,
  recordFailedAttempt,
  type NewTimer,
} from '../store/timers.ts';
import {
  findWorkflow,
  insertWorkflowWithHistory,
  lockWorkflow,
  lockWorkflowAfterAncestors,
  openChildren,
  writeStep,
  writeStepIfUnchanged,
  type StepNotice,
  type WorkflowChange,
  type WorkflowRow,
  type WorkflowStatus,
} from '../store/workflows.ts';
import { eventsOfStep } from '../webhooks/events.ts';
import { insertOutbox } from '../store/outbox.ts';
import { isConnected } from '../store/partner-center-links.ts';
import { partnerCenterCall } from '../partner-center/connected/call-message.ts';
import { childInput, type KnownRows } from './child-inputs.ts';
import { newWorkflow } from './creation.ts';
import { consentToRecord } from './consent-record.ts';
import type { Clock } from './clock.ts';
import { loadFacts } from './facts.ts';
import type { EngineObserver } from './observer.ts';
import {
  accessFields,
  boundedPayload,
  boundedReason,
  boundedType,
  consentEvidenceHash,
  nextHistoryRow,
  type RowAuthor,
} from './history-chain.ts';
import {
  acceptedEventTypes,
  contractState,
  finishingEventTypes,
  nextEvents,
} from './introspection.ts';
import { withTransactionRetry } from './retry.ts';
import { dueAt } from './time.ts';
import {
  defaultTimerRetry,
  describeError,
  retryDelayMs,
  type TimerRetryPolicy,
} from './timer-retry.ts';
import { zodFieldErrors } from './validation.ts';
import { toWorkflowView } from './workflow-view.ts';

export interface EngineDeps {
  db: Database;
  clock: Clock;
  /** Told of every event recorded, once committed; nothing is told when absent. */
  observer?: EngineObserver;
  timerRetry?: TimerRetryPolicy;
  /** How long the outbox tries to carry out what an event announces; 24 hours if not given. */
  outboxRetryForMs?: number;
}

/** A timer whose attempt failed and was rolled back; `givenUp` once it will not be tried again. */
export interface TimerFailure {
  timerId: string;
  workflowId: string;
  attempts: number;
  givenUp: boolean;
  nextAttemptAt: Date | null;
  error: string;
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
  /** Where an answer given through a consent link came from. */
  evidence?: LinkEvidence;
  /** The Partner Center call a reported event came from. */
  reported?: PartnerCenterEvidence;
  /**
   * How many times each workflow was written in this transaction. The answer to an event
   * re-reads its row only when something besides the event itself moved it (a child that
   * finished at once and reported back), which saves a round trip on nearly every event.
   */
  writes: Map<string, number>;
}

/** What ties an event Partner Center reported to the calls it came from. */
export interface PartnerCenterEvidence {
  /** The step the call carried out, or `observed` for what a read found. */
  operation: string;
  requestId: string;
  correlationId: string;
  /** Partner Center's id of what the step concerns: a transfer, a migration, a GDAP relationship. */
  resourceId?: string;
}

export interface LinkEvidence {
  consentRequestId: string;
  ip: string | null;
  userAgent: string | null;
}

export interface LinkAnswer {
  tokenHash: string;
  body: Record<string, unknown> & { type: string };
  /** Who answered, as they gave their name on the page. */
  name: string;
  ip: string | null;
  userAgent: string | null;
}

export type LinkOutcome =
  | { kind: 'unknown' }
  | { kind: 'used'; answer: string | null }
  | { kind: 'expired' }
  /** Closed, or its relationship no longer awaits consent: nothing to answer. */
  | { kind: 'closed' }
  | { kind: 'refused'; error: ProblemError }
  | { kind: 'applied'; workflowId: string };

type StepResult = { ok: true; row: WorkflowRow } | { ok: false; error: ProblemError };

interface PlannedAction {
  type: string;
  params?: unknown;
}

type Decision =
  | { kind: 'refused'; type: string; payload: Record<string, unknown>; error: ProblemError }
  | {
      kind: 'applied';
      definition: WorkflowDefinition;
      next: AnyMachineSnapshot;
      actions: readonly PlannedAction[];
      type: string;
      recorded: Record<string, unknown>;
    };

/** Actions that reach beyond the workflow's own row; an event with one needs the locked path. */
const effects = new Set(Object.keys(effectActions));

/**
 * Runs workflows: every change is a pure XState transition followed by one transaction that
 * writes the snapshot, its history row and every effect, or writes nothing at all.
 */
export class Engine {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #observer: EngineObserver | undefined;
  readonly #timerRetry: TimerRetryPolicy;
  readonly #outboxRetryForMs: number;
  /**
   * Event types seen to need the locked path (effects, facts, or finishing a workflow). They
   * skip the lock-free attempt, whose read would be wasted; only declared types get here.
   */
  readonly #lockedTypes = new Set<string>();

  constructor(deps: EngineDeps) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#observer = deps.observer;
    this.#timerRetry = deps.timerRetry ?? defaultTimerRetry;
    this.#outboxRetryForMs = deps.outboxRetryForMs ?? 24 * 60 * 60 * 1000;
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
      writes: new Map<string, number>(),
    };
    return this.#create(tx, request, cause);
  }

  /**
   * Applies one event sent over the API and answers as the API will, storing that answer
   * under the idempotency key in the same transaction.
   */
  async send(request: SendEventRequest): Promise<StoredResponse> {
    const type = eventType(request.body);
    if (request.idempotencyKey === undefined && !(type && this.#lockedTypes.has(type))) {
      const unlocked = await this.#sendWithoutLock(request);
      if (unlocked) return unlocked;
    }
    return withTransactionRetry(() =>
      this.#db.transaction(async (tx) => {
        const cause = {
          principal: request.principal,
          requestId: request.requestId,
          now: this.#clock.now(),
          writes: new Map<string, number>(),
        };
        const key = request.idempotencyKey;
        if (key !== undefined) {
          const reservation = await reserveKey(
            tx,
            cause.principal.id,
            key,
            request.requestHash,
            cause.now,
          );
          if (reservation.kind === 'replay') {
            if (reservation.requestHash !== request.requestHash || !reservation.response) {
              return problemResponse(new IdempotencyKeyReused());
            }
            const { response } = reservation;
            return { ...response, headers: { ...response.headers, 'Idempotent-Replayed': 'true' } };
          }
        }
        const response = await this.#sendInTransaction(tx, request, cause);
        if (key !== undefined) await storeResponse(tx, cause.principal.id, key, response);
        return response;
      }),
    );
  }

  /**
   * Most events change their own row and nothing else. Those are read, decided and written
   * without a transaction: the change and its history row go in one compare-and-set
   * statement, two round trips instead of four. Anything more (effects on other rows, facts
   * from other tables, a workflow that finishes and tells its parent, a response to keep
   * under an idempotency key), or a row that moved since it was read, is left to the locked
   * path, which decides again from the start. Returns undefined when it left it.
   */
  async #sendWithoutLock(request: SendEventRequest): Promise<StoredResponse | undefined> {
    const cause = {
      principal: request.principal,
      requestId: request.requestId,
      now: this.#clock.now(),
      writes: new Map<string, number>(),
    };
    const row = await findWorkflow(this.#db, request.workflowId);
    if (!row || findDefinition(row.machine)?.version !== row.machine_version) return undefined;
    if (!(await canSeeWorkflow(this.#db, cause.principal, row))) return undefined;
    const type = eventType(request.body);
    if (type !== undefined && eventSpec(definitionOf(row), type)?.facts) {
      this.#lockedTypes.add(type);
      return undefined;
    }
    const decision = await this.#decide(this.#db, row, request.body, cause, request.ifMatch);
    if (decision.kind === 'refused') {
      const { change, history } = this.#rejected(
        row,
        decision.type,
        decision.payload,
        cause,
        decision.error,
      );
      const written = await writeStepIfUnchanged(this.#db, row, change, history);
      if (written) this.#observe(undefined, row, history);
      return written ? problemResponse(decision.error) : undefined;
    }
    const { definition, next, actions } = decision;
    if (statusOf(next) !== 'active' || actions.some((a) => effects.has(a.type))) {
      this.#lockedTypes.add(decision.type);
      return undefined;
    }
    const { change, history } = this.#applied(
      row,
      definition,
      next,
      decision.type,
      decision.recorded,
      cause,
    );
    const notice = this.#noticeOf(row, history);
    if (!(await writeStepIfUnchanged(this.#db, row, change, history, notice))) return undefined;
    this.#observe(undefined, row, history);
    return answer({ ...row, ...change }, cause);
  }

  async #sendInTransaction(
    tx: Knex.Transaction,
    request: SendEventRequest,
    cause: Cause,
  ): Promise<StoredResponse> {
    const row = await lockForEvent(tx, request.workflowId, eventType(request.body));
    if (!row || !(await canSeeWorkflow(tx, cause.principal, row))) {
      return problemResponse(new NotFound('workflow'));
    }
    const result = await this.#step(tx, row, request.body, cause, request.ifMatch);
    if (!result.ok) return problemResponse(result.error);
    // Children created by this event may have reported back and moved the row again: then
    // answer with what is stored now, not with the row as this step left it.
    const current =
      (cause.writes.get(row.id) ?? 0) > 1
        ? ((await findWorkflow(tx, row.id)) ?? result.row)
        : result.row;
    return answer(current, cause);
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
    const decision = await this.#decide(tx, row, body, cause, ifMatch);
    if (decision.kind === 'refused') {
      const { type, payload, error } = decision;
      await this.#recordRejection(tx, row, type, payload, cause, error);
      return { ok: false, error };
    }
    const { definition, next, actions, type, recorded } = decision;
    const consent = consentToRecord(row, actions, cause);
    const updated = await this.#persist(tx, row, definition, next, type, recorded, cause, consent);
    await this.#runEffects(tx, updated, actions, cause, consent);
    await this.#reportIfFinished(tx, updated, next, cause);
    return { ok: true, row: updated };
  }

  /**
   * What one event does to a row, decided without writing anything: refused with a reason,
   * or applied with the next snapshot and the effects to run. `db` is only read (facts).
   */
  async #decide(
    db: Knex,
    row: WorkflowRow,
    body: unknown,
    cause: Cause,
    ifMatch?: string,
    /** The row's snapshot, when the caller holds it live: restoring costs more than deciding. */
    live?: AnyMachineSnapshot,
  ): Promise<Decision> {
    const definition = definitionOf(row);
    const snapshot = live ?? restore(definition, row);
    const type = eventType(body);
    const payload = payloadOf(body);
    const refuse = (error: ProblemError): Decision => ({
      kind: 'refused',
      type: type ?? '(none)',
      payload,
      error,
    });
    const { principal } = cause;

    if (principal.role === 'auditor')
      return refuse(new Forbidden('Auditors can read but not act.'));
    const spec = type === undefined ? undefined : eventSpec(definition, type);
    if (type === undefined || !spec) {
      const known = Object.keys(definition.events).join(', ');
      return refuse(
        new ValidationFailed([
          { path: 'type', message: `must be one of the ${definition.name} events: ${known}` },
        ]),
      );
    }
    if (!spec.roles.includes(principal.role)) {
      return refuse(new Forbidden(`${type} may be sent by: ${spec.roles.join(', ')}.`));
    }
    const forbidden = spec.forbid?.(row.state, principal.role, payload);
    if (forbidden !== undefined) return refuse(new Forbidden(forbidden));
    if (
      spec.ownProvider &&
      principal.role === 'provider' &&
      payload.providerId !== principal.providerId
    ) {
      return refuse(new Forbidden('A provider acts in its own name only.'));
    }
    if (ifMatch !== undefined && parseEtag(ifMatch) !== row.version) {
      return refuse(new VersionConflict(ifMatch, row.version));
    }
    // The row's status is the authority: a workflow cancelled with its parent keeps the
    // snapshot it had, which alone would still take events.
    if (row.status !== 'active') {
      return refuse(
        new EventNotAllowed(row.state, type, [], `the workflow is ${row.status}, nothing moves it`),
      );
    }
    if (snapshot.status !== 'active' || !acceptedEventTypes(snapshot).has(type)) {
      return refuse(new EventNotAllowed(row.state, type, nextEvents(definition, snapshot)));
    }
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) return refuse(new ValidationFailed(zodFieldErrors(parsed.error)));
    const facts = spec.facts
      ? await loadFacts(db, spec.facts, parsed.data, row, cause.now)
      : undefined;
    const event = facts ? { ...parsed.data, facts } : parsed.data;
    const recorded = {
      ...payload,
      ...(facts ? { facts } : {}),
      ...(cause.evidence ? { evidence: cause.evidence } : {}),
      ...(cause.reported ? { evidence: { partnerCenter: cause.reported } } : {}),
    };
    const unmet = spec.refusals?.(snapshot.context as never, event as never) ?? [];
    if (unmet.length > 0) return refuse(refusalError(unmet));

    if (!applies(definition, snapshot, event)) {
      // Every guard said no; the rules above should have named why, so say what can be sent.
      return refuse(new EventNotAllowed(row.state, type, nextEvents(definition, snapshot)));
    }
    const [next, actions] = transition(definition.machine, snapshot, event);
    return { kind: 'applied', definition, next, actions, type, recorded };
  }

  async #persist(
    tx: Knex.Transaction,
    row: WorkflowRow,
    definition: WorkflowDefinition,
    next: AnyMachineSnapshot,
    type: string,
    payload: Record<string, unknown>,
    cause: Cause,
    consent: ConsentRow | undefined,
  ): Promise<WorkflowRow> {
    const { change, history } = this.#applied(row, definition, next, type, payload, cause, consent);
    await this.#write(tx, row, change, history, cause);
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
    const { change, history } = this.#rejected(row, type, payload, cause, error);
    await this.#write(tx, row, change, history, cause);
    row.history_length = history.seq;
    row.head_hash = history.hash;
  }

  /** The row's next state and the history row that records the event (see `appliedStep`). */
  #applied(
    row: WorkflowRow,
    definition: WorkflowDefinition,
    next: AnyMachineSnapshot,
    type: string,
    payload: Record<string, unknown>,
    cause: Cause,
    consent?: ConsentRow,
  ): { change: AppliedChange; history: HistoryRow } {
    return appliedStep(row, definition, next, { type, payload }, cause, consent);
  }

  /** A refusal changes nothing but the history, which records it with its reason. */
  #rejected(
    row: WorkflowRow,
    type: string,
    payload: Record<string, unknown>,
    cause: Cause,
    error: ProblemError,
  ): { change: WorkflowChange; history: HistoryRow } {
    const { reasons } = error.extra;
    const reason = {
      status: error.status,
      code: error.code,
      detail: error.message,
      ...(reasons ? { reasons } : {}),
    };
    const history = nextHistoryRow(
      row,
      {
        type: boundedType(type),
        payload: boundedPayload(payload),
        from: row.state,
        to: row.state,
        outcome: 'rejected',
        reason: boundedReason(reason),
      },
      cause,
    );
    const change = {
      snapshot: row.snapshot,
      state: row.state,
      status: row.status,
      version: row.version,
      history_length: history.seq,
      head_hash: history.hash,
      updated_at: row.updated_at,
    };
    return { change, history };
  }

  async #write(
    tx: Knex.Transaction,
    row: WorkflowRow,
    change: WorkflowChange,
    history: HistoryRow,
    cause: Cause,
  ): Promise<void> {
    await writeStep(tx, row, change, history, this.#noticeOf(row, history));
    cause.writes.set(row.id, (cause.writes.get(row.id) ?? 0) + 1);
    this.#observe(tx, row, history);
  }

  /** The outbox message that announces a step to webhooks, when it announces anything. */
  #noticeOf(row: WorkflowRow, history: HistoryRow): StepNotice | undefined {
    if (history.outcome !== 'applied') return undefined;
    const events = eventsOfStep({
      machine: row.machine,
      type: history.type,
      from: history.from_state,
      to: history.to_state,
    });
    if (events.length === 0) return undefined;
    return {
      id: newId('msg'),
      events,
      giveUpAt: new Date(history.at.getTime() + this.#outboxRetryForMs),
    };
  }

  /**
   * Tells the observer of a history row once it is committed: at once when written on its
   * own, else when `tx` commits; never when it rolls back.
   */
  #observe(tx: Knex.Transaction | undefined, row: WorkflowRow, history: HistoryRow): void {
    const observer = this.#observer;
    if (!observer) return;
    const code = history.reason?.code;
    const event = {
      machine: row.machine,
      type: history.type,
      outcome: history.outcome,
      code: typeof code === 'string' ? code : null,
    };
    if (!tx) observer.eventRecorded(event);
    else
      tx.executionPromise.then(
        () => observer.eventRecorded(event),
        () => {},
      );
  }

  async #create(
    tx: Knex.Transaction,
    request: CreateWorkflowRequest,
    cause: Cause,
  ): Promise<WorkflowRow> {
    const definition = findDefinition(request.machine);
    if (!definition) throw new Error(`Unknown machine ${request.machine}`);
    const { row, history, snapshot, actions } = newWorkflow(
      definition,
      request.input,
      request,
      cause,
      statusOf,
    );
    await insertWorkflowWithHistory(tx, row, history);
    await this.#runEffects(tx, row, actions, cause);
    await this.#reportIfFinished(tx, row, snapshot, cause);
    return row;
  }

  /** A child of `parent`, its input completed from the database (see `childInput`). */
  async #createChild(
    tx: Knex.Transaction,
    parent: WorkflowRow,
    machine: string,
    customerId: string | null,
    given: Record<string, unknown>,
    cause: Cause,
    known?: KnownRows,
  ): Promise<WorkflowRow> {
    const facts = await childInput(tx, machine, parent, customerId, known);
    return this.#create(
      tx,
      {
        machine,
        input: { ...facts, ...given },
        partnerId: parent.partner_id,
        parentId: parent.id,
        customerId,
        providerId: parent.provider_id,
        principal: cause.principal,
        requestId: cause.requestId,
      },
      cause,
    );
  }

  async #runEffects(
    tx: Knex.Transaction,
    row: WorkflowRow,
    actions: readonly PlannedAction[],
    cause: Cause,
    consent?: ConsentRow,
  ): Promise<void> {
    for (const action of actions) {
      switch (action.type) {
        case 'createChild': {
          const params = action.params as CreateChildParams;
          await this.#createChild(
            tx,
            row,
            params.machine,
            params.customerId ?? null,
            params.input,
            cause,
          );
          break;
        }
        case 'createCustomerChildren':
          await this.planCustomers(
            tx,
            row,
            (action.params as CreateCustomerChildrenParams).machines,
            cause,
          );
          break;
        case 'scheduleTimer': {
          const params = action.params as ScheduleTimerParams;
          const due = dueAt(params.after, cause.now);
          if (due === null) break;
          await insertTimer(tx, {
            id: newId('tmr'),
            workflow_id: row.id,
            key: params.key,
            event: params.event,
            due_at: due,
            created_at: cause.now,
          });
          break;
        }
        case 'cancelTimer':
          await deleteTimers(tx, row.id, (action.params as CancelTimerParams).key);
          break;
        case 'cancelChildren':
          await this.#cancelAll(tx, await openChildren(tx, row.id), row.id, cause);
          break;
        case 'cancelCustomerChildren': {
          const { customerId } = action.params as CancelCustomerChildrenParams;
          await this.#cancelAll(
            tx,
            await openCustomerChildren(tx, row.id, customerId),
            row.id,
            cause,
          );
          break;
        }
        case 'grantVisibility':
          await grantViewer(
            tx,
            row.id,
            (action.params as GrantVisibilityParams).providerId,
            cause.now,
          );
          break;
        case 'recordConsent': {
          const params = action.params as RecordConsentParams;
          if (params.decision === 'revoked') {
            await revokeConsent(tx, row.id, {
              revoked_at: cause.now,
              revoked_by: cause.principal.id,
              revocation_reason: params.reason ?? '',
            });
          } else if (consent) {
            await insertConsent(tx, consent);
          }
          break;
        }
        case 'closeConsentLinks':
          await closeConsentRequests(
            tx,
            row.id,
            {
              revoked_at: cause.now,
              revoked_by: cause.principal.id,
              revocation_reason: (action.params as CloseConsentLinksParams).reason,
            },
            { except: cause.evidence?.consentRequestId },
          );
          break;
        case 'callPartnerCenter':
          await this.#callPartnerCenter(tx, row, action.params as CallPartnerCenterParams, cause);
          break;
        case 'recordCustomerOutcome': {
          const params = action.params as RecordCustomerOutcomeParams;
          await recordOutcome(tx, {
            workflowId: row.id,
            customerId: params.customerId,
            outcome: params.outcome,
            reason: params.reason ?? null,
            at: cause.now,
          });
          break;
        }
      }
    }
  }

  /**
   * A step Partner Center carries out, for a workflow whose partner and provider are both
   * connected: written to the outbox in this transaction, so it happens once the event is
   * committed and never without it. Each message has its own `MS-RequestId`, so the worker's
   * retries of it are one call to Partner Center.
   */
  async #callPartnerCenter(
    tx: Knex.Transaction,
    row: WorkflowRow,
    params: CallPartnerCenterParams,
    cause: Cause,
  ): Promise<void> {
    if (!(await isConnected(tx, row))) return;
    await this.writePartnerCenterStep(tx, row.id, params.operation, cause.now);
  }

  /**
   * Writes one Partner Center step to the outbox in the caller's transaction. Events write
   * theirs through their machine's effects; the worker writes a step no event asks for, such
   * as cancelling a request the workflow would not record.
   */
  async writePartnerCenterStep(
    tx: Knex.Transaction,
    workflowId: string,
    operation: CallPartnerCenterParams['operation'],
    now: Date,
    target: Parameters<typeof partnerCenterCall>[2] = {},
  ): Promise<void> {
    const message = partnerCenterCall(workflowId, operation, target);
    await insertOutbox(tx, [
      {
        id: newId('msg'),
        kind: 'partner_center.call',
        payload: { ...message },
        next_attempt_at: now,
        give_up_at: new Date(now.getTime() + this.#outboxRetryForMs),
        created_at: now,
      },
    ]);
  }

  /**
   * Applies what Partner Center reported, as the `partner_center` actor, inside the caller's
   * transaction (which also settles what led to it: an outbox message, a resource). `derive`
   * reads the locked row and names the events still to apply, so a report heard twice finds
   * nothing left to do the second time and changes nothing. Stops at the first refusal, which
   * the history keeps.
   */
  async applyReported(
    tx: Knex.Transaction,
    workflowId: string,
    derive: (row: WorkflowRow, snapshot: AnyMachineSnapshot) => ReadonlyArray<{ type: string }>,
    evidence: PartnerCenterEvidence,
  ): Promise<{ applied: number; refused?: ProblemError }> {
    const cause: Cause = {
      principal: partnerCenterPrincipal,
      requestId: null,
      now: this.#clock.now(),
      reported: evidence,
      writes: new Map(),
    };
    let row = await lockWorkflowAfterAncestors(tx, workflowId);
    if (!row || row.status !== 'active') return { applied: 0 };
    let applied = 0;
    for (const body of derive(row, restore(definitionOf(row), row))) {
      const result = await this.#step(tx, row, body, cause);
      if (!result.ok) return { applied, refused: result.error };
      applied += 1;
      row = (await findWorkflow(tx, row.id)) ?? result.row;
      if (row.status !== 'active') break;
    }
    return { applied };
  }

  /**
   * What the workflow would refuse, were Partner Center to report these events now: applied
   * and then rolled back, so that nothing is kept. The worker asks before a call whose answer
   * the rules might refuse, rather than make in Partner Center what would not be recorded.
   */
  async refusalOf(
    workflowId: string,
    derive: Parameters<Engine['applyReported']>[2],
  ): Promise<ProblemError | undefined> {
    // Thrown to roll the rehearsal back; caught just below.
    const rehearsal = new Error('rehearsal');
    let refused: ProblemError | undefined;
    try {
      await this.#db.transaction(async (tx) => {
        const evidence = {
          operation: 'rehearsal',
          requestId: randomUUID(),
          correlationId: randomUUID(),
        };
        refused = (await this.applyReported(tx, workflowId, derive, evidence)).refused;
        throw rehearsal;
      });
    } catch (error) {
      if (error !== rehearsal) throw error;
    }
    return refused;
  }

  /**
   * Applies the answer a customer gave through a consent link, and spends the link, in one
   * transaction. A used, expired or unknown link changes nothing.
   */
  async answerConsentLink(answer: LinkAnswer): Promise<LinkOutcome> {
    return withTransactionRetry(() =>
      this.#db.transaction(async (tx): Promise<LinkOutcome> => {
        const now = this.#clock.now();
        const found = await findConsentRequest(tx, answer.tokenHash);
        if (!found) return { kind: 'unknown' };
        // The move's lock order: the workflows first, then the link.
        const row = await lockForEvent(tx, found.workflow_id, eventType(answer.body));
        const request = await findConsentRequest(tx, answer.tokenHash, true);
        if (!row || !request) return { kind: 'unknown' };
        switch (consentRequestStatus(request, now)) {
          case 'used':
            return { kind: 'used', answer: request.answer };
          case 'expired':
            return { kind: 'expired' };
          case 'revoked':
            return { kind: 'closed' };
          case 'open':
            break;
        }
        if (row.status !== 'active' || row.state !== 'awaitingConsent') return { kind: 'closed' };
        const principal: Principal = {
          id: `consent-link:${request.id}`,
          name: answer.name,
          role: 'customer',
          partnerId: row.partner_id,
          providerId: null,
        };
        const evidence = {
          consentRequestId: request.id,
          ip: answer.ip,
          userAgent: answer.userAgent,
        };
        const result = await this.#step(tx, row, answer.body, {
          principal,
          requestId: request.id,
          now,
          evidence,
          writes: new Map(),
        });
        if (!result.ok) return { kind: 'refused', error: result.error };
        const decision = answer.body.type === 'CONSENT_GRANTED' ? 'granted' : 'declined';
        await markConsentRequestUsed(tx, request.id, decision, now);
        return { kind: 'applied', workflowId: row.id };
      }),
    );
  }

  /**
   * Creates the per-customer children of a transition for every direct-bill customer that has
   * none yet, in the caller's transaction, then tells the transition how many it planned.
   * Used when the transition starts migrating (its row already locked by that event) and by
   * an import that found it migrating only once it held the lock.
   */
  async planCustomers(
    tx: Knex.Transaction,
    transitionRow: WorkflowRow,
    machines: readonly string[],
    cause: Cause,
  ): Promise<number> {
    const plan = await this.#buildPlan(tx, transitionRow, machines, cause);
    await insertWorkflowsWithHistory(tx, plan.workflows, plan.history, plan.timers);
    const parent = await lockWorkflow(tx, transitionRow.id);
    if (parent) await this.#applyPlan(tx, parent, plan, cause);
    return plan.customers;
  }

  /**
   * The children of every direct-bill customer of the transition that has none yet, built in
   * memory: their rows, CREATED history rows and timers, and the reports of those finished at
   * their start (an MCA kept from the admin center). Only reads; takes no lock.
   */
  async #buildPlan(
    db: Knex,
    parent: WorkflowRow,
    machines: readonly string[],
    cause: Cause,
  ): Promise<CustomerPlan> {
    const customers = await customersToPlan(db, parent.partner_id, parent.id);
    // Thousands of children share one partner: read it once, not once per child.
    const partner = await findPartner(db, parent.partner_id);
    const plan: CustomerPlan = {
      customers: customers.length,
      workflows: [],
      history: [],
      timers: [],
      reports: [],
    };
    for (const [i, customer] of customers.entries()) {
      // Building is pure work: let the process answer its other requests meanwhile.
      if (i > 0 && i % 100 === 0) await yieldToEventLoop();
      // The customer has no children under the parent yet: its siblings are those built here.
      const siblings: Record<string, ChildState> = {};
      for (const machine of machines) {
        const definition = findDefinition(machine);
        if (!definition) throw new Error(`Unknown machine ${machine}`);
        const input = await childInput(db, machine, parent, customer.id, { partner, customer });
        const placement = {
          partnerId: parent.partner_id,
          parentId: parent.id,
          customerId: customer.id,
          providerId: parent.provider_id,
        };
        const child = newWorkflow(definition, input, placement, cause, statusOf);
        plan.workflows.push(child.row);
        plan.history.push(child.history);
        plan.timers.push(...startTimers(child.row, child.actions, cause.now));
        siblings[machine] = { state: child.row.state, status: child.row.status };
        if (child.row.status !== 'active') {
          plan.reports.push(childDone(child.row, child.snapshot, { ...siblings }));
        }
      }
    }
    return plan;
  }

  /**
   * Applies a plan's reports, then CUSTOMERS_PLANNED, to the locked transition, as
   * `#reportIfFinished` and `#step` would one by one, but written as one update of its row
   * and a few inserts of history rows: one by one they cost a round trip each, all under the
   * transition's lock. A step with effects, or one that ends the transition, goes through
   * `#step` on its own.
   */
  async #applyPlan(
    tx: Knex.Transaction,
    locked: WorkflowRow,
    plan: CustomerPlan,
    cause: Cause,
  ): Promise<void> {
    const system = asSystem(cause);
    let stored = locked;
    let current = locked;
    let live: AnyMachineSnapshot | undefined;
    let pending: HistoryRow[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      await writeSteps(tx, stored, changeOf(current), pending);
      for (const history of pending) this.#observe(tx, stored, history);
      system.writes.set(stored.id, (system.writes.get(stored.id) ?? 0) + pending.length);
      stored = current;
      pending = [];
    };
    const events = [
      ...plan.reports.map((body) => ({ body, report: true })),
      { body: { type: 'CUSTOMERS_PLANNED', count: plan.customers }, report: false },
    ];
    for (const { body, report } of events) {
      // A report reaches only an active parent (as in `#reportIfFinished`).
      if (report && current.status !== 'active') continue;
      const decision = await this.#decide(tx, current, body, system, undefined, live);
      // A step webhooks announce goes on its own too: its notice keeps the row it left.
      if (
        decision.kind === 'applied' &&
        (statusOf(decision.next) !== 'active' ||
          decision.actions.some((a) => effects.has(a.type)) ||
          eventsOfStep({
            machine: current.machine,
            type: decision.type,
            from: current.state,
            to: contractState(decision.next),
          }).length > 0)
      ) {
        await flush();
        await this.#step(tx, current, body, system);
        // Its effects may have moved the row again.
        current = stored = (await findWorkflow(tx, current.id)) ?? current;
        live = undefined;
        continue;
      }
      const { change, history } =
        decision.kind === 'applied'
          ? this.#applied(
              current,
              decision.definition,
              decision.next,
              decision.type,
              decision.recorded,
              system,
            )
          : this.#rejected(current, decision.type, decision.payload, system, decision.error);
      pending.push(history);
      current = { ...current, ...change };
      live = decision.kind === 'applied' ? decision.next : live;
    }
    await flush();
  }

  /** Cancelled children keep their last state; only their status and history say so. */
  async #cancelAll(
    tx: Knex.Transaction,
    children: WorkflowRow[],
    parentId: string,
    cause: Cause,
  ): Promise<void> {
    const system = asSystem(cause);
    for (const child of children) {
      const history = nextHistoryRow(
        child,
        {
          type: 'PARENT_CANCELLED',
          payload: { parentId },
          from: child.state,
          to: child.state,
          outcome: 'applied',
          reason: null,
        },
        system,
      );
      await this.#write(
        tx,
        child,
        {
          snapshot: child.snapshot,
          state: child.state,
          status: 'cancelled',
          version: child.version + 1,
          history_length: history.seq,
          head_hash: history.hash,
          updated_at: cause.now,
        },
        history,
        cause,
      );
      await deleteTimers(tx, child.id);
      await closeConsentRequests(tx, child.id, {
        revoked_at: cause.now,
        revoked_by: system.principal.id,
        revocation_reason: 'the workflow was cancelled with its parent',
      });
      await this.#cancelAll(tx, await openChildren(tx, child.id), child.id, cause);
    }
  }

  /** A child that reached a final state tells its parent, in the same transaction. */
  async #reportIfFinished(
    tx: Knex.Transaction,
    row: WorkflowRow,
    snapshot: AnyMachineSnapshot,
    cause: Cause,
  ): Promise<void> {
    if (!row.parent_id || row.status === 'active') return;
    const parent = await lockWorkflow(tx, row.parent_id);
    if (!parent || parent.status !== 'active') return;
    const siblings = row.customer_id ? await latestChildren(tx, parent.id, row.customer_id) : {};
    await this.#step(tx, parent, childDone(row, snapshot, siblings), asSystem(cause));
  }

  /**
   * Customers imported into a partner whose transition is already migrating get their
   * children now, in the import's transaction. The children are built and written before the
   * transition's row is locked, so that its other events wait only for the last short step
   * (the reports and CUSTOMERS_PLANNED) and the commit, not for the whole planning.
   */
  async planImportedCustomers(
    tx: Knex.Transaction,
    partnerId: string,
    principal: Principal,
    requestId: string,
  ): Promise<void> {
    const cause = {
      principal,
      requestId,
      now: this.#clock.now(),
      writes: new Map<string, number>(),
    };
    const seen = await findOpenTransitionRow(tx, partnerId);
    if (seen?.state === 'migratingCustomers' && (await this.#planBeforeLock(tx, seen, cause))) {
      return;
    }
    // Locked in any state, not only when migrating, and held to the commit: a transition
    // entering migratingCustomers now waits for this import, then plans its customers too.
    // One that entered since the read above is planned here, under the lock.
    const open = await lockOpenTransition(tx, partnerId);
    if (open?.state !== 'migratingCustomers') return;
    await this.planCustomers(tx, open, customerMachines, cause);
  }

  /**
   * Writes the children in a savepoint, then locks the transition and checks it is still the
   * one they were built for, still migrating. The children's references to it are checked at
   * commit, under that lock, so that they hold no lock on its row while other events move
   * it (a chain of such versions made the last step crawl). If the transition moved on
   * meanwhile (cancelled, completed), the savepoint's rollback takes the children and the lock
   * with it, and the caller decides again under the lock. The customers to plan cannot change
   * in between: only planning gives a customer its first children, and a partner's imports
   * take turns on the partner's lock. Returns whether it planned.
   */
  async #planBeforeLock(tx: Knex.Transaction, seen: WorkflowRow, cause: Cause): Promise<boolean> {
    try {
      await tx.transaction(async (savepoint) => {
        await deferParentReferenceChecks(savepoint);
        const plan = await this.#buildPlan(savepoint, seen, customerMachines, cause);
        await insertWorkflowsWithHistory(savepoint, plan.workflows, plan.history, plan.timers);
        await checkParentReferences(savepoint);
        const locked = await lockOpenTransition(savepoint, seen.partner_id);
        if (
          locked?.id !== seen.id ||
          locked.state !== 'migratingCustomers' ||
          locked.provider_id !== seen.provider_id
        ) {
          throw new StalePlan();
        }
        await this.#applyPlan(savepoint, locked, plan, cause);
      });
      return true;
    } catch (error) {
      if (error instanceof StalePlan) return false;
      throw error;
    }
  }

  /** Forgets idempotency keys past their retention; returns how many. */
  async forgetOldIdempotencyKeys(): Promise<number> {
    return purgeKeys(this.#db, new Date(this.#clock.now().getTime() - keyRetentionMs));
  }

  /**
   * Fires every timer due by now, each in its own transaction. Returns how many fired; safe
   * to run from several processes at once. A timer whose attempt throws is rolled back and
   * tried again later (see `TimerRetryPolicy`), each failure told to `onFailure`; the poll
   * goes on with the others, so one bad timer holds up none.
   */
  async fireDueTimers(
    onFailure?: (failure: TimerFailure) => void,
    keepGoing: () => boolean = () => true,
  ): Promise<number> {
    let fired = 0;
    // A stopping worker finishes the timer in hand and takes no other.
    while (keepGoing()) {
      // Several workers start from a few candidates at random, so that they rarely queue
      // behind the same workflow.
      const candidates = await dueTimers(this.#db, this.#clock.now(), 8);
      const candidate = candidates[Math.floor(Math.random() * candidates.length)];
      if (!candidate) return fired;
      let claimed: boolean;
      try {
        claimed = await withTransactionRetry(() =>
          this.#db.transaction(async (tx) => {
            const now = this.#clock.now();
            const row = await lockForEvent(tx, candidate.workflow_id, candidate.event.type);
            const timer = await claimTimer(tx, candidate.id);
            if (!timer) return false;
            if (row && row.status === 'active') {
              await this.#step(tx, row, timer.event, {
                principal: systemPrincipal,
                requestId: null,
                now,
                writes: new Map(),
              });
            }
            return true;
          }),
        );
      } catch (error) {
        const failure = await this.#timerFailed(candidate.id, error);
        if (failure) onFailure?.(failure);
        continue;
      }
      if (claimed) fired += 1;
    }
    return fired;
  }

  async #timerFailed(id: string, error: unknown): Promise<TimerFailure | undefined> {
    const policy = this.#timerRetry;
    const message = describeError(error);
    const row = await recordFailedAttempt(this.#db, id, {
      error: message,
      at: this.#clock.now(),
      delayMs: (attempts) => retryDelayMs(attempts, policy),
      maxAttempts: policy.maxAttempts,
    });
    if (!row) return undefined;
    return {
      timerId: row.id,
      workflowId: row.workflow_id,
      attempts: row.attempts,
      givenUp: row.failed_at !== null,
      nextAttemptAt: row.next_attempt_at,
      error: message,
    };
  }
}

/** Event types that can finish a workflow of some machine, and so make it report upwards. */
const finishingTypes = new Set(
  [...definitions.values()].flatMap((d) => [...finishingEventTypes(d.machine)]),
);

/**
 * Locks the workflow an event is for. An event that may finish it takes its parent's lock
 * first, for its report, in the move's one lock order; any other event touches no row above
 * its own, and leaves the parent free for the events of the other customers.
 */
function lockForEvent(
  tx: Knex.Transaction,
  id: string,
  type: string | undefined,
): Promise<WorkflowRow | undefined> {
  return type !== undefined && finishingTypes.has(type)
    ? lockWorkflowAfterAncestors(tx, id)
    : lockWorkflow(tx, id);
}

function asSystem(cause: Cause): Cause {
  return { ...cause, principal: systemPrincipal };
}

/** The provider a workflow's context names: it decides which provider may read the workflow. */
export function chosenProvider(snapshot: AnyMachineSnapshot): string | null {
  const chosen = (snapshot.context as { providerId?: unknown } | undefined)?.providerId;
  return typeof chosen === 'string' && chosen !== '' ? chosen : null;
}

/** A row's columns after an applied step: the provider is always decided again. */
export type AppliedChange = WorkflowChange & Pick<WorkflowRow, 'provider_id'>;

/**
 * The row's next state and the history row that records an applied step. The row binds what
 * it caused outside the workflow's own columns: new access fields, a consent's evidence.
 * `status` is the snapshot's unless the step says otherwise.
 */
export function appliedStep(
  row: WorkflowRow,
  definition: WorkflowDefinition,
  next: AnyMachineSnapshot,
  step: { type: string; payload: Record<string, unknown>; status?: WorkflowStatus },
  author: RowAuthor,
  consent?: ConsentRow,
): { change: AppliedChange; history: HistoryRow } {
  const to = contractState(next);
  const providerId = chosenProvider(next) ?? row.provider_id;
  const bindings: Bindings = {
    ...(providerId === row.provider_id
      ? {}
      : { subject: accessFields({ ...row, provider_id: providerId }) }),
    ...(consent ? { consent: { id: consent.id, sha256: consentEvidenceHash(consent) } } : {}),
  };
  const history = nextHistoryRow(
    row,
    {
      type: step.type,
      payload: step.payload,
      from: row.state,
      to,
      outcome: 'applied',
      reason: null,
      bindings: Object.keys(bindings).length > 0 ? bindings : null,
    },
    author,
  );
  const change = {
    snapshot: definition.machine.getPersistedSnapshot(next) as Record<string, unknown>,
    state: to,
    status: step.status ?? statusOf(next),
    version: row.version + 1,
    history_length: history.seq,
    head_hash: history.hash,
    updated_at: author.now,
    provider_id: providerId,
  };
  return { change, history };
}

function refusalError(refusals: Refusal[]): RequirementUnmet {
  const details = Object.assign(
    {},
    ...refusals.map((r) => (typeof r === 'string' ? {} : r.details)),
  ) as Record<string, unknown>;
  return new RequirementUnmet(refusals.map(refusalCode), undefined, details);
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

/** `done` in every final state but the two that mean the work was called off. */
export function statusOf(snapshot: AnyMachineSnapshot): WorkflowStatus {
  if (snapshot.status === 'active') return 'active';
  const state = contractState(snapshot);
  return state === 'cancelled' || state === 'withdrawn' ? 'cancelled' : 'done';
}

/**
 * Whether a transition of the machine takes the event. XState's `can()` says no to a
 * transition without target or actions; here it means "taken, nothing to do yet" (a child's
 * report the parent only notes), which is applied and recorded, not refused.
 */
function applies(
  definition: WorkflowDefinition,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): boolean {
  return (definition.machine.getTransitionData(snapshot as never, event).length ?? 0) > 0;
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

/** 200 with the workflow as its caller may see it, and its version as ETag. */
function answer(row: WorkflowRow, cause: Cause): StoredResponse {
  const definition = definitionOf(row);
  return {
    status: 200,
    body: toWorkflowView(row, definition, restore(definition, row), cause.now, cause.principal),
    headers: { ETag: `"${row.version}"` },
  };
}

function problemResponse(error: ProblemError): StoredResponse {
  return { status: error.status, body: error.toProblem(), headers: {} };
}

/** The children a transition gives each customer it moves, as its migratingCustomers entry names them. */
const customerMachines = ['resellerRelationship', 'mcaReacceptance'] as const;

/** A transition's customers to plan, built in memory, written in a few statements. */
interface CustomerPlan {
  customers: number;
  workflows: WorkflowRow[];
  history: HistoryRow[];
  timers: NewTimer[];
  /** Reports of children that finished at their start, for the parent, in order. */
  reports: ChildDoneEvent[];
}

/** The transition moved on while an import's children were written before its lock. */
class StalePlan extends Error {}

function childDone(
  row: WorkflowRow,
  snapshot: AnyMachineSnapshot,
  siblings: Record<string, ChildState>,
): ChildDoneEvent {
  return {
    type: 'CHILD_DONE',
    childId: row.id,
    machine: row.machine,
    customerId: row.customer_id,
    state: row.state,
    status: row.status === 'done' ? 'done' : 'cancelled',
    siblings,
    ...(snapshot.output === undefined ? {} : { output: snapshot.output as unknown }),
  };
}

/**
 * The timers a new workflow's start schedules. Built in memory, a child may ask for nothing
 * else beyond its own row: any other effect would need rows or locks of its own.
 */
function startTimers(
  row: WorkflowRow,
  actions: ReadonlyArray<{ type: string; params?: unknown }>,
  now: Date,
): NewTimer[] {
  let timers: NewTimer[] = [];
  for (const action of actions) {
    if (action.type === 'scheduleTimer') {
      const params = action.params as ScheduleTimerParams;
      const due = dueAt(params.after, now);
      if (due === null) continue;
      timers.push({
        id: newId('tmr'),
        workflow_id: row.id,
        key: params.key,
        event: params.event,
        due_at: due,
        created_at: now,
      });
    } else if (action.type === 'cancelTimer') {
      const { key } = action.params as CancelTimerParams;
      timers = timers.filter((t) => t.key !== key);
    } else if (effects.has(action.type)) {
      throw new Error(`A ${row.machine} planned in bulk cannot start with ${action.type}`);
    }
  }
  return timers;
}

/** What a row's stored columns become after steps applied in memory. */
function changeOf(row: WorkflowRow): AppliedChange {
  return {
    snapshot: row.snapshot,
    state: row.state,
    status: row.status,
    version: row.version,
    history_length: row.history_length,
    head_hash: row.head_hash,
    updated_at: row.updated_at,
    provider_id: row.provider_id,
  };
}
