import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import type { WorkflowDefinition } from '../../machines/common.ts';
import { newId } from '../ids.ts';
import type { HistoryRow } from '../store/history.ts';
import type { WorkflowRow, WorkflowStatus } from '../store/workflows.ts';
import { genesisHash } from './hash.ts';
import { accessFields, nextHistoryRow, type RowAuthor } from './history-chain.ts';
import { contractState } from './introspection.ts';

/** Where a new workflow sits: its partner, and for a child its parent, customer and provider. */
export interface Placement {
  partnerId: string;
  parentId?: string | null | undefined;
  customerId?: string | null | undefined;
  providerId?: string | null | undefined;
}

/** A workflow as its machine starts it, before anything is written. */
export interface NewWorkflow {
  row: WorkflowRow;
  history: HistoryRow;
  snapshot: AnyMachineSnapshot;
  /** What its start asks the runtime to do (timers, children, …). */
  actions: ReadonlyArray<{ type: string; params?: unknown }>;
}

/**
 * Starts a workflow in memory: its first snapshot, the row that stores it and its CREATED
 * history row, hashed onto the genesis. Pure, so that thousands of children can be built
 * before any lock is taken and written in a few statements.
 */
export function newWorkflow(
  definition: WorkflowDefinition,
  input: unknown,
  placement: Placement,
  author: RowAuthor,
  status: (snapshot: AnyMachineSnapshot) => WorkflowStatus,
): NewWorkflow {
  const parsed = definition.input.parse(input) as Record<string, unknown>;
  const [snapshot, actions] = initialTransition(definition.machine, parsed);
  const blank: WorkflowRow = {
    id: newId('wf'),
    machine: definition.name,
    machine_version: definition.version,
    snapshot: definition.machine.getPersistedSnapshot(snapshot),
    state: contractState(snapshot),
    status: status(snapshot),
    version: 1,
    history_length: 0,
    head_hash: genesisHash,
    parent_id: placement.parentId ?? null,
    partner_id: placement.partnerId,
    customer_id: placement.customerId ?? null,
    provider_id: placement.providerId ?? null,
    created_at: author.now,
    updated_at: author.now,
  };
  const history = nextHistoryRow(
    blank,
    {
      type: 'CREATED',
      payload: parsed,
      from: null,
      to: blank.state,
      outcome: 'applied',
      reason: null,
      bindings: { subject: accessFields(blank) },
    },
    author,
  );
  return {
    row: { ...blank, history_length: 1, head_hash: history.hash },
    history,
    snapshot,
    actions,
  };
}
