import type { AnyStateMachine } from 'xstate';
import { z } from 'zod';

/**
 * Who may act. `customer` acts only through a consent link; `system` is timers and child
 * reports; `partner_center` is what Partner Center reported, for a connected transition. No
 * token carries either of the last two.
 */
export const roles = [
  'admin',
  'manager',
  'global_admin',
  'provider',
  'auditor',
  'customer',
  'system',
  'partner_center',
] as const;
export type Role = (typeof roles)[number];

/** Roles only the service itself acts in; no client may send what only they send. */
export const serviceRoles: ReadonlySet<Role> = new Set(['system', 'partner_center']);
export const isClientRole = (role: Role): boolean => !serviceRoles.has(role);

const childState = z.object({ state: z.string(), status: z.enum(['active', 'done', 'cancelled']) });
export type ChildState = z.infer<typeof childState>;

/**
 * What the engine tells a machine about a child that reached a final state. `siblings` holds
 * the newest workflow of each machine for the same customer under the same parent, so a
 * parent can decide per customer without keeping a list of customers in its context.
 */
export const childDoneEvent = z.strictObject({
  type: z.literal('CHILD_DONE'),
  childId: z.string(),
  machine: z.string(),
  customerId: z.string().nullable(),
  state: z.string(),
  status: z.enum(['done', 'cancelled']),
  output: z.unknown().optional(),
  siblings: z.record(z.string(), childState),
});
export type ChildDoneEvent = z.infer<typeof childDoneEvent>;

/**
 * A delay the runtime turns into an absolute due time with its own clock, or a fixed time.
 * A delay with no field at all schedules nothing.
 */
export interface Delay {
  businessDays?: number;
  days?: number;
  /** An ISO date-time; wins over the relative fields. */
  at?: string;
}

/**
 * Facts the engine looks up for an event that asks for them (`EventSpec.facts`), handed to
 * the rules and to the machine as `event.facts`. A client cannot send them: every event
 * schema is strict.
 */
export interface EventFacts {
  /** Today's UTC date, YYYY-MM-DD. */
  today?: string;
  /**
   * The provider named by `event.providerId`, or the workflow's own when the event names none;
   * null when there is none.
   */
  provider?: { id: string; region: string } | null;
  /** The partner of the workflow; `plaVerified` from the newer copy of its profile. */
  partner?: { cspRegion: string; tenantId: string; mpnId: string; plaVerified: boolean };
  /** The customer named by `event.customerId`, as far as this workflow is concerned. */
  customer?: CustomerFacts | null;
}
export type FactName = keyof EventFacts;

export interface CustomerFacts {
  acquiredAs: 'direct_bill' | 'indirect_reseller';
  /** The bill-to country, ISO 3166-1 alpha-2: a relationship is possible only in the provider's region. */
  country: string;
  /** Moved or excluded by this transition, or still open. */
  outcome: 'moved' | 'excluded' | null;
  /** The newest child of each machine for this customer. */
  children: Record<string, ChildState>;
}

/**
 * Effects a machine asks for. They are declared as named actions with no body: the engine
 * reads them from `transition()`'s result and carries them out inside the same transaction.
 */
export interface CreateChildParams {
  machine: string;
  input: Record<string, unknown>;
  customerId?: string;
}
/** One child of each machine for every direct-bill customer of the partner still to move. */
export interface CreateCustomerChildrenParams {
  machines: string[];
}
export interface GrantVisibilityParams {
  providerId: string;
}
export interface RecordCustomerOutcomeParams {
  customerId: string;
  outcome: 'moved' | 'excluded';
  reason?: string;
}
export interface CancelCustomerChildrenParams {
  customerId: string;
}
/** A consent decision to keep on the record of consents, with the evidence the event carries. */
export interface RecordConsentParams {
  decision: 'granted' | 'declined' | 'revoked';
  customerId: string;
  providerId: string;
  grantedBy?: { name: string; email: string };
  method?: string;
  statementVersion?: string;
  evidenceRef?: string;
  reason?: string;
}
export interface ScheduleTimerParams {
  key: string;
  event: { type: string } & Record<string, unknown>;
  after: Delay;
}
export interface CancelTimerParams {
  key: string;
}
/** Consent links of the workflow still open stop working, with this reason. */
export interface CloseConsentLinksParams {
  reason: string;
}

/**
 * A step Partner Center can carry out itself. For a connected transition the engine writes it
 * to the outbox in the event's transaction and the worker makes the call; what Partner Center
 * answers comes back as an event. For any other it does nothing: people record the step.
 */
