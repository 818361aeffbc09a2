import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkflow, writeStep } from '../src/store/workflows.ts';
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
