import type { AnyStateMachine } from 'xstate';
import { z } from 'zod';

/** Who may act. `customer` acts only through a consent link; `system` is timers and child reports. */
export const roles = [
  'admin',
  'manager',
  'global_admin',
  'provider',
  'auditor',
  'customer',
  'system',
] as const;
export type Role = (typeof roles)[number];

/** What the engine tells a machine about a child that reached a final state. */
export const childDoneEvent = z.strictObject({
  type: z.literal('CHILD_DONE'),
  childId: z.string(),
  machine: z.string(),
  customerId: z.string().nullable(),
  state: z.string(),
  status: z.enum(['done', 'cancelled']),
  output: z.unknown().optional(),
});
export type ChildDoneEvent = z.infer<typeof childDoneEvent>;

/** A delay the runtime turns into an absolute due time with its own clock. */
export interface Delay {
  businessDays?: number;
  days?: number;
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
export interface ScheduleTimerParams {
  key: string;
  event: { type: string } & Record<string, unknown>;
  after: Delay;
}
export interface CancelTimerParams {
  key: string;
}

export const effectActions = {
  createChild: (_: unknown, _params: CreateChildParams) => {},
  scheduleTimer: (_: unknown, _params: ScheduleTimerParams) => {},
  cancelTimer: (_: unknown, _params: CancelTimerParams) => {},
  cancelChildren: () => {},
};

export interface EventSpec<TContext = unknown> {
  description: string;
  /** Roles allowed to send it; `system` alone means only the engine does. */
  roles: readonly Role[];
  /** Strict schema of the whole event, `type` included. */
  schema: z.ZodType<{ type: string }>;
  /**
   * Domain rules checked before the event reaches the machine, so a refusal can name every
   * unmet rule. The machine's guard calls the same function and so cannot disagree.
   */
  refusals?: (context: TContext, event: never) => string[];
}

/** A machine together with everything the engine and the API need to serve it. */
export interface WorkflowDefinition {
  name: string;
  /** Bumped whenever a change would misread snapshots stored by an older definition. */
  version: number;
  description: string;
  machine: AnyStateMachine;
  /** Zod schema of the input the workflow is created with. */
  input: z.ZodType;
  events: Readonly<Record<string, EventSpec<never>>>;
  /** Named conditions worth showing beside the state (SPEC "Flags"). */
  flags?: (context: never, now: Date) => string[];
}