export const partnerCenterOperations = [
  'migrateLegacySubscriptions',
  'createTransfer',
  'submitTransfer',
  'recordAgreement',
  'requestGdap',
  'cancelTransfer',
] as const;
export type PartnerCenterOperation = (typeof partnerCenterOperations)[number];
export interface CallPartnerCenterParams {
  operation: PartnerCenterOperation;
}

export const effectActions = {
  createChild: (_: unknown, _params: CreateChildParams) => {},
  scheduleTimer: (_: unknown, _params: ScheduleTimerParams) => {},
  cancelTimer: (_: unknown, _params: CancelTimerParams) => {},
  cancelChildren: () => {},
  createCustomerChildren: (_: unknown, _params: CreateCustomerChildrenParams) => {},
  grantVisibility: (_: unknown, _params: GrantVisibilityParams) => {},
  recordCustomerOutcome: (_: unknown, _params: RecordCustomerOutcomeParams) => {},
  cancelCustomerChildren: (_: unknown, _params: CancelCustomerChildrenParams) => {},
  recordConsent: (_: unknown, _params: RecordConsentParams) => {},
  closeConsentLinks: (_: unknown, _params: CloseConsentLinksParams) => {},
  callPartnerCenter: (_: unknown, _params: CallPartnerCenterParams) => {},
};

/** An unmet rule: its code, with details (such as the offending ids) for the problem body. */
export type Refusal = string | { code: string; details: Record<string, unknown> };

export function refusalCode(refusal: Refusal): string {
  return typeof refusal === 'string' ? refusal : refusal.code;
}

/**
 * The spec of an event type, if the definition declares it. `type` comes from a client:
 * `constructor` or `__proto__` must find nothing, not what every object inherits.
 */
export function eventSpec(
  definition: Pick<WorkflowDefinition, 'events'>,
  type: string,
): EventSpec<never> | undefined {
  return Object.hasOwn(definition.events, type) ? definition.events[type] : undefined;
}

export interface EventSpec<TContext = unknown> {
  description: string;
  /** Roles allowed to send it; `system` alone means only the engine does. */
  roles: readonly Role[];
  /** Strict schema of the whole event, `type` included. */
  schema: z.ZodType<{ type: string }>;
  /** Facts the engine looks up before the rules run (see `EventFacts`). */
  facts?: readonly FactName[];
  /** A provider may send it only in its own name: `event.providerId` must be its own id. */
  ownProvider?: boolean;
  /**
   * Refuses a role in some states, or with some payloads, beyond `roles` (403). Returns why,
   * in words for the caller, or undefined when the role may send it.
   */
  forbid?: (
    state: string,
    role: Role,
    payload: Readonly<Record<string, unknown>>,
  ) => string | undefined;
  /**
   * Domain rules checked before the event reaches the machine, so a refusal can name every
   * unmet rule. The machine's guard calls the same function and so cannot disagree.
   */
  refusals?: (context: TContext, event: never) => Refusal[];
}

/**
 * A snapshot as XState persists it and the database stores it: plain JSON, whichever version
 * of a machine wrote it.
 */
export interface PersistedSnapshot {
  status: string;
  value: unknown;
  context: Record<string, unknown>;
  output?: unknown;
  [key: string]: unknown;
}

/**
 * An earlier version of a definition. Its machine replays the history a workflow gathered
 * before it was migrated (time travel and the audit need it); `upgrade` brings a snapshot of
 * this version to the next one. Both are frozen: they describe what was, and must not follow
 * later changes to the current machine.
 */
export interface PastVersion {
  version: number;
  /**
   * The machine as it was. Only applied rows are replayed, so it may leave out the guards
   * that refused events: every row it reads passed them.
   */
  machine: AnyStateMachine;
  /** A pure mapping, state by state, of a persisted snapshot of this version to the next. */
  upgrade: (snapshot: PersistedSnapshot) => PersistedSnapshot;
}

/** A machine together with everything the engine and the API need to serve it. */
export interface WorkflowDefinition {
  name: string;
  /** Bumped whenever a change would misread snapshots stored by an older definition. */
  version: number;
  /**
   * Every earlier version still stored somewhere, oldest first: version `version - 1` last.
   * Stored workflows are brought to `version` at start, each with a `MIGRATED` history row.
   */
  pastVersions?: readonly PastVersion[];
  description: string;
  machine: AnyStateMachine;
  /** Zod schema of the input the workflow is created with. */
  input: z.ZodType;
  /** Zod schema of the context the machine keeps in every state, as stored in its snapshot. */
  context: z.ZodType;
  /** Zod schema of what the machine returns once it reaches a final state. */
  output: z.ZodType;
  events: Readonly<Record<string, EventSpec<never>>>;
  /** Named conditions worth showing beside the state (SPEC "Flags"). */
  flags?: (context: never, now: Date) => string[];
}
