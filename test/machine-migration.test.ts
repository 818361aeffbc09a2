import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkflowDefinition } from '../machines/common.ts';
import { systemPrincipal, type Principal } from '../src/auth/principal.ts';
import { nextHistoryRow } from '../src/engine/history-chain.ts';
import {
  MigrationFailed,
  migrateStoredWorkflows,
  StoredVersionsUnsupported,
} from '../src/engine/machine-migration.ts';
import { prepareDatabase } from '../src/service.ts';
import { describeStartError } from '../src/startup-error.ts';
import { createDatabase, type Database } from '../src/store/database.ts';
import type { HistoryRow } from '../src/store/history.ts';
import { writeStep, type WorkflowRow } from '../src/store/workflows.ts';
import { buildPartner, buildProvider, createPrincipal } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { toyDefinition, upgradeV1, type ToyVersion } from './toy-machines.ts';

/**
 * The machines this build runs, plus toy ones the tests move from version to version: the
 * whole service (engine, routes, start) reads its definitions from here.
 */
const registry = vi.hoisted(() => ({ map: new Map<string, WorkflowDefinition>() }));
vi.mock('../machines/registry.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../machines/registry.ts')>();
  for (const [name, definition] of real.definitions) registry.map.set(name, definition);
  return {
    definitions: registry.map,
    findDefinition: (name: string) => registry.map.get(name),
  };
});

function use(name: string, version: ToyVersion, options?: Parameters<typeof toyDefinition>[2]) {
  registry.map.set(name, toyDefinition(name, version, options));
}

let h: Harness;
let partnerId: string;
let providerId: string;
let providerToken: string;
let manager: Principal;
let provider: Principal;

beforeAll(async () => {
  // Its own database: the migration reads every workflow there is.
  h = await startHarness({ ownDatabase: true });
  const admin = as(h.app, h.adminToken);
  partnerId = ((await admin.post('/v1/partners', buildPartner())).body as { id: string }).id;
  providerId = ((await admin.post('/v1/providers', buildProvider())).body as { id: string }).id;
  providerToken = await createPrincipal(h.app, h.adminToken, { role: 'provider', providerId });
  manager = { id: 'prn_toy_manager', name: 'Mia', role: 'manager', partnerId, providerId: null };
  provider = { id: 'prn_toy_provider', name: 'Pat', role: 'provider', partnerId: null, providerId };
});
afterAll(async () => h.close());

let created = 0;
async function create(machine: string): Promise<string> {
  created += 1;
  const row = await h.db.transaction((tx) =>
    h.engine.create(tx, {
      machine,
      input: {
        customerName: `Fabrikam ${created}`,
        providerId,
        billTo: { companyName: `Fabrikam ${created} GmbH`, email: 'billing@fabrikam.example' },
      },
      partnerId,
      providerId,
      principal: manager,
      requestId: null,
    }),
  );
  return row.id;
}

/** Sends an event as the engine takes it from the API; toy workflows have no API schema. */
async function send(
  id: string,
  body: Record<string, unknown>,
  expected = 200,
  by = manager,
): Promise<Record<string, unknown>> {
  const response = await h.engine.send({
    workflowId: id,
    principal: by,
    body,
    requestId: randomUUID(),
    requestHash: randomUUID(),
  });
  expect(response.status, JSON.stringify(response.body)).toBe(expected);
  return response.body as Record<string, unknown>;
}

/** One workflow in each state of version 1, each with a history worth replaying. */
async function everyStateAtVersion1(machine: string) {
  use(machine, 1);
  const draft = await create(machine);
  await send(draft, { type: 'NOTE', text: 'call on Monday' });
  const review = await create(machine);
  await send(review, { type: 'NOTE', text: 'rush' });
  await send(review, { type: 'SUBMIT' });
  await send(review, { type: 'APPROVE' }, 403, provider);
  await send(review, { type: 'SHARE' });
  const approved = await create(machine);
  await send(approved, { type: 'SUBMIT' });
  await send(approved, { type: 'NOTE', text: 'too late' }, 409);
  await send(approved, { type: 'APPROVE' });
  const rejected = await create(machine);
  await send(rejected, { type: 'NOTE', text: 'unclear' });
  await send(rejected, { type: 'SUBMIT' });
  await send(rejected, { type: 'REJECT', reason: 'no budget' });
  const nudged = await create(machine);
  await send(nudged, { type: 'SUBMIT' });
  return { draft, review, approved, rejected, nudged };
}

