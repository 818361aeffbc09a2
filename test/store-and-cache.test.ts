import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrincipalCache } from '../src/auth/principal-cache.ts';
import type { Principal } from '../src/auth/principal.ts';
import { findWorkflow, writeStep } from '../src/store/workflows.ts';
import { listHistory } from '../src/store/history.ts';
import { startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

const someone = (id: string): Principal => ({
  id,
  name: id,
  role: 'manager',
  partnerId: 'ptn_1',
  providerId: null,
});

describe('the principal cache', () => {
  it('when an entry is older than its time limit, then it is gone', () => {
    let now = 0;
    const cache = new PrincipalCache(1000, 10, () => now);
    cache.set('a', someone('a'));
    now = 999;
    expect(cache.get('a')?.id).toBe('a');
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('when it is full, then the oldest entry makes room', () => {
    const cache = new PrincipalCache(60_000, 2, () => 0);
    cache.set('a', someone('a'));
    cache.set('b', someone('b'));
    cache.set('c', someone('c'));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.id).toBe('b');
    expect(cache.get('c')?.id).toBe('c');
  });
});

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
