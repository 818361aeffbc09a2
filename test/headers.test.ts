import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildApp, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** What helmet sets, whatever the response. */
function expectHelmet(res: supertest.Response, what: string): void {
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['referrer-policy'], what).toBe('no-referrer');
  expect(res.headers['strict-transport-security'], what).toMatch(/max-age=\d+/);
  expect(res.headers['cross-origin-opener-policy'], what).toBe('same-origin');
  expect(res.headers['x-dns-prefetch-control'], what).toBe('off');
  expect(res.headers['content-security-policy'], what).toMatch(/default-src 'none'/);
}

function expectCallerScoped(res: supertest.Response, what: string): void {
  expect(res.headers['cache-control'], what).toBe('no-store');
  expect(res.headers['vary'], what).toMatch(/\bAuthorization\b/i);
}

describe('security headers', () => {
  it('when anything is answered, an API answer, a refusal, a probe or an unknown path, then helmet’s headers are on it', async () => {
    const limited = buildApp(h, { rateLimitPerIpPerMin: 1 });
    await supertest(limited).get('/openapi.json');
    const answers = {
      healthz: await supertest(h.app).get('/healthz'),
      openapi: await supertest(h.app).get('/openapi.json'),
      machines: await as(h.app, h.adminToken).get('/v1/machines'),
      unauthenticated: await supertest(h.app).get('/v1/machines'),
      unknownRoute: await supertest(h.app).get('/nowhere'),
      malformed: await as(h.app, h.adminToken)
        .post('/v1/principals')
        .set('Content-Type', 'application/json')
        .send('{'),
      rateLimited: await supertest(limited).get('/openapi.json'),
    };
    expect(answers.rateLimited.status).toBe(429);
    for (const [what, res] of Object.entries(answers)) expectHelmet(res, what);
    // The API's answers are data: nothing in them may load or run anything.
    expect(answers.machines.headers['content-security-policy']).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    );
    expect(answers.machines.headers['x-powered-by']).toBeUndefined();
  });

  it('when an answer depends on the token, then it says Vary: Authorization and Cache-Control: no-store, refusals too', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const limited = buildApp(h, { rateLimitPerMin: 1 });
    await as(limited, move.team.auditor).get('/v1/machines');
    const answers = {
      list: await as(h.app, move.team.manager).get('/v1/workflows'),
      one: await as(h.app, move.team.manager).get(`/v1/workflows/${move.transitionId}`),
      export: await as(h.app, move.team.auditor).get('/v1/audit/events'),
      unauthenticated: await supertest(h.app).get('/v1/workflows'),
      forbidden: await as(h.app, move.provider.token).get('/v1/audit/events'),
      notFound: await as(h.app, h.adminToken).get('/v1/workflows/nope'),
      upperCasePath: await as(h.app, h.adminToken).get('/V1/machines'),
      created: await as(h.app, h.adminToken).post('/v1/principals', {
        name: `p-${crypto.randomUUID()}`,
        role: 'auditor',
      }),
      rateLimited: await as(limited, move.team.auditor).get('/v1/machines'),
    };
    expect(answers.list.status).toBe(200);
    expect(answers.created.status).toBe(201);
    expect(answers.rateLimited.status).toBe(429);
    for (const [what, res] of Object.entries(answers)) expectCallerScoped(res, what);
  });

  it('when a consent page is shown or refused, then no cache keeps it, and its own policy lets its stylesheet apply', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    const created = await as(h.app, move.team.manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      {},
    );
    const path = new URL((created.body as { url: string }).url).pathname;
    const page = await supertest(h.app).get(path);
    expect(page.status).toBe(200);
    const missing = await supertest(h.app).get('/consent/not-a-real-token');
    expect(missing.status).toBe(404);
    for (const res of [page, missing]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(res.headers['content-security-policy']).toMatch(/style-src 'unsafe-inline'/);
      expect(res.headers['content-security-policy']).toMatch(/form-action 'self'/);
    }
    // The page has no script at all, so a policy without script-src runs nothing it needs.
    expect(page.text).not.toMatch(/<script/i);
  });

  it('when the API docs are served, then their policy allows this origin’s scripts and nothing inline', async () => {
    const docs = await supertest(h.app).get('/docs');
    expect(docs.status).toBe(200);
    expectHelmet(docs, 'docs');
    const csp = docs.headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    // Every script and stylesheet of the page is a file of this origin.
    expect(docs.text).not.toMatch(/<script>|<style/i);
    for (const src of docs.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
      expect(src[1]).toMatch(/^\/docs\//);
      const asset = await supertest(h.app).get(src[1]!);
      expect(asset.status, src[1]).toBe(200);
      expect(asset.headers['content-security-policy']).toBe(csp);
    }
    expect(docs.headers['cache-control']).toBeUndefined();
  });
});
