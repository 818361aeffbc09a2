import express from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCustomer,
  buildPartner,
  buildProfile,
  createPartnerTeam,
  createPrincipal,
  type PartnerTeam,
} from './factories.ts';
import { createApp } from '../src/app.ts';
import { Engine } from '../src/engine/engine.ts';
import { errorHandler } from '../src/http/errors.ts';
import { createLogger } from '../src/logger.ts';
import { createDatabase } from '../src/store/database.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { testSecrets } from './secrets.ts';

let h: Harness;
let team: PartnerTeam;
let transitionId: string;

beforeAll(async () => {
  h = await startHarness({ bodyLimitBytes: 64 * 1024 });
  team = await createPartnerTeam(h.app, h.adminToken);
  const res = await as(h.app, team.manager).post('/v1/transitions', {
    partnerId: team.partnerId,
    tenantStrategy: 'new_tenant',
  });
  transitionId = (res.body as { id: string }).id;
});
afterAll(async () => h.close());

function expectProblem(res: supertest.Response, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
}

async function lastHistoryRow(id: string) {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history?limit=500`);
  return (res.body as { items: Array<Record<string, unknown>> }).items.at(-1)!;
}

describe('every error code of the SPEC, each from the case it names', () => {
  it('when the body is not JSON, then 400 malformed_request', async () => {
    const res = await supertest(h.app)
      .post(`/v1/workflows/${transitionId}/events`)
      .set('Authorization', `Bearer ${team.manager}`)
      .set('Content-Type', 'application/json')
      .send('{"type": ');
    expectProblem(res, 400, 'malformed_request');
  });

  it('when the body is JSON but not an object, then 400 malformed_request', async () => {
    const res = await as(h.app, team.manager).post(`/v1/workflows/${transitionId}/events`, [1, 2]);
    expectProblem(res, 400, 'malformed_request');
  });

  it('when there is no token or an unknown one, then 401 unauthenticated', async () => {
    expectProblem(await supertest(h.app).get('/v1/workflows'), 401, 'unauthenticated');
    expectProblem(await as(h.app, 'ts_not-a-token').get('/v1/workflows'), 401, 'unauthenticated');
  });

  it('when the role may not send the event, then 403 forbidden, recorded as rejected', async () => {
    const res = await as(h.app, h.adminToken).post(`/v1/workflows/${transitionId}/events`, {
      type: 'CONFIRM_PROFILE',
    });
    expectProblem(res, 403, 'forbidden');
    expect(await lastHistoryRow(transitionId)).toMatchObject({
      type: 'CONFIRM_PROFILE',
      outcome: 'rejected',
      actor: { role: 'admin' },
      reason: { status: 403, code: 'forbidden' },
      from: 'preparation',
      to: 'preparation',
    });
  });

  it('when an auditor writes anything, then 403 whatever the state', async () => {
    const event = await as(h.app, team.auditor).post(`/v1/workflows/${transitionId}/events`, {
      type: 'NOT_EVEN_AN_EVENT',
    });
    expectProblem(event, 403, 'forbidden');
    expectProblem(
      await as(h.app, team.auditor).post('/v1/partners', buildPartner()),
      403,
      'forbidden',
    );
  });

  it('when the workflow is unknown or out of scope, then 404 not_found', async () => {
    expectProblem(await as(h.app, team.manager).get('/v1/workflows/wf_unknown'), 404, 'not_found');
    const other = await createPartnerTeam(h.app, h.adminToken);
    expectProblem(
      await as(h.app, other.manager).get(`/v1/workflows/${transitionId}`),
      404,
      'not_found',
    );
    const res = await as(h.app, other.globalAdmin).post(`/v1/workflows/${transitionId}/events`, {
      type: 'CANCEL',
      reason: 'x',
    });
    expectProblem(res, 404, 'not_found');
  });

  it('when the event does not apply in the state, then 409 event_not_allowed with nextEvents', async () => {
    const res = await as(h.app, h.adminToken).post(`/v1/workflows/${transitionId}/events`, {
      type: 'DIRECT_BILL_RESTRICTED',
    });
    expectProblem(res, 409, 'event_not_allowed');
    expect(res.body).toMatchObject({
      nextEvents: expect.arrayContaining([
        { type: 'CONFIRM_PROFILE', roles: ['manager', 'global_admin'] },
      ]),
    });
    expect(await lastHistoryRow(transitionId)).toMatchObject({
      outcome: 'rejected',
      reason: { code: 'event_not_allowed' },
    });
  });

  it('when the partner already has an open transition, then 409 transition_exists', async () => {
    const res = await as(h.app, team.globalAdmin).post('/v1/transitions', {
      partnerId: team.partnerId,
      tenantStrategy: 'existing_tenant',
    });
    expectProblem(res, 409, 'transition_exists');
  });

  it('when an import repeats a tenant or subscription, then 409 already_exists and nothing is stored', async () => {
    const first = buildCustomer();
    expect(
      (await as(h.app, team.manager).post(`/v1/partners/${team.partnerId}/customers`, first))
        .status,
    ).toBe(201);
    const fresh = buildCustomer();
    const repeat = await as(h.app, team.manager).post(`/v1/partners/${team.partnerId}/customers`, [
      fresh,
      buildCustomer({ tenantId: first.tenantId }),
    ]);
    expectProblem(repeat, 409, 'already_exists');
    expect(repeat.body).toMatchObject({ tenantIds: [first.tenantId] });
    const listed = await as(h.app, team.manager).get(`/v1/partners/${team.partnerId}/customers`);
    const tenants = (listed.body as { items: Array<{ tenantId: string }> }).items.map(
      (c) => c.tenantId,
    );
    expect(tenants).toContain(first.tenantId);
    expect(tenants).not.toContain(fresh.tenantId);
  });

  it('when If-Match is stale, then 412 version_conflict', async () => {
    const res = await as(h.app, team.manager)
      .post(`/v1/workflows/${transitionId}/events`, { type: 'CONFIRM_PROFILE' })
      .set('If-Match', '"99"');
    expectProblem(res, 412, 'version_conflict');
  });

  it('when the body is over the limit, then 413 payload_too_large', async () => {
    const res = await as(h.app, team.manager).post(`/v1/workflows/${transitionId}/events`, {
      type: 'CONFIRM_PROFILE',
      padding: 'x'.repeat(70 * 1024),
    });
    expectProblem(res, 413, 'payload_too_large');
  });

  it('when the payload fails its schema or has an unknown field, then 422 validation_failed with errors', async () => {
    const unknownField = await as(h.app, team.manager).post(
      `/v1/workflows/${transitionId}/events`,
      {
        type: 'CONFIRM_PROFILE',
        surprise: true,
      },
    );
    expectProblem(unknownField, 422, 'validation_failed');
    expect(unknownField.body).toMatchObject({
      errors: [{ path: '', message: 'unknown field: surprise' }],
    });
    const badPartner = await as(h.app, h.adminToken).post(
      '/v1/partners',
      buildPartner({ cspRegion: 'Germany', tenantId: 'nope' }),
    );
    expectProblem(badPartner, 422, 'validation_failed');
    expect(
      (badPartner.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort(),
    ).toEqual(['cspRegion', 'tenantId']);
  });

  it('when the event type is a name every object inherits, then 422 validation_failed, not a crash', async () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await as(h.app, team.manager).post(`/v1/workflows/${transitionId}/events`, {
        type,
      });
      expectProblem(res, 422, 'validation_failed');
    }
  });

  it('when one domain rule refuses, then 422 with its own code; when several do, then requirement_unmet listing all', async () => {
    const lacking = await createPartnerTeam(
      h.app,
      h.adminToken,
      buildPartner({
        plaRegion: 'FR',
        profile: buildProfile({
          maicppMember: false,
          businessEmail: 'info@gmail.com',
          securityContact: null,
        }),
      }),
    );
    const t = await as(h.app, lacking.manager).post('/v1/transitions', {
      partnerId: lacking.partnerId,
      tenantStrategy: 'new_tenant',
    });
    const id = (t.body as { id: string }).id;
    await as(h.app, lacking.manager).post(`/v1/workflows/${id}/events`, {
      type: 'CONFIRM_PROFILE',
    });
    await as(h.app, lacking.globalAdmin).post(`/v1/workflows/${id}/events`, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const children = await as(h.app, lacking.manager).get(`/v1/workflows?parentId=${id}`);
    const enrollmentId = (children.body as { items: Array<{ id: string }> }).items[0]!.id;

    const several = await as(h.app, lacking.globalAdmin).post(
      `/v1/workflows/${enrollmentId}/events`,
      { type: 'SUBMIT' },
    );
    expectProblem(several, 422, 'requirement_unmet');
    expect((several.body as { reasons: string[] }).reasons).toEqual([
      'maicpp_membership_missing',
      'pla_region_mismatch',
      'security_contact_missing',
      'business_email_invalid',
    ]);
    expect(await lastHistoryRow(enrollmentId)).toMatchObject({
      type: 'SUBMIT',
      outcome: 'rejected',
      reason: {
        code: 'requirement_unmet',
        reasons: expect.arrayContaining(['pla_region_mismatch']),
      },
    });

    await as(h.app, lacking.manager).post(`/v1/workflows/${enrollmentId}/events`, {
      type: 'UPDATE_PROFILE',
      maicppMember: true,
      businessEmail: 'partner.ops@contoso-it.com',
      securityContact: { name: 'Sam', email: 'sam@contoso-it.com' },
    });
    const one = await as(h.app, lacking.globalAdmin).post(`/v1/workflows/${enrollmentId}/events`, {
      type: 'SUBMIT',
    });
    expectProblem(one, 422, 'pla_region_mismatch');
    expect(one.body).toMatchObject({ reasons: ['pla_region_mismatch'] });
  });

  it('when an Idempotency-Key is reused for another request, then 422 idempotency_key_reused', async () => {
    const key = `key-${crypto.randomUUID()}`;
    const first = await as(h.app, team.globalAdmin)
      .post(`/v1/workflows/${transitionId}/events`, {
        type: 'RESTRICTION_REQUESTED',
        supportTicketId: 'A',
      })
      .set('Idempotency-Key', key);
    expect(first.status).toBe(409);
    const other = await as(h.app, team.globalAdmin)
      .post(`/v1/workflows/${transitionId}/events`, {
        type: 'RESTRICTION_REQUESTED',
        supportTicketId: 'B',
      })
      .set('Idempotency-Key', key);
    expectProblem(other, 422, 'idempotency_key_reused');
  });

  it('when a token goes over its rate, then 429 rate_limited with Retry-After', async () => {
    const limited = await startHarness({ rateLimitPerMin: 60 });
    try {
      const token = await createPrincipal(limited.app, limited.adminToken, { role: 'auditor' });
      const statuses: number[] = [];
      let last: supertest.Response | undefined;
      for (let i = 0; i < 61; i += 1) {
        last = await as(limited.app, token).get('/v1/machines');
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
      expectProblem(last!, 429, 'rate_limited');
      expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('when the database cannot be reached, then 503 unavailable and readyz is false', async () => {
    // Nothing listens on port 1: every connection attempt is refused at once.
    const db = createDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    const engine = new Engine({ db, clock: h.clock });
    const app = createApp({
      db,
      engine,
      logger: createLogger('silent'),
      secrets: testSecrets(),
      config: {
        BODY_LIMIT_BYTES: 1024,
        RATE_LIMIT_PER_MIN: 600,
        PUBLIC_URL: 'http://127.0.0.1:3000',
      },
    });
    try {
      expectProblem(await as(app, h.adminToken).get('/v1/workflows'), 503, 'unavailable');
      const ready = await supertest(app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ ready: false });
    } finally {
      await db.destroy();
    }
  });

  it('when the pool is closed under a request, then 503 unavailable rather than 500', async () => {
    const closing = await startHarness();
    await closing.close();
    expectProblem(
      await as(closing.app, closing.adminToken).get('/v1/workflows'),
      503,
      'unavailable',
    );
  });

  it('when the connection is lost on COMMIT, then 503 says the outcome is unknown rather than that nothing was applied', async () => {
    const app = express();
    app.post('/commit', () => {
      throw new Error('COMMIT; - Connection terminated unexpectedly');
    });
    app.post('/begin', () => {
      throw new Error('BEGIN; - Connection terminated unexpectedly');
    });
    app.use(errorHandler(createLogger('silent'), 1024));
    const commit = await supertest(app).post('/commit');
    expectProblem(commit, 503, 'unavailable');
    expect(commit.headers['retry-after']).toBe('1');
    expect((commit.body as { detail: string }).detail).toMatch(/may or may not be stored/);
    const begin = await supertest(app).post('/begin');
    expectProblem(begin, 503, 'unavailable');
    expect((begin.body as { detail: string }).detail).toMatch(/nothing was applied/);
  });

  it('when a route does not exist, then 404 problem+json', async () => {
    expectProblem(await as(h.app, team.manager).get('/v1/nowhere'), 404, 'not_found');
  });
});
