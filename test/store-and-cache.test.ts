import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkParentReferences,
  deferParentReferenceChecks,
  insertWorkflowsWithHistory,
} from '../src/store/customer-planning.ts';
import { findWorkflow, writeStep, type WorkflowRow } from '../src/store/workflows.ts';
import { listHistory } from '../src/store/history.ts';
import { startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

describe('writing a step', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('when the row moved since it was read, then neither the row nor a history row is written', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const row = (await findWorkflow(h.db, move.transitionId))!;
    const before = await listHistory(h.db, row.id, 0, 100);
    const stale = { ...row, version: row.version - 1 };
    await expect(
      h.db.transaction((tx) =>
        writeStep(
          tx,
          stale,
          { ...row, version: row.version + 1, history_length: row.history_length + 1 },
          {
            workflow_id: row.id,
            seq: row.history_length + 1,
            type: 'CONFIRM_PROFILE',
            payload: {},
            actor_id: 'prn_x',
            actor_name: 'x',
            actor_role: 'manager',
            request_id: null,
            from_state: row.state,
            to_state: row.state,
            outcome: 'applied',
            reason: null,
            at: new Date(),
            prev_hash: row.head_hash,
            bindings: null,
            hash: 'f'.repeat(64),
          },
        ),
      ),
    ).rejects.toThrow(/changed under its lock/);
    expect(await findWorkflow(h.db, row.id)).toEqual(row);
    expect(await listHistory(h.db, row.id, 0, 100)).toEqual(before);
  });
});

describe("a child's reference to its parent", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  /** A finished copy of a stored workflow under a new id, whose parent does not exist. */
  async function orphanOf(transitionId: string): Promise<WorkflowRow> {
    const { seq: _seq, ...row } = (await findWorkflow(h.db, transitionId)) as WorkflowRow & {
      seq: unknown;
    };
    const id = `wf_orphan_${Math.random().toString(36).slice(2)}`;
    return { ...row, id, status: 'done', parent_id: 'wf_none' };
  }

  it('when a child names a parent that does not exist, then it is refused at once', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const orphan = await orphanOf(move.transitionId);
    await expect(
      h.db.transaction(async (tx) => {
        await insertWorkflowsWithHistory(tx, [orphan], [], []);
        // Reached only if the insert was let through: the check must not wait for the commit.
        throw new Error('inserted');
      }),
    ).rejects.toThrow(/workflows_parent_id_foreign/);
  });

  it('when the checks are deferred, then such a child is refused when they are run, and none is stored', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const orphan = await orphanOf(move.transitionId);
    let inserted = false;
    await expect(
      h.db.transaction(async (tx) => {
        await deferParentReferenceChecks(tx);
        await insertWorkflowsWithHistory(tx, [orphan], [], []);
        inserted = true;
        await checkParentReferences(tx);
      }),
    ).rejects.toThrow(/workflows_parent_id_foreign/);
    expect(inserted).toBe(true);
    expect(await findWorkflow(h.db, orphan.id)).toBeUndefined();
  });
});
