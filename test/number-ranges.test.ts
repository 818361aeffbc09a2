import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

/**
 * An integer the database cannot store or compare (past Postgres `integer` for int4 columns,
 * past 2^53 for bigint ones, below zero where a count or a position cannot be) is a client's
 * mistake: 422 `validation_failed` naming the field, never a database error.
 */
const int4Max = 2_147_483_647;
const beyondInt4 = int4Max + 1;

let h: Harness;
let move: Move;
beforeAll(async () => {
  h = await startHarness();
  move = await Move.start(h.app, h.adminToken);
  await move.importCustomers([buildCustomer(), buildCustomer()]);
});
afterAll(async () => h.close());

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function expectFieldRefused(res: supertest.Response, path: string): void {
  expect(res.status, res.text).toBe(422);
  expect(res.type).toBe('application/problem+json');
  expect(res.body).toMatchObject({ code: 'validation_failed' });
  const paths = (res.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path);
  expect(paths).toContain(path);
}

describe('path parameters', () => {
  it('when a history seq is past what an integer column holds, then 422 naming seq', async () => {
    const admin = as(h.app, h.adminToken);
    const base = `/v1/workflows/${move.transitionId}/history`;
    expectFieldRefused(await admin.get(`${base}/${beyondInt4}/state`), 'seq');
    expectFieldRefused(await admin.get(`${base}/3000000000/state`), 'seq');
    expectFieldRefused(await admin.get(`${base}/99999999999999999999/state`), 'seq');
    expectFieldRefused(await admin.get(`${base}/0/state`), 'seq');
    expectFieldRefused(await admin.get(`${base}/-1/state`), 'seq');
  });

  it('when a history seq is the largest an integer column holds, then it is looked up: 404', async () => {
    const res = await as(h.app, h.adminToken).get(
      `/v1/workflows/${move.transitionId}/history/${int4Max}/state`,
    );
    expect(res.status, res.text).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_found' });
  });
});

describe('page cursors', () => {
  it('when the customer list cursor holds a position past an integer column, or below zero, then 422 naming cursor', async () => {
    const url = `/v1/partners/${move.team.partnerId}/customers`;
    for (const position of [beyondInt4, 3e9, -1]) {
      const res = await as(h.app, move.team.manager).get(`${url}?cursor=${cursor({ position })}`);
      expectFieldRefused(res, 'cursor');
    }
  });

  it('when the history cursor holds a seq past an integer column, or below zero, then 422 naming cursor', async () => {
    const url = `/v1/workflows/${move.transitionId}/history`;
    for (const seq of [beyondInt4, 3e9, -1]) {
      const res = await as(h.app, h.adminToken).get(`${url}?cursor=${cursor({ seq })}`);
      expectFieldRefused(res, 'cursor');
    }
  });

  it('when the workflow list cursor holds a seq past a safe integer, or below zero, then 422 naming cursor', async () => {
    for (const seq of [2 ** 53, 1e20, -1]) {
      const res = await as(h.app, h.adminToken).get(`/v1/workflows?cursor=${cursor({ seq })}`);
      expectFieldRefused(res, 'cursor');
    }
  });

  it('when a cursor holds the largest value its column stores, then the page is simply empty', async () => {
    const customers = await as(h.app, move.team.manager).get(
      `/v1/partners/${move.team.partnerId}/customers?cursor=${cursor({ position: int4Max })}`,
    );
    expect(customers.status, customers.text).toBe(200);
    expect(customers.body).toEqual({ items: [], nextCursor: null });
    const history = await as(h.app, h.adminToken).get(
      `/v1/workflows/${move.transitionId}/history?cursor=${cursor({ seq: int4Max })}`,
    );
    expect(history.status, history.text).toBe(200);
    expect(history.body).toEqual({ items: [], nextCursor: null });
    // workflows.seq is a bigint: a seq past int4 is a position like any other.
    const workflows = await as(h.app, h.adminToken).get(
      `/v1/workflows?cursor=${cursor({ seq: Number.MAX_SAFE_INTEGER })}`,
    );
    expect(workflows.status, workflows.text).toBe(200);
    expect(workflows.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('query parameters', () => {
  it('when limit is past an integer column, then 422 naming limit on every list', async () => {
    const urls = [
      '/v1/workflows',
      `/v1/workflows/${move.transitionId}/history`,
      `/v1/partners/${move.team.partnerId}/customers`,
      '/v1/principals',
      '/v1/timers',
    ];
    for (const url of urls) {
      const res = await as(h.app, h.adminToken).get(`${url}?limit=${beyondInt4}`);
      expectFieldRefused(res, 'limit');
    }
  });
});

describe('body fields', () => {
  it('when a subscription quantity is past an integer column, then 422 naming it and nothing is imported', async () => {
    const url = `/v1/partners/${move.team.partnerId}/customers`;
    const customer = buildCustomer({
      subscriptions: [
        { id: 'sub-big', offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 2 ** 31 },
      ],
    });
    const one = await as(h.app, move.team.manager).post(url, customer);
    expectFieldRefused(one, 'subscriptions.0.quantity');
    const many = await as(h.app, move.team.manager).post(url, [buildCustomer(), customer]);
    expectFieldRefused(many, '1.subscriptions.0.quantity');
    const listed = await as(h.app, move.team.manager).get(`${url}?limit=500`);
    expect((listed.body as { items: unknown[] }).items).toHaveLength(2);
  });

  it('when a subscription quantity is the largest an integer column holds, then it is imported as sent', async () => {
    const [id] = await move.importCustomers([
      buildCustomer({
        subscriptions: [
          { id: 'sub-max', offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: int4Max },
        ],
      }),
    ]);
    const listed = await as(h.app, move.team.manager).get(
      `/v1/partners/${move.team.partnerId}/customers?limit=500`,
    );
    const items = (
      listed.body as { items: Array<{ id: string; subscriptions: Array<{ quantity: number }> }> }
    ).items;
    expect(items.find((c) => c.id === id)?.subscriptions[0]?.quantity).toBe(int4Max);
  });

  it('when a rotation overlap is past an integer, then 422 naming overlapSeconds', async () => {
    const created = await as(h.app, h.adminToken).post('/v1/principals', {
      name: 'Rotated',
      role: 'auditor',
    });
    const id = (created.body as { id: string }).id;
    for (const overlapSeconds of [beyondInt4, 2 ** 60, -1]) {
      const res = await as(h.app, h.adminToken).post(`/v1/principals/${id}/rotate`, {
        overlapSeconds,
      });
      expectFieldRefused(res, 'overlapSeconds');
    }
  });

  it('when a saved digest names a history length no history can have, then 422 naming it', async () => {
    const res = await as(h.app, h.adminToken).post('/v1/audit/digest/verify', {
      generatedAt: '2026-11-20T09:00:00.000Z',
      partnerId: null,
      workflows: [{ id: move.transitionId, length: beyondInt4, headHash: '0'.repeat(64) }],
      digest: '0'.repeat(64),
    });
    expectFieldRefused(res, 'workflows.0.length');
  });
});
