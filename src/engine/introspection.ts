import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode } from 'xstate';
import { isClientRole, type Role, type WorkflowDefinition } from '../../machines/common.ts';

export interface NextEvent {
  type: string;
  roles: Role[];
}

/**
 * The deepest contract state as `parent.child`. States marked `meta: { internal: true }` are
 * left out: they exist for the machine's own bookkeeping and show only in `stateValue`.
 */
export function contractState(snapshot: AnyMachineSnapshot): string {
  const leaves = snapshot._nodes.filter((n) => n.type === 'atomic' || n.type === 'final');
  const leaf = leaves[0];
  if (!leaf) return '';
  const path: string[] = [];
  let node: AnyStateNode | undefined = leaf;
  while (node?.parent) {
    if (!isInternal(node)) path.unshift(node.key);
    node = node.parent;
  }
  return path.join('.');
}

function isInternal(node: AnyStateNode): boolean {
  const meta: unknown = node.meta;
  return (
    typeof meta === 'object' && meta !== null && (meta as { internal?: unknown }).internal === true
  );
}

/** Events some transition of the current state reacts to, as the machine declares them. */
export function acceptedEventTypes(snapshot: AnyMachineSnapshot): Set<string> {
  const types = new Set<string>();
  for (const node of snapshot._nodes) {
    for (const type of node.ownEvents as string[]) {
      if (!type.startsWith('xstate.')) types.add(type);
    }
  }
  return types;
}

/**
 * What a client may send now: the accepted events minus those only the system sends, each
 * with the roles that may send it in this state. A role the state forbids whatever it sends
 * (a provider cancelling a submitted transfer) is left out, so no client offers it.
 */
export function nextEvents(
  definition: WorkflowDefinition,
  snapshot: AnyMachineSnapshot,
): NextEvent[] {
  if (snapshot.status !== 'active') return [];
  const state = contractState(snapshot);
  const out: NextEvent[] = [];
  for (const type of acceptedEventTypes(snapshot)) {
    const spec = definition.events[type];
    if (!spec) continue;
    const roles = spec.roles.filter(
      (r) => isClientRole(r) && spec.forbid?.(state, r, {}) === undefined,
    );
    if (roles.length > 0) out.push({ type, roles });
  }
  return out.sort((a, b) => a.type.localeCompare(b.type));
}

export interface StateDescription {
  name: string;
  description: string | null;
  final: boolean;
  initial: string | null;
  transitions: Array<{ event: string; targets: string[] }>;
  states: StateDescription[];
}

export interface MachineDescription {
  name: string;
  version: number;
  description: string;
  initial: string | null;
  states: StateDescription[];
  events: Array<{ type: string; roles: Role[]; description: string; schema: unknown }>;
}

/** A plain-data picture of a machine, for `GET /v1/machines/{name}` and the docs. */
export function describeMachine(
  definition: WorkflowDefinition,
  toJsonSchema: (schema: WorkflowDefinition['events'][string]['schema']) => unknown,
): MachineDescription {
  const root = definition.machine.root;
  return {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    initial: initialOf(root),
    states: Object.values(root.states).map((s) => describeState(s, root)),
    events: Object.entries(definition.events).map(([type, spec]) => ({
      type,
      roles: [...spec.roles],
      description: spec.description,
      schema: toJsonSchema(spec.schema),
    })),
  };
}

function describeState(node: AnyStateNode, root: AnyStateNode): StateDescription {
  const transitions: StateDescription['transitions'] = [];
  for (const [event, list] of node.transitions) {
    if (event.startsWith('xstate.')) continue;
    const targets = new Set<string>();
    for (const t of list) {
      for (const target of t.target ?? [node]) targets.add(pathOf(target, root));
    }
    transitions.push({ event, targets: [...targets] });
  }
  if (node === root)
    return { name: '', description: null, final: false, initial: null, transitions, states: [] };
  return {
    name: pathOf(node, root),
    description: node.description ?? null,
    final: node.type === 'final',
    initial: initialOf(node),
    transitions,
    states: Object.values(node.states).map((s) => describeState(s, root)),
  };
}

function initialOf(node: AnyStateNode): string | null {
  const first = node.initial?.target[0];
  return first ? first.key : null;
}

function pathOf(node: AnyStateNode, root: AnyStateNode): string {
  return node === root ? '' : node.path.join('.');
}

/** Root-level transitions (such as CANCEL from any state) as a machine declares them. */
export function rootTransitions(machine: AnyStateMachine): string[] {
  return [...machine.root.transitions.keys()].filter((e) => !e.startsWith('xstate.'));
}

/**
 * Event types that can bring a workflow of `machine` to a final state, read from its
 * definition. Conservative: eventless transitions are checked after every event, so every
 * event taken in a state that has them (or by an ancestor of that state), and every event
 * that enters such a state, counts too.
 */
export function finishingEventTypes(machine: AnyStateMachine): Set<string> {
  const finishing = new Set<string>();
  const leadsOn = (target: AnyStateNode) =>
    (target.type === 'final' && target.parent === machine.root) || target.always !== undefined;
  const visit = (node: AnyStateNode) => {
    for (const [event, list] of node.transitions) {
      if (list.some((t) => (t.target ?? []).some(leadsOn))) finishing.add(event);
    }
    if (node.always !== undefined) {
      for (let n: AnyStateNode | undefined = node; n; n = n.parent) {
        for (const event of n.transitions.keys()) finishing.add(event);
      }
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return finishing;
}
