import type { AnyMachineSnapshot } from 'xstate';
import type { WorkflowDefinition } from '../../machines/common.ts';
import type { Principal } from '../auth/principal.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { withholdsBillTo, withoutBillTo } from './redaction.ts';
import { nextEvents, type NextEvent } from './introspection.ts';

/** A workflow as the API shows it (SPEC §3 "A workflow"). */
export interface WorkflowView {
  id: string;
  machine: string;
  machineVersion: number;
  parentId: string | null;
  partnerId: string;
  customerId?: string;
  providerId?: string;
  state: string;
  stateValue: unknown;
  status: WorkflowRow['status'];
  context: unknown;
  output?: unknown;
  nextEvents: NextEvent[];
  flags: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toWorkflowView(
  row: WorkflowRow,
  definition: WorkflowDefinition,
  snapshot: AnyMachineSnapshot,
  now: Date,
  viewer: Principal,
  withholdBillTo = withholdsBillTo(viewer, snapshot.context),
): WorkflowView {
  const active = row.status === 'active';
  const view = fromRow(row, {
    stateValue: snapshot.value,
    context: withholdBillTo ? withoutBillTo(snapshot.context) : snapshot.context,
    nextEvents: active ? nextEvents(definition, snapshot) : [],
    flags: active ? (definition.flags?.(snapshot.context as never, now) ?? []) : [],
  });
  if (row.status === 'done') view.output = snapshot.output ?? null;
  return view;
}

/**
 * A workflow stored by a machine version this build does not run, as a list shows it: what
 * the row itself says, and nothing read from its snapshot, which only its own version may
 * interpret. Reading it alone answers 409 `machine_version_unsupported`.
 */
export function toUnsupportedView(row: WorkflowRow): WorkflowView {
  return fromRow(row, {
    stateValue: null,
    context: null,
    nextEvents: [],
    flags: ['machine_version_unsupported'],
  });
}

/** The fields every view takes from the row itself, around what the snapshot says. */
function fromRow(
  row: WorkflowRow,
  fromSnapshot: Pick<WorkflowView, 'stateValue' | 'context' | 'nextEvents' | 'flags'>,
): WorkflowView {
  const view: WorkflowView = {
    id: row.id,
    machine: row.machine,
    machineVersion: row.machine_version,
    parentId: row.parent_id,
    partnerId: row.partner_id,
    state: row.state,
    status: row.status,
    ...fromSnapshot,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.customer_id) view.customerId = row.customer_id;
  if (row.provider_id) view.providerId = row.provider_id;
  return view;
}
