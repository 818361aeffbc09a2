import type { WorkflowDefinition } from './common.ts';
import { enrollmentDefinition } from './enrollment/enrollment.machine.ts';
import { transitionDefinition } from './transition/transition.machine.ts';

export const definitions: ReadonlyMap<string, WorkflowDefinition> = new Map(
  [transitionDefinition, enrollmentDefinition].map((d) => [d.name, d]),
);

export function findDefinition(name: string): WorkflowDefinition | undefined {
  return definitions.get(name);
}
