import type { AnyStateNode, AnyStateMachine } from 'xstate';
import type { MachineDescription } from '../engine/introspection.ts';

/**
 * What a statechart is drawn from: the description `GET /v1/machines/{name}` serves, and the
 * two kinds of transition it leaves out, read from the same machine. Without them a drawing
 * shows states nothing leads to (`completed`, reached when the last customer settles; the
 * `cancelled` that CANCEL reaches from any state), which would mislead.
 */
export interface StatechartSource {
  description: MachineDescription;
  /** Taken without an event as soon as the guard holds, labelled `[guard]` (or `[else]`). */
  automatic: Array<{ source: string; target: string; label: string }>;
  /** Events the machine takes in whichever state it is; a null target leaves the state as it is. */
  anyState: Array<{ event: string; target: string | null }>;
}

const pathOf = (node: AnyStateNode) => node.path.join('.');

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'condition';
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') {
    return guard.type;
  }
  return 'condition';
}

function automaticOf(node: AnyStateNode): StatechartSource['automatic'] {
  const out: StatechartSource['automatic'] = [];
  const always = node.always ?? [];
  for (const transition of always) {
    const guard = guardName(transition.guard);
    // An unguarded one after guarded ones is taken when none of theirs hold.
    const label = guard ? `[${guard}]` : always.length > 1 ? '[else]' : '[always]';
    for (const target of transition.target ?? []) {
      out.push({ source: pathOf(node), target: pathOf(target), label });
    }
  }
  for (const child of Object.values(node.states)) out.push(...automaticOf(child));
  return out;
}

function anyStateOf(machine: AnyStateMachine): StatechartSource['anyState'] {
  const out: StatechartSource['anyState'] = [];
  for (const [event, transitions] of machine.root.transitions) {
    if (event.startsWith('xstate.')) continue;
    for (const transition of transitions) {
      const targets = transition.target ?? [];
      if (targets.length === 0) out.push({ event, target: null });
      for (const target of targets) out.push({ event, target: pathOf(target) });
    }
  }
  return out;
}

/** The description, with the machine's eventless and any-state transitions beside it. */
export function statechartSource(
  machine: AnyStateMachine,
  description: MachineDescription,
): StatechartSource {
  return {
    description,
    automatic: Object.values(machine.root.states).flatMap(automaticOf),
    anyState: anyStateOf(machine),
  };
}
