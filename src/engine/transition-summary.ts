import { findDefinition } from '../../machines/registry.ts';
import type { TransitionContext } from '../../machines/transition/transition.machine.ts';
import type { PartnershipStatus } from '../../machines/transition/transition.rules.ts';
import type { ChildActivity, TransitionListRow } from '../store/transition-summaries.ts';
import type { WorkflowStatus } from '../store/workflows.ts';
import { restore } from './engine.ts';

/** A transition's progress at a glance, as the transitions list shows it. */
export interface TransitionSummary {
  id: string;
  partnerId: string;
  partnerName: string;
  state: string;
  status: WorkflowStatus;
  flags: string[];
  /** Null when the row was stored by a machine version this build does not run. */
  customers: { total: number; moved: number; excluded: number; inProgress: number } | null;
  transfersCompleted: number;
  enrollment: { id: string; state: string; status: WorkflowStatus } | null;
  /** The provider whose invitation was accepted, once there is one. */
  providerId: string | null;
  partnerships: Array<{ providerId: string; status: PartnershipStatus }>;
  migrationDeadline: string | null;
  /** The newest change of the transition or any of its children. */
  lastActivity: string;
  createdAt: string;
}

/** Flagged on the list while the enrollment waits past its approval time. */
const enrollmentOverdue = 'enrollmentOverdue';

/**
 * Reads a transition's snapshot for its counts and flags. The flags are the definition's,
 * worked out at `now` as a single read gives them, plus `enrollmentOverdue` from its child.
 * In progress is what is neither moved nor excluded: `total − moved − excluded`.
 */
export function toTransitionSummary(
  row: TransitionListRow,
  activity: ChildActivity | undefined,
  now: Date,
): TransitionSummary {
  const lastChange = activity?.lastChange;
  const base = {
    id: row.id,
    partnerId: row.partner_id,
    partnerName: row.partner_name,
    state: row.state,
    status: row.status,
    transfersCompleted: activity?.transfersCompleted ?? 0,
    enrollment:
      row.enrollment_id && row.enrollment_state && row.enrollment_status
        ? { id: row.enrollment_id, state: row.enrollment_state, status: row.enrollment_status }
        : null,
    lastActivity: (lastChange && lastChange > row.updated_at
      ? lastChange
      : row.updated_at
    ).toISOString(),
    createdAt: row.created_at.toISOString(),
  };
  const definition = findDefinition(row.machine);
  if (definition?.version !== row.machine_version) {
    return {
      ...base,
      flags: ['machine_version_unsupported'],
      customers: null,
      providerId: row.provider_id,
      partnerships: [],
      migrationDeadline: null,
    };
  }
  const context = restore(definition, row).context as TransitionContext;
  const flags = row.status === 'active' ? (definition.flags?.(context as never, now) ?? []) : [];
  if (row.status === 'active' && row.enrollment_state === 'pendingApproval.overdue') {
    flags.push(enrollmentOverdue);
  }
  return {
    ...base,
    flags,
    customers: {
      total: context.customersTotal,
      moved: context.customersMoved,
      excluded: context.customersExcluded,
      inProgress: Math.max(
        0,
        context.customersTotal - context.customersMoved - context.customersExcluded,
      ),
    },
    providerId: context.providerId,
    partnerships: Object.entries(context.partnerships).map(([providerId, status]) => ({
      providerId,
      status,
    })),
    migrationDeadline: context.migrationDeadline,
  };
}
