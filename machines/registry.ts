import type { WorkflowDefinition } from './common.ts';
import { enrollmentDefinition } from './enrollment/enrollment.machine.ts';
import { mcaReacceptanceDefinition } from './mca-reacceptance/mca-reacceptance.machine.ts';
import { resellerRelationshipDefinition } from './reseller-relationship/reseller-relationship.machine.ts';
import { subscriptionTransferDefinition } from './subscription-transfer/subscription-transfer.machine.ts';
import { transitionDefinition } from './transition/transition.machine.ts';

export const definitions: ReadonlyMap<string, WorkflowDefinition> = new Map(
  [
    transitionDefinition,
    enrollmentDefinition,
    resellerRelationshipDefinition,
    mcaReacceptanceDefinition,
    subscriptionTransferDefinition,
  ].map((d) => [d.name, d]),
);

export function findDefinition(name: string): WorkflowDefinition | undefined {
  return definitions.get(name);
}