async function row(id: string): Promise<WorkflowRow> {
  return (await h.db<WorkflowRow>('workflows').where({ id }).first())!;
}

async function history(id: string): Promise<HistoryRow[]> {
  return h.db<HistoryRow>('history').where({ workflow_id: id }).orderBy('seq');
}

async function verify(id: string): Promise<{ valid: boolean; problems: Array<{ kind: string }> }> {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history/verify`);
  expect(res.status).toBe(200);
  return res.body as { valid: boolean; problems: Array<{ kind: string }> };
}

async function stateAt(id: string, seq: number, token = h.adminToken) {
  const res = await as(h.app, token).get(`/v1/workflows/${id}/history/${seq}/state`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, unknown> & { context: Record<string, unknown> };
}

interface Recorded {
  row: WorkflowRow;
  /** Time travel at every row, as an admin and as the provider, before the migration. */
  admin: unknown[];
  provider: unknown[];
}

async function record(ids: readonly string[]): Promise<Map<string, Recorded>> {
  const recorded = new Map<string, Recorded>();
  for (const id of ids) {
    const stored = await row(id);
    const admin: unknown[] = [];
    const provider: unknown[] = [];
    for (let seq = 1; seq <= stored.history_length; seq += 1) {
      admin.push(await stateAt(id, seq));
      provider.push(await stateAt(id, seq, providerToken));
    }
    recorded.set(id, { row: stored, admin, provider });
  }
  return recorded;
}

/** Every row up to the migration still travels to what it showed before; the chain verifies. */
async function expectReplayedAsBefore(recorded: Map<string, Recorded>): Promise<void> {
  for (const [id, was] of recorded) {
    for (const [i, view] of was.admin.entries()) expect(await stateAt(id, i + 1)).toEqual(view);
    for (const [i, view] of was.provider.entries()) {
      expect(await stateAt(id, i + 1, providerToken)).toEqual(view);
    }
    expect(await verify(id)).toMatchObject({ valid: true, problems: [] });
  }
}

/** Time travel to the last row is the workflow as stored, at its machine's version. */
async function expectLastRowIsStored(id: string): Promise<void> {
  const stored = await row(id);
  expect(await stateAt(id, stored.history_length)).toMatchObject({
    machineVersion: stored.machine_version,
    state: stored.state,
    stateValue: stored.snapshot.value,
    status: stored.status,
    context: stored.snapshot.context,
    version: stored.version,
  });
}

const countOf = async (table: string) =>
  Number((await h.db(table).count<Array<{ count: number }>>({ count: '*' }))[0]!.count);

async function migratedRows(ids: readonly string[]): Promise<Map<string, HistoryRow[]>> {
  const rows = await h
    .db<HistoryRow>('history')
    .whereIn('workflow_id', [...ids])
    .andWhere({ type: 'MIGRATED' })
    .orderBy(['workflow_id', 'seq']);
  const byId = new Map<string, HistoryRow[]>(ids.map((id) => [id, []]));
  for (const r of rows) byId.get(r.workflow_id)!.push(r);
  return byId;
}

describe('stored workflows meet a newer machine version', () => {
  let a: Awaited<ReturnType<typeof everyStateAtVersion1>>;
  let b: Awaited<ReturnType<typeof everyStateAtVersion1>>;

  it('when workflows of version 1 in every state meet version 2, then each is migrated once with a MIGRATED row, and its history verifies and replays as it was', async () => {
    a = await everyStateAtVersion1('toyA');
    b = await everyStateAtVersion1('toyB');
    // A week on: the reminders of those in review fire, as system rows.
    h.clock.advanceDays(8);
    await h.engine.fireDueTimers();
    const ids = [...Object.values(a), ...Object.values(b)];
    const before = await record(ids);
    const timers = await h.db('timers').whereIn('workflow_id', ids).orderBy('id');
    expect(timers.length).toBe(4);
    const outbox = await countOf('outbox');
    const digest = (await as(h.app, h.adminToken).get(`/v1/audit/digest?partnerId=${partnerId}`))
      .body as Record<string, unknown>;

    use('toyA', 2);
    h.clock.advanceHours(1);
    const { workflows } = await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets });
    expect(workflows).toEqual({ toyA: 5 });

    const renamed = {
      draft: 'editing',
      review: 'checking.waiting',
      approved: 'accepted',
      rejected: 'rejected',
      nudged: 'checking.waiting',
    };
    for (const [label, id] of Object.entries(a)) {
      const was = before.get(id)!.row;
      const now = await row(id);
      expect(now).toMatchObject({
        machine_version: 2,
        state: renamed[label as keyof typeof renamed],
        status: was.status,
        version: was.version + 1,
        history_length: was.history_length + 1,
        updated_at: h.clock.now(),
      });
      const last = (await history(id)).at(-1)!;
      expect(last).toMatchObject({
        seq: was.history_length + 1,
        type: 'MIGRATED',
        payload: { fromVersion: 1, toVersion: 2 },
        actor_id: 'system',
        actor_role: 'system',
        from_state: was.state,
        to_state: now.state,
        outcome: 'applied',
        reason: null,
        prev_hash: was.head_hash,
        hash: now.head_hash,
      });
      await expectLastRowIsStored(id);
    }
    expect([...(await migratedRows(Object.values(a))).values()].map((r) => r.length)).toEqual([
      1, 1, 1, 1, 1,
    ]);
    // The upgrade's context, as the provider sees it: bill-to only once shared.
    expect((await stateAt(a.draft, 3)).context).toMatchObject({
      customer: { name: expect.any(String) },
      notes: [{ text: 'call on Monday' }],
    });
    expect((await stateAt(a.draft, 3, providerToken)).context).not.toHaveProperty('billTo');
    expect((await stateAt(a.review, 6, providerToken)).context).toHaveProperty('billTo');
    expect((await stateAt(a.approved, 5)).output).toEqual({ noteCount: 0 });

    // Version 1's workflows of the other machine were not touched.
    for (const id of Object.values(b)) expect(await row(id)).toEqual(before.get(id)!.row);
    await expectReplayedAsBefore(before);
    // Nothing announced, no timer fired or moved.
    expect(await countOf('outbox')).toBe(outbox);
    expect(await h.db('timers').whereIn('workflow_id', ids).orderBy('id')).toEqual(timers);
    // A digest an auditor anchored before still verifies: the history only grew.
    const anchored = await as(h.app, h.adminToken).post('/v1/audit/digest/verify', digest);
    expect(anchored.body).toMatchObject({ valid: true, digestIntact: true, diverged: [] });

    const listed = await as(h.app, h.adminToken).get(`/v1/workflows/${a.review}/history`);
    expect((listed.body as { items: unknown[] }).items.at(-1)).toMatchObject({
      type: 'MIGRATED',
      actor: { id: 'system', name: 'Tiershift', role: 'system' },
      payload: { fromVersion: 1, toVersion: 2 },
      from: 'review',
      to: 'checking.waiting',
      outcome: 'applied',
    });
  });

  it('when the migration runs again, then it finds nothing to do and writes nothing', async () => {
    const ids = [...Object.values(a), ...Object.values(b)];
    const rows = await h.db('workflows').whereIn('id', ids).orderBy('id');
    const length = await countOf('history');
    expect((await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets })).workflows).toEqual(
      {},
    );
    expect(await h.db('workflows').whereIn('id', ids).orderBy('id')).toEqual(rows);
    expect(await countOf('history')).toBe(length);
  });

  it('when a migrated workflow takes events, then the current machine decides them and the kept timer fires into it', async () => {
    expect(await send(a.review, { type: 'APPROVE' })).toMatchObject({
      state: 'accepted',
      status: 'done',
      machineVersion: 2,
      output: { noteCount: 1 },
    });
    h.clock.advanceDays(8);
    await h.engine.fireDueTimers();
    const nudged = await row(a.nudged);
    expect((await history(a.nudged)).at(-1)).toMatchObject({
      type: 'NUDGE',
      actor_role: 'system',
      outcome: 'applied',
      from_state: 'checking.waiting',
      to_state: 'checking.waiting',
    });
    expect(nudged.snapshot.context).toMatchObject({ nudges: 2 });
    for (const id of [a.review, a.nudged]) {
      expect(await verify(id)).toMatchObject({ valid: true });
      await expectLastRowIsStored(id);
    }
  });

  it('when the code moves on to version 3, then a migrated workflow gets a second MIGRATED row and one still at version 1 goes through both upgrades at once', async () => {
    const ids = [...Object.values(a), ...Object.values(b)];
    const before = await record(ids);
    use('toyA', 3);
    use('toyB', 3);
    expect((await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets })).workflows).toEqual(
      {
        toyA: 5,
        toyB: 5,
      },
    );
    const migrated = await migratedRows(ids);
    for (const id of Object.values(a)) {
      expect(migrated.get(id)!.map((r) => r.payload)).toEqual([
        { fromVersion: 1, toVersion: 2 },
        { fromVersion: 2, toVersion: 3 },
      ]);
    }
    for (const id of Object.values(b)) {
      expect(migrated.get(id)!.map((r) => r.payload)).toEqual([{ fromVersion: 1, toVersion: 3 }]);
    }
    for (const id of ids) {
      const now = await row(id);
      expect(now.machine_version).toBe(3);
      expect(now.snapshot.context).toMatchObject({ priority: 'normal' });
      await expectLastRowIsStored(id);
    }
    await expectReplayedAsBefore(before);
    // Before its first migration, a workflow shows as version 1 kept it.
    expect(await stateAt(a.draft, 2)).toMatchObject({
      machineVersion: 1,
      state: 'draft',
      context: { customerName: expect.any(String), notes: ['call on Monday'] },
      nextEvents: [
        { type: 'NOTE', roles: ['manager', 'global_admin'] },
        { type: 'SUBMIT', roles: ['manager', 'global_admin'] },
      ],
      flags: [],
    });
    expect(await send(b.review, { type: 'SECOND_LOOK' })).toMatchObject({
      state: 'checking.secondLook',
    });
    expect(await verify(b.review)).toMatchObject({ valid: true });
  });

  it('when a snapshot is rewritten after its migration, then verification still finds it', async () => {
    const stored = await row(a.draft);
    const forged = {
      ...stored.snapshot,
      context: { ...(stored.snapshot.context as object), notes: [{ text: 'approved by phone' }] },
    };
    await h
      .db('workflows')
      .where({ id: a.draft })
      .update({ snapshot: JSON.stringify(forged) });
    const verdict = await verify(a.draft);
    expect(verdict.valid).toBe(false);
    expect(verdict.problems.map((p) => p.kind)).toEqual(['snapshot']);
    await h
      .db('workflows')
      .where({ id: a.draft })
      .update({ snapshot: JSON.stringify(stored.snapshot) });
    expect(await verify(a.draft)).toMatchObject({ valid: true });
  });

  it('when a MIGRATED row is forged to upgrade a version to itself, then time travel answers 409 and verification names the break', async () => {
    const [migrated] = await h
      .db('history')
      .where({ workflow_id: a.draft, type: 'MIGRATED' })
      .select('seq', 'payload');
    const seq = (migrated as { seq: number }).seq;
    const forge = (payload: object) =>
      h.db.transaction(async (tx) => {
        await tx.raw('ALTER TABLE history DISABLE TRIGGER USER');
        await tx('history')
          .where({ workflow_id: a.draft, seq })
          .update({ payload: JSON.stringify(payload) });
        await tx.raw('ALTER TABLE history ENABLE TRIGGER USER');
      });
    await forge({ fromVersion: 1, toVersion: 1 });
    const res = await as(h.app, h.adminToken).get(`/v1/workflows/${a.draft}/history/${seq}/state`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'history_not_replayable' });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    expect((await verify(a.draft)).valid).toBe(false);
    await forge((migrated as { payload: object }).payload);
    expect(await verify(a.draft)).toMatchObject({ valid: true });
  });

  it('when a workflow cancelled with its parent is migrated, then it stays cancelled in the state it had, and verifies', async () => {
    use('toyI', 1);
    const id = await create('toyI');
    await send(id, { type: 'SUBMIT' });
    // As the engine cancels a parent's open children: status and history only.
    const open = await row(id);
    const cancelled = nextHistoryRow(
      open,
      {
        type: 'PARENT_CANCELLED',
        payload: { parentId: 'wf_parent' },
        from: open.state,
        to: open.state,
        outcome: 'applied',
        reason: null,
      },
      { principal: systemPrincipal, requestId: null, now: h.clock.now() },
    );
    await h.db.transaction((tx) =>
      writeStep(
        tx,
        open,
        {
          snapshot: open.snapshot,
          state: open.state,
          status: 'cancelled',
          version: open.version + 1,
          history_length: cancelled.seq,
          head_hash: cancelled.hash,
          updated_at: h.clock.now(),
        },
        cancelled,
      ),
    );
    expect(await verify(id)).toMatchObject({ valid: true });
    use('toyI', 2);
    await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets });
    expect(await row(id)).toMatchObject({
      machine_version: 2,
      state: 'checking.waiting',
      status: 'cancelled',
    });
    expect(await verify(id)).toMatchObject({ valid: true, problems: [] });
    await expectLastRowIsStored(id);
  });

  it('when a snapshot was rewritten before the migration, then the migrated workflow does not verify', async () => {
    use('toyG', 1);
    const id = await create('toyG');
    await send(id, { type: 'NOTE', text: 'honest' });
    const stored = await row(id);
    const forged = {
      ...stored.snapshot,
      context: { ...(stored.snapshot.context as object), notes: ['forged'] },
    };
    await h
      .db('workflows')
      .where({ id })
      .update({ snapshot: JSON.stringify(forged) });
    use('toyG', 2);
    await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets });
    expect(await row(id)).toMatchObject({ machine_version: 2 });
    const verdict = await verify(id);
    expect(verdict.valid).toBe(false);
    expect(verdict.problems.map((p) => p.kind)).toEqual(['snapshot']);
  });
});

describe('two processes migrating one database', () => {
  /** A second process's connections on Postgres; on the embedded database, the same one. */
  function secondProcess(): { db: Database; close(): Promise<void> } {
    if (!h.databaseUrl) return { db: h.db, close: () => Promise.resolve() };
    const db = createDatabase({ databaseUrl: h.databaseUrl, poolMax: 4 });
    return { db, close: () => db.destroy() };
  }

  async function manyAtVersion1(machine: string, count: number): Promise<string[]> {
    use(machine, 1);
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = await create(machine);
      if (i % 2 === 0) await send(id, { type: 'SUBMIT' });
      ids.push(id);
    }
    return ids;
  }

  async function expectEachMigratedOnce(ids: readonly string[], version: number) {
    for (const [id, rows] of await migratedRows(ids)) {
      expect(rows.length, id).toBe(1);
      expect((await row(id)).machine_version).toBe(version);
    }
    for (const id of ids) expect(await verify(id), id).toMatchObject({ valid: true });
  }

  it('when both run the migration at once, then each workflow is migrated exactly once', async () => {
    const ids = await manyAtVersion1('toyC', 60);
    use('toyC', 2);
    const other = secondProcess();
    try {
      const options = { definitions: registry.map, clock: h.clock };
      const [first, second] = await Promise.all([
        migrateStoredWorkflows(h.db, { ...options, batchSize: 5 }),
        migrateStoredWorkflows(other.db, { ...options, batchSize: 7 }),
      ]);
      expect((first.toyC ?? 0) + (second.toyC ?? 0)).toBe(60);
    } finally {
      await other.close();
    }
    await expectEachMigratedOnce(ids, 2);
  });

  it('when both start at once, then they take turns and each workflow is migrated exactly once', async () => {
    const ids = await manyAtVersion1('toyD', 30);
    use('toyD', 2);
    const other = secondProcess();
    try {
      const reports = await Promise.all([
        prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets }),
        prepareDatabase(other.db, { clock: h.clock, secrets: h.secrets }),
      ]);
      expect(reports.map((r) => r.workflows.toyD ?? 0).sort()).toEqual([0, 30]);
    } finally {
      await other.close();
    }
    await expectEachMigratedOnce(ids, 2);
  });
});

describe('stored workflows this build cannot bring to its version', () => {
  it('when a stored version has no upgrade to the current one, or is newer, then the start stops, names the workflows and migrates nothing', async () => {
    use('toyE', 1);
    const old = [await create('toyE'), await create('toyE')].sort();
    use('toyE', 2);
    const middle = await create('toyE');
    // A build that no longer keeps version 1.
    use('toyE', 3, { oldestKept: 2 });
    const error = (await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(StoredVersionsUnsupported);
    expect(error.message).toContain(
      `toyE version 1 (this build runs version 3 and keeps no upgrade from 1): ${old.join(', ')}`,
    );
    // What the server prints when it stops: the message alone, which says what to do.
    expect(describeStartError(error, { HOST: '127.0.0.1', PORT: 3000, DATA_DIR: './data' })).toBe(
      error.message,
    );
    expect((await row(middle)).machine_version).toBe(2);

    await h.db('workflows').where({ id: middle }).update({ machine_version: 7 });
    const newer = (await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(newer.message).toContain(
      `toyE version 7 (newer than version 3, which this build runs): ${middle}`,
    );

    registry.map.delete('toyE');
    const unknown = (await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(unknown.message).toContain('toyE version 1 (no such machine in this build)');

    // Given a build that keeps every version, the same workflows migrate.
    await h.db('workflows').where({ id: middle }).update({ machine_version: 2 });
    use('toyE', 3);
    expect((await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets })).workflows).toEqual(
      { toyE: 3 },
    );
  });

  it('when an upgrade would finish a workflow, then the start stops, names it and writes nothing', async () => {
    use('toyF', 1);
    const id = await create('toyF');
    await send(id, { type: 'SUBMIT' });
    const before = await row(id);
    use('toyF', 2, { upgradeFrom1: (s) => ({ ...upgradeV1(s), value: 'accepted' }) });
    const error = (await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(MigrationFailed);
    expect(error.message).toBe(
      `Tiershift cannot start: workflow ${id} (toyF version 1) could not be migrated: the upgrade of toyF from version 1 to 2 would finish the workflow`,
    );
    expect(await row(id)).toEqual(before);
    use('toyF', 2);
    expect((await prepareDatabase(h.db, { clock: h.clock, secrets: h.secrets })).workflows).toEqual(
      { toyF: 1 },
    );
  });

  it('when a definition lists its past versions out of order, then the start stops before reading anything', async () => {
    const definition = toyDefinition('toyH', 3);
    const misordered = { ...definition, pastVersions: [...definition.pastVersions!].reverse() };
    await expect(
      migrateStoredWorkflows(h.db, {
        definitions: new Map([...registry.map, ['toyH', misordered]]),
        clock: h.clock,
      }),
    ).rejects.toThrow('toyH version 3 lists past version 2 where 1 belongs');
  });
});
