import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
let move: Move;
let enrollmentId: string;
beforeAll(async () => {
  h = await startHarness();
  move = await Move.start(h.app, h.adminToken);
  await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
  await move.send(move.team.globalAdmin, move.transitionId, {
    type: 'NEW_TENANT_REGISTERED',
    tenantId: crypto.randomUUID(),
  });
  enrollmentId = (await move.children('machine=enrollment'))[0]!.id;
});
afterAll(async () => h.close());

/**
 * The SQL statements one request sends for its event. The caller's token is looked up on every
 * request, before the engine is reached, so that a revoked token fails at once: that lookup
 * is left out.
 */
async function statementsOf(send: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (q: { sql: string }) =>
    q.sql.includes('"principal_tokens"') ||
    void seen.push(
      q.sql
        .trim()
        .split(/[\s;]+/)[0]!
        .toLowerCase(),
    );
  h.db.on('query', listener);
  try {
    await send();
  } finally {
    h.db.off('query', listener);
  }
  return seen;
}

describe('the two ways an event is written', () => {
  it('when an event changes only its own row, then it costs a read and one write, with no transaction', async () => {
    const sql = await statementsOf(() =>
      move.send(move.team.manager, enrollmentId, { type: 'UPDATE_PROFILE', mfaEnforced: true }),
    );
    expect(sql).toEqual(['select', 'with']);
  });

  it('when an event is refused, then the refusal is recorded the same way', async () => {
    const sql = await statementsOf(async () => {
      const res = await as(h.app, move.team.manager).post(`/v1/workflows/${enrollmentId}/events`, {
        type: 'APPROVE',
      });
      expect(res.status).toBe(403);
    });
    expect(sql).toEqual(['select', 'with']);
    const history = await as(h.app, h.adminToken).get(`/v1/workflows/${enrollmentId}/history`);
    expect((history.body as { items: Array<{ outcome: string }> }).items.at(-1)!.outcome).toBe(
      'rejected',
    );
  });

  it('when an event has effects beyond its row, or carries an idempotency key, then it runs in a locked transaction', async () => {
    const submit = await statementsOf(() =>
      move.send(move.team.globalAdmin, enrollmentId, { type: 'SUBMIT' }),
    );
    // The lock-free attempt read the row, saw the timer SUBMIT starts, and left it.
    expect(submit.slice(0, 2)).toEqual(['select', 'begin']);
    expect(submit).toContain('commit');
    // From then on SUBMIT goes to the lock at once, without that wasted read.
    const other = await Move.start(h.app, h.adminToken);
    await other.send(other.team.manager, other.transitionId, { type: 'CONFIRM_PROFILE' });
    await other.send(other.team.globalAdmin, other.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const [enrollment] = await other.children('machine=enrollment');
    const again = await statementsOf(() =>
      other.send(other.team.globalAdmin, enrollment!.id, { type: 'SUBMIT' }),
    );
    expect(again[0]).toBe('begin');
    const keyed = await statementsOf(async () => {
      const res = await as(h.app, move.team.manager)
        .post(`/v1/workflows/${move.transitionId}/events`, {
          type: 'INCENTIVES_INVITATION_RECEIVED',
        })
        .set('Idempotency-Key', crypto.randomUUID());
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    });
    expect(keyed[0]).toBe('begin');
  });
});
