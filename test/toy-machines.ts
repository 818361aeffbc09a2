import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  effectActions,
  type PastVersion,
  type PersistedSnapshot,
  type WorkflowDefinition,
} from '../machines/common.ts';

/**
 * Three versions of a small order machine, for testing how stored workflows move from one
 * version to the next. Each version keeps its states and context differently:
 *
 * - 1: `draft` → `review` → `approved` | `rejected`; notes are strings, the customer a name.
 * - 2: `editing` → `checking.waiting` → `accepted` | `rejected`; notes are objects, the
 *   customer an object, and the output counts notes under another name.
 * - 3: as 2, with `checking.secondLook` after `SECOND_LOOK` and a `priority`.
 *
 * `review` (`checking`) schedules a reminder timer on entry, so that a migration can be seen
 * to leave stored timers alone.
 */

const billTo = z.strictObject({ companyName: z.string(), email: z.string() });
export const toyInput = z.strictObject({
  customerName: z.string(),
  providerId: z.string(),
  billTo,
});
type ToyInput = z.infer<typeof toyInput>;

const note = z.strictObject({ type: z.literal('NOTE'), text: z.string().min(1) });
const submit = z.strictObject({ type: z.literal('SUBMIT') });
const share = z.strictObject({ type: z.literal('SHARE') });
const approve = z.strictObject({ type: z.literal('APPROVE') });
const reject = z.strictObject({ type: z.literal('REJECT'), reason: z.string().min(1) });
const nudge = z.strictObject({ type: z.literal('NUDGE') });
const secondLook = z.strictObject({ type: z.literal('SECOND_LOOK') });
type ToyEvent =
  | z.infer<typeof note>
  | z.infer<typeof submit>
  | z.infer<typeof share>
  | z.infer<typeof approve>
  | z.infer<typeof reject>
  | z.infer<typeof nudge>
  | z.infer<typeof secondLook>;

const reminder = {
  entry: {
    type: 'scheduleTimer' as const,
    params: { key: 'nudge', event: { type: 'NUDGE' }, after: { days: 7 } },
  },
  exit: { type: 'cancelTimer' as const, params: { key: 'nudge' } },
};

interface V1Context {
  customerName: string;
  providerId: string;
  billTo: ToyInput['billTo'];
  billToShared: boolean;
  notes: string[];
  nudges: number;
}

