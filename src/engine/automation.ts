import type { AnyStateNode } from 'xstate';
import {
  isClientRole,
  partnerCenterOperations,
  type PartnerCenterOperation,
  type WorkflowDefinition,
} from '../../machines/common.ts';
import { definitions } from '../../machines/registry.ts';
import { customerMachines, type CustomerMachine } from '../store/customer-table.ts';

/**
 * How a customer step happens once the transition is connected to Partner Center:
 * - `call`: Tiershift calls Partner Center and records what it answers;
 * - `report`: Partner Center reports it, when it sees it happen;
 * - `hand`: someone attests it, as on a transition that is not connected.
 */
export type StepHow = 'call' | 'report' | 'hand';

/** One event a client or Partner Center sends to a customer's workflow. */
export interface CustomerStep {
  machine: CustomerMachine;
  event: string;
  description: string;
  /** How it happens on a connected transition; on any other, by hand. */
  connected: StepHow;
  /** The call whose answer the event records, for a `call` step. */
  operation: PartnerCenterOperation | null;
  /** Attested by hand, and then written to Partner Center as well when connected. */
  alsoRecordedInPartnerCenter: boolean;
  /**
   * Someone may attest it. One no client may send (a transfer request lapsing) is a step only
   * where Partner Center reports it; elsewhere a timer sends it, and nobody has to.
   */
  attestable: boolean;
}

/** A step as one transition sees it: connected or not. */
export interface TransitionStep {
  machine: CustomerMachine;
  event: string;
  description: string;
  automated: boolean;
  how: StepHow;
  alsoRecordedInPartnerCenter: boolean;
}

function operationOf(action: unknown): PartnerCenterOperation | undefined {
  if (typeof action !== 'object' || action === null) return undefined;
  const { type, params } = action as { type?: unknown; params?: unknown };
  if (type !== 'callPartnerCenter' || typeof params !== 'object' || params === null) {
    return undefined;
  }
  const operation = (params as { operation?: unknown }).operation;
  return partnerCenterOperations.find((o) => o === operation);
}

function* stateNodes(node: AnyStateNode): Generator<AnyStateNode> {
  yield node;
  for (const child of Object.values(node.states)) yield* stateNodes(child);
}

/**
 * The steps of one machine, read from its definition. A call made on entering a state does
 * in people's stead a step that state waits for: the event of that state that both a client
 * and Partner Center may send is the call's answer. (A timer's event, such as a lapsed
 * request, is no one's step to do, so no call answers it.) An event Partner Center may send
 * otherwise is what it reports. A call made by a transition writes to Partner Center what
 * its event attests, and has no answer.
 */
export function stepsOf(machine: CustomerMachine, definition: WorkflowDefinition): CustomerStep[] {
  const answers = new Map<string, PartnerCenterOperation>();
  const recorded = new Set<string>();
  for (const node of stateNodes(definition.machine.root)) {
    for (const operation of node.entry.map(operationOf)) {
      if (!operation) continue;
      for (const event of node.transitions.keys()) {
        const roles = definition.events[event]?.roles ?? [];
        if (roles.includes('partner_center') && roles.some(isClientRole)) {
          answers.set(event, operation);
        }
      }
    }
    for (const [event, transitions] of node.transitions) {
      if (transitions.some((t) => t.actions.some((a) => operationOf(a) !== undefined))) {
        recorded.add(event);
      }
    }
  }
  return Object.entries(definition.events)
    .filter(([, spec]) => spec.roles.some((r) => isClientRole(r) || r === 'partner_center'))
    .map(([event, spec]) => {
      const operation = answers.get(event) ?? null;
      return {
        machine,
        event,
        description: spec.description,
        connected: operation ? 'call' : spec.roles.includes('partner_center') ? 'report' : 'hand',
        operation,
        alsoRecordedInPartnerCenter: recorded.has(event),
        attestable: spec.roles.some(isClientRole),
      };
    });
}

/** Every step of a customer's three workflows, in the order a move takes them. */
export const customerSteps: readonly CustomerStep[] = customerMachines.flatMap((name) => {
  const definition = definitions.get(name);
  if (!definition) throw new Error(`No definition of the ${name} machine`);
  return stepsOf(name, definition);
});

/**
 * The customer steps of a transition, connected to Partner Center or not. Not connected,
 * every step is attested by hand, and those nobody attests are left out.
 */
export function transitionSteps(connected: boolean): TransitionStep[] {
  const steps = connected ? customerSteps : customerSteps.filter((s) => s.attestable);
  return steps.map((step) => {
    const how = connected ? step.connected : 'hand';
    return {
      machine: step.machine,
      event: step.event,
      description: step.description,
      automated: how !== 'hand',
      how,
      alsoRecordedInPartnerCenter: connected && step.alsoRecordedInPartnerCenter,
    };
  });
}
