import type { Knex } from 'knex';
import type { PersistedSnapshot, WorkflowDefinition } from '../../machines/common.ts';
import { systemPrincipal } from '../auth/principal.ts';
import type { HistoryRow } from '../store/history.ts';
import {
  countMachineVersions,
  lockWorkflowsBelowVersion,
  workflowIdsAtVersion,
  workflowIdsBelowVersion,
  writeStepsOfMany,
  type WorkflowChange,
  type WorkflowRow,
} from '../store/workflows.ts';
import type { Clock } from './clock.ts';
import { appliedStep } from './engine.ts';
import { migratedType } from './history-chain.ts';
import {
  migratedStatus,
  migrateSnapshot,
  pastVersionsProblem,
  upgradesBetween,
} from './machine-versions.ts';
import { withTransactionRetry } from './retry.ts';

export interface MigrationOptions {
  /** The definitions this build runs, by machine name. */
  definitions: ReadonlyMap<string, WorkflowDefinition>;
  clock: Clock;
  /** Workflows migrated per transaction; each batch is read, locked and written on its own. */
  batchSize?: number;
  /** Told how far each machine has come: after every `progressEvery` workflows, and at its end. */
  onProgress?: (progress: MigrationProgress) => void;
  progressEvery?: number;
}

export interface MigrationProgress {
  machine: string;
  toVersion: number;
  /** Migrated by this process so far. */
  migrated: number;
  /** Stored by older versions when the run began. */
  total: number;
  done: boolean;
}

/** How many workflows of each machine this run brought to the current version. */
export type MigrationReport = Record<string, number>;

/** Workflows whose stored machine version this build cannot run or bring to one it runs. */
export class StoredVersionsUnsupported extends Error {
  constructor(readonly groups: readonly UnsupportedGroup[]) {
    const total = groups.reduce((sum, g) => sum + g.count, 0);
    super(
      `Tiershift cannot start: ${total} stored workflow${total === 1 ? ' is' : 's are'} of a machine version this build neither runs nor migrates. ${groups.map(describeGroup).join('; ')}. Start the build that stored them, or one whose definitions list those versions in pastVersions.`,
    );
    this.name = 'StoredVersionsUnsupported';
  }
}

export interface UnsupportedGroup {
  machine: string;
  version: number;
  count: number;
  /** The first few ids, in id order. */
  ids: string[];
  why: string;
}

function describeGroup(group: UnsupportedGroup): string {
  const more = group.count > group.ids.length ? ` and ${group.count - group.ids.length} more` : '';
  return `${group.machine} version ${group.version} (${group.why}): ${group.ids.join(', ')}${more}`;
}

/** A workflow the upgrade of its snapshot failed on: the start stops and names it. */
export class MigrationFailed extends Error {
  constructor(row: Pick<WorkflowRow, 'id' | 'machine' | 'machine_version'>, cause: unknown) {
    super(
      `Tiershift cannot start: workflow ${row.id} (${row.machine} version ${row.machine_version}) could not be migrated: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'MigrationFailed';
  }
}

const idsShown = 5;

/**
 * Brings every stored workflow to the version of its machine that this build runs, before it
 * serves anything: each one's snapshot goes through the upgrades of its definition's past
 * versions and is resolved with the current machine, and the row changes together with a
 * MIGRATED history row (actor `system`, payload `{fromVersion, toVersion}`), chained like any
 * other. Nothing is announced to webhooks and no timer is touched: the timers stored for a
 * workflow stay as they are.
 *
 * First it checks that every stored version can be reached: if not, it migrates nothing and
 * throws `StoredVersionsUnsupported`, naming the workflows. Then it works in batches, one
 * transaction and two writes each (100,000 workflows take about half a minute on Postgres),
 * so no more than a batch is ever in memory. Running it again does nothing;
 * two processes running it at once migrate each workflow once, since a batch locks its rows
 * and skips those another process moved on while it waited.
 */
export async function migrateStoredWorkflows(
  db: Knex,
  options: MigrationOptions,
): Promise<MigrationReport> {
  const { definitions } = options;
  for (const definition of definitions.values()) {
    const problem = pastVersionsProblem(definition);
    if (problem) throw new Error(problem);
  }
  const stored = await countMachineVersions(db);
  const unsupported: UnsupportedGroup[] = [];
  const pending = new Map<string, number>();
  for (const { machine, machine_version: version, count } of stored) {
    const definition = definitions.get(machine);
    const why = !definition
      ? 'no such machine in this build'
      : version > definition.version
        ? `newer than version ${definition.version}, which this build runs`
        : version === definition.version
          ? undefined
          : upgradesBetween(definition, version)
            ? undefined
            : `this build runs version ${definition.version} and keeps no upgrade from ${version}`;
    if (why) {
      const ids = await workflowIdsAtVersion(db, machine, version, idsShown);
      unsupported.push({ machine, version, count, ids, why });
    } else if (definition && version < definition.version) {
      pending.set(machine, (pending.get(machine) ?? 0) + count);
    }
  }
  if (unsupported.length > 0) throw new StoredVersionsUnsupported(unsupported);

  const report: MigrationReport = {};
  for (const [machine, total] of pending) {
    const definition = definitions.get(machine)!;
    report[machine] = await migrateMachine(db, definition, total, options);
  }
  return report;
}

async function migrateMachine(
  db: Knex,
  definition: WorkflowDefinition,
  total: number,
  options: MigrationOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 200;
  const progressEvery = options.progressEvery ?? 5000;
  const tell = (done: boolean) =>
    options.onProgress?.({
      machine: definition.name,
      toVersion: definition.version,
      migrated,
      total,
      done,
    });
  let migrated = 0;
  let told = 0;
  let after = '';
  for (;;) {
    const ids = await workflowIdsBelowVersion(
      db,
      definition.name,
      definition.version,
      after,
      batchSize,
    );
    if (ids.length === 0) break;
    after = ids[ids.length - 1]!;
    migrated += await withTransactionRetry(() =>
      db.transaction(async (tx) => {
        const rows = await lockWorkflowsBelowVersion(tx, ids, definition.name, definition.version);
        const now = options.clock.now();
        await writeStepsOfMany(
          tx,
          rows.map((row) => ({ current: row, ...migrationStep(definition, row, now) })),
        );
        return rows.length;
      }),
    );
    if (migrated - told >= progressEvery && migrated < total) {
      told = migrated;
      tell(false);
    }
  }
  tell(true);
  return migrated;
}

/** The migrated row and its MIGRATED history row, decided without writing anything. */
function migrationStep(
  definition: WorkflowDefinition,
  row: WorkflowRow,
  now: Date,
): { change: Required<WorkflowChange>; history: HistoryRow } {
  const fromVersion = row.machine_version;
  const toVersion = definition.version;
  let next;
  try {
    next = migrateSnapshot(definition, row.snapshot as PersistedSnapshot, fromVersion);
  } catch (error) {
    throw new MigrationFailed(row, error);
  }
  const { change, history } = appliedStep(
    row,
    definition,
    next,
    {
      type: migratedType,
      payload: { fromVersion, toVersion },
      status: migratedStatus(row.status, next),
    },
    { principal: systemPrincipal, requestId: null, now },
  );
  return { change: { ...change, machine_version: toVersion }, history };
}
