import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { PastVersion, PersistedSnapshot, WorkflowDefinition } from '../../machines/common.ts';
import type { WorkflowStatus } from '../store/workflows.ts';
import { statusOf } from './engine.ts';
import { migratedType } from './history-chain.ts';

/**
 * The upgrades that bring a snapshot of version `from` to version `to` of a definition, oldest
 * first: empty when the two are equal, undefined when no chain of past versions joins them
 * (a version the definition no longer keeps, or one newer than the code).
 */
export function upgradesBetween(
  definition: WorkflowDefinition,
  from: number,
  to = definition.version,
): PastVersion[] | undefined {
  if (!Number.isInteger(from) || from > to || to > definition.version) return undefined;
  const path: PastVersion[] = [];
  for (let version = from; version < to; version += 1) {
    const past = definition.pastVersions?.find((p) => p.version === version);
    if (!past) return undefined;
    path.push(past);
  }
  return path;
}

/**
 * The definition as it was at `version`: that version's machine, no flags (they read the
 * current context), and the current events' specs, which a past version does not keep: they
 * say who may send what, now. Undefined when the definition keeps no such version.
 */
export function definitionAt(
  definition: WorkflowDefinition,
  version: number,
): WorkflowDefinition | undefined {
  if (version === definition.version) return definition;
  const past = definition.pastVersions?.find((p) => p.version === version);
  if (!past) return undefined;
  const { flags: _flags, pastVersions: _pastVersions, ...kept } = definition;
  return { ...kept, version, machine: past.machine };
}

/**
 * What the database holds of a live snapshot: its persisted form after a trip through JSON,
 * which drops undefined and turns what JSON cannot hold into null.
 */
export function persistedForm(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
): PersistedSnapshot {
  return JSON.parse(JSON.stringify(machine.getPersistedSnapshot(snapshot))) as PersistedSnapshot;
}

/**
 * Brings a persisted snapshot of version `from` to version `to` and resolves it with the
 * machine of `to`. The migration at start and the replay of a MIGRATED row both go through
 * here, so that they cannot disagree. Throws when there is no path, or when the upgrade would
 * finish or reopen the workflow: that takes an event, which its parent would hear of.
 */
export function migrateSnapshot(
  definition: WorkflowDefinition,
  persisted: PersistedSnapshot,
  from: number,
  to = definition.version,
): AnyMachineSnapshot {
  const path = upgradesBetween(definition, from, to);
  const target = definitionAt(definition, to);
  if (!path || !target || from === to) {
    throw new Error(`${definition.name} has no upgrade from version ${from} to ${to}`);
  }
  const upgraded = path.reduce((snapshot, past) => past.upgrade(snapshot), persisted);
  const resolved = target.machine.resolveState(
    upgraded as Parameters<typeof target.machine.resolveState>[0],
  );
  const wasActive = persisted.status === 'active';
  if (wasActive !== (resolved.status === 'active')) {
    throw new Error(
      `the upgrade of ${definition.name} from version ${from} to ${to} would ${wasActive ? 'finish' : 'reopen'} the workflow`,
    );
  }
  return resolved;
}

/**
 * The status of a migrated workflow, from its snapshot as the engine always computes it, but
 * a workflow cancelled with its parent stays cancelled: its snapshot was left as it was.
 */
export function migratedStatus(
  before: WorkflowStatus,
  snapshot: AnyMachineSnapshot,
): WorkflowStatus {
  if (before === 'cancelled' && snapshot.status === 'active') return 'cancelled';
  return statusOf(snapshot);
}

/**
 * Why a definition's versions cannot be served, or undefined when they can: past versions
 * oldest first, each one version after the one before, the last `version - 1`; and no event
 * of the engine's own MIGRATED type.
 */
export function pastVersionsProblem(definition: WorkflowDefinition): string | undefined {
  if (Object.hasOwn(definition.events, migratedType)) {
    return `${definition.name} declares an event ${migratedType}, the type of the engine's own migration rows`;
  }
  const past = definition.pastVersions ?? [];
  if (past.length === 0) return undefined;
  for (const [i, entry] of past.entries()) {
    const expected = definition.version - past.length + i;
    if (entry.version !== expected) {
      return `${definition.name} version ${definition.version} lists past version ${entry.version} where ${expected} belongs: past versions run oldest first, one apart, up to ${definition.version - 1}`;
    }
  }
  return undefined;
}
