import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

/**
 * What Postgres cannot store as given never gets past the door: text is hashed into the
 * history as sent, so text stored differently would break the chain for good.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function historyLength(id: string): Promise<number> {
  const rows = await h.db('history').where('workflow_id', id).count<[{ n: string }]>('* as n');
  return Number(rows[0]?.n);
}

function expectMalformed(res: supertest.Response): void {
  expect(res.status, res.text).toBe(400);
  expect(res.type).toBe('application/problem+json');
  expect(res.body).toMatchObject({ code: 'malformed_request' });
}

/** A JSON text with a lone surrogate escape in it, which JSON.parse turns into one. */
function rawJson(text: string) {
  return (path: string, token: string) =>
    supertest(h.app)
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(text);
}

describe('text Postgres cannot store as given', () => {
  it('when an event type or a nested key holds a lone surrogate, then 400 and nothing is written', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const path = `/v1/workflows/${move.transitionId}/events`;
    const before = await historyLength(move.transitionId);
    expectMalformed(await rawJson('{"type":"\\ud800"}')(path, move.team.manager));
    expectMalformed(
      await rawJson('{"type":"CONFIRM_PROFILE","note":{"\\udc00x":1}}')(path, move.team.manager),
    );
    expectMalformed(await rawJson('{"type":"A\\u0000B"}')(path, move.team.manager));
    expect(await historyLength(move.transitionId)).toBe(before);
    const verdict = await as(h.app, h.adminToken).get(
      `/v1/workflows/${move.transitionId}/history/verify`,
    );
    expect(verdict.body).toMatchObject({ valid: true });
  });

  it('when a query string or path carries a surrogate or NUL, then 400', async () => {
    const admin = as(h.app, h.adminToken);
    expectMalformed(await admin.get('/v1/workflows?state=%ED%A0%80'));
    expectMalformed(await admin.get('/v1/workflows?state=%00'));
    expectMalformed(await admin.get('/v1/workflows/wf_%ED%B0%80'));
    expectMalformed(await admin.get('/v1/workflows?state=%E0%A4%A'));
  });

  it('when a name sent to the consent page holds a lone surrogate, then 400 and nothing is recorded', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [c] = await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    const relationship = await move.childOf('resellerRelationship', c!);
    await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
    const link = await as(h.app, move.team.manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      {},
    );
    const path = new URL((link.body as { url: string }).url).pathname;
    // The page posts a form, but any client can post JSON to the same address.
    const answer = await supertest(h.app)
      .post(path)
      .set('Content-Type', 'application/json')
      .send('{"decision":"consent","name":"Carla \\ud800","email":"carla@fabrikam.example"}');
    expectMalformed(answer);
    expect((await move.get(relationship.id)).state).toBe('awaitingConsent');

    // A form's broken UTF-8 is decoded to U+FFFD: stored as given, hashed as stored.
    const form = await supertest(h.app)
      .post(path)
      .type('form')
      .send('decision=consent&name=Carla%ED%A0%80&email=carla%40fabrikam.example');
    expect(form.status).toBe(200);
    const verdict = await as(h.app, h.adminToken).get(
      `/v1/workflows/${relationship.id}/history/verify`,
    );
    expect(verdict.body).toMatchObject({ valid: true, problems: [] });
  });
});

describe('bounded input', () => {
  it('when JSON nested 5,000 deep arrives without a token, then 400 before authentication', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await supertest(h.app)
      .post('/v1/transitions')
      .set('Content-Type', 'application/json')
      .send(deep);
    expectMalformed(res);
  });

  it('when JSON is nested 64 deep, then it is read; at 65 it is refused', async () => {
    const nested = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i += 1) value = { a: value };
      return value;
    };
    const ok = await as(h.app, h.adminToken).post('/v1/principals', nested(64));
    expect(ok.status).toBe(422);
    expectMalformed(await as(h.app, h.adminToken).post('/v1/principals', nested(65)));
  });

  it('when a request id is plain and at most 128 characters, then it is kept; otherwise one is made', async () => {
    const get = (id: string) =>
      supertest(h.app)
        .get('/healthz')
        .set('X-Request-Id', id)
        .then((r) => r.get('X-Request-Id'));
    const kept = `a.b:c-d_${'x'.repeat(120)}`;
    expect(kept).toHaveLength(128);
    expect(await get(kept)).toBe(kept);
    for (const refused of [`${kept}y`, 'has/slash', 'has space', 'ümlaut']) {
      const given = await get(refused);
      expect(given).not.toBe(refused);
      expect(given).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('consent tokens in logs', () => {
  it('when a link is opened with the path in capitals, then its token is not in the log', async () => {
    const lines: string[] = [];
    const app = createApp({
      db: h.db,
      engine: h.engine,
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
      config: {
        BODY_LIMIT_BYTES: 1024 * 1024,
        RATE_LIMIT_PER_MIN: 100_000,
        PUBLIC_URL: 'http://127.0.0.1:3000',
      },
    });
    const token = 'Zk3Lw9QfTokenThatMustNeverBeLogged000000000';
    await supertest(app).get(`/CONSENT/${token}`);
    await supertest(app).get(`/Consent/${token}?x=1`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(token);
  });
});

describe('PUBLIC_URL', () => {
  it('when the server listens on loopback without it, then links use that address', () => {
    expect(loadConfig({ HOST: '127.0.0.1', PORT: '4000' }).PUBLIC_URL).toBe(
      'http://127.0.0.1:4000',
    );
    expect(loadConfig({ HOST: '::1', PORT: '4000' }).PUBLIC_URL).toBe('http://[::1]:4000');
  });

  it('when the server listens beyond loopback without it, then it refuses to start and names it', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/PUBLIC_URL/);
    expect(
      loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://tiershift.example.com' }).PUBLIC_URL,
    ).toBe('https://tiershift.example.com');
  });

  it("when a request names another Host, then the link still carries PUBLIC_URL's address", async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [c] = await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    const relationship = await move.childOf('resellerRelationship', c!);
    await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
    const link = await supertest(h.app)
      .post(`/v1/workflows/${relationship.id}/consent-requests`)
      .set('Authorization', `Bearer ${move.team.manager}`)
      .set('Host', 'evil.example')
      .send({});
    expect(link.status).toBe(201);
    expect((link.body as { url: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/consent\//);
  });
});