const v1 = setup({
  types: {
    context: {} as V1Context,
    events: {} as ToyEvent,
    input: {} as ToyInput,
    output: {} as { notes: number },
  },
  actions: effectActions,
}).createMachine({
  id: 'toy',
  initial: 'draft',
  context: ({ input }) => ({ ...input, billToShared: false, notes: [], nudges: 0 }),
  output: ({ context }) => ({ notes: context.notes.length }),
  states: {
    draft: {
      on: {
        NOTE: {
          actions: assign({ notes: ({ context, event }) => [...context.notes, event.text] }),
        },
        SUBMIT: { target: 'review' },
      },
    },
    review: {
      ...reminder,
      on: {
        NUDGE: {
          target: 'review',
          reenter: true,
          actions: assign({ nudges: ({ context }) => context.nudges + 1 }),
        },
        SHARE: { actions: assign({ billToShared: true }) },
        APPROVE: { target: 'approved' },
        REJECT: { target: 'rejected' },
      },
    },
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});

interface V2Context {
  customer: { name: string };
  providerId: string;
  billTo: ToyInput['billTo'];
  billToShared: boolean;
  notes: Array<{ text: string }>;
  nudges: number;
}

/** Version 3 keeps a priority too. */
type LaterContext = V2Context & { priority?: 'normal' | 'high' };

/** The states and transitions 2 and 3 share; 3 adds a second look inside `checking`. */
function laterMachine(initialContext: (input: ToyInput) => LaterContext, withSecondLook: boolean) {
  return setup({
    types: {
      context: {} as LaterContext,
      events: {} as ToyEvent,
      input: {} as ToyInput,
      output: {} as { noteCount: number },
    },
    actions: effectActions,
  }).createMachine({
    id: 'toy',
    initial: 'editing',
    context: ({ input }) => initialContext(input),
    output: ({ context }) => ({ noteCount: context.notes.length }),
    states: {
      editing: {
        on: {
          NOTE: {
            actions: assign({
              notes: ({ context, event }) => [...context.notes, { text: event.text }],
            }),
          },
          SUBMIT: { target: 'checking' },
        },
      },
      checking: {
        ...reminder,
        initial: 'waiting',
        states: {
          waiting: withSecondLook ? { on: { SECOND_LOOK: { target: 'secondLook' } } } : {},
          ...(withSecondLook ? { secondLook: {} } : {}),
        },
        on: {
          NUDGE: {
            target: 'checking',
            reenter: true,
            actions: assign({ nudges: ({ context }) => context.nudges + 1 }),
          },
          SHARE: { actions: assign({ billToShared: true }) },
          APPROVE: { target: 'accepted' },
          REJECT: { target: 'rejected' },
        },
      },
      accepted: { type: 'final' },
      rejected: { type: 'final' },
    },
  });
}

const v2 = laterMachine(
  ({ customerName, ...rest }) => ({
    ...rest,
    customer: { name: customerName },
    billToShared: false,
    notes: [],
    nudges: 0,
  }),
  false,
);

const v3 = laterMachine(
  ({ customerName, ...rest }) => ({
    ...rest,
    customer: { name: customerName },
    billToShared: false,
    notes: [],
    nudges: 0,
    priority: 'normal',
  }),
  true,
);

const v1ToV2States: Record<string, unknown> = {
  draft: 'editing',
  review: { checking: 'waiting' },
  approved: 'accepted',
  rejected: 'rejected',
};

/** Version 1 to 2, state by state: new state names, notes as objects, the customer an object. */
export function upgradeV1(snapshot: PersistedSnapshot): PersistedSnapshot {
  const { customerName, notes, ...context } = snapshot.context as unknown as V1Context;
  const output = snapshot.output as { notes: number } | undefined;
  return {
    ...snapshot,
    value: v1ToV2States[snapshot.value as string],
    context: {
      ...context,
      customer: { name: customerName },
      notes: notes.map((text) => ({ text })),
    },
    ...(output ? { output: { noteCount: output.notes } } : {}),
  };
}

/** Version 2 to 3: every order so far had normal priority. */
export function upgradeV2(snapshot: PersistedSnapshot): PersistedSnapshot {
  return { ...snapshot, context: { ...snapshot.context, priority: 'normal' } };
}

const machines = { 1: v1, 2: v2, 3: v3 } as const;
export type ToyVersion = keyof typeof machines;

const upgrades: Record<1 | 2, PastVersion['upgrade']> = { 1: upgradeV1, 2: upgradeV2 };

const partnerSide = ['manager', 'global_admin'] as const;

/**
 * The definition `name` at `version`, with the versions before it as past versions (from
 * `oldestKept` on: a build may stop keeping the oldest). `upgrade` replaces the upgrade
 * from 1, to try one that misbehaves.
 */
export function toyDefinition(
  name: string,
  version: ToyVersion,
  options: { oldestKept?: number; upgradeFrom1?: PastVersion['upgrade'] } = {},
): WorkflowDefinition {
  const pastVersions: PastVersion[] = [];
  for (let past = options.oldestKept ?? 1; past < version; past += 1) {
    const upgrade = past === 1 ? (options.upgradeFrom1 ?? upgrades[1]) : upgrades[2];
    pastVersions.push({ version: past, machine: machines[past as ToyVersion], upgrade });
  }
  return {
    name,
    version,
    ...(pastVersions.length > 0 ? { pastVersions } : {}),
    description: `A small order, version ${version}.`,
    machine: machines[version],
    input: toyInput,
    context: z.looseObject({ providerId: z.string() }),
    output: z.looseObject({}),
    events: {
      NOTE: { description: 'Adds a note.', roles: partnerSide, schema: note },
      SUBMIT: { description: 'Sends it for review.', roles: partnerSide, schema: submit },
      SHARE: { description: 'Shares the bill-to.', roles: partnerSide, schema: share },
      APPROVE: { description: 'Approves it.', roles: partnerSide, schema: approve },
      REJECT: { description: 'Rejects it.', roles: partnerSide, schema: reject },
      NUDGE: { description: 'A reminder came due.', roles: ['system'], schema: nudge },
      ...(version === 3
        ? {
            SECOND_LOOK: {
              description: 'Asks for a second look.',
              roles: partnerSide,
              schema: secondLook,
            },
          }
        : {}),
    },
  };
}
