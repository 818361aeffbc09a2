import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';
import type { Request } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { unstorableInput } from '../src/http/text-guard.ts';
import { createLogger } from '../src/logger.ts';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';
import { testSecrets } from './secrets.ts';

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

/** The app over the harness's database, writing its log lines into `lines`. */
function appWithLog(lines: string[], rateLimitPerMin = 100_000) {
  return createApp({
    db: h.db,
    engine: h.engine,
    logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
    secrets: testSecrets(),
    config: {
      BODY_LIMIT_BYTES: 1024 * 1024,
      RATE_LIMIT_PER_MIN: rateLimitPerMin,
      PUBLIC_URL: 'http://127.0.0.1:3000',
    },
  });
}

/** A relationship awaiting consent and the path of a fresh consent link for it. */
async function openConsentLink(): Promise<{ move: Move; relationshipId: string; path: string }> {
  const move = await Move.start(h.app, h.adminToken);
  const [c] = await move.importCustomers([buildCustomer()]);
  await move.toMigrating();
  const relationship = await move.childOf('resellerRelationship', c!);
  await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
  const link = await as(h.app, move.team.manager).post(
    `/v1/workflows/${relationship.id}/consent-requests`,
    {},
  );
  expect(link.status).toBe(201);
  const path = new URL((link.body as { url: string }).url).pathname;
  return { move, relationshipId: relationship.id, path };
}

/** Runs `use` against the harness's app listening on a port of its own. */
async function withServer<T>(use: (server: http.Server) => Promise<T>): Promise<T> {
  const server = http.createServer(h.app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    return await use(server);
  } finally {
    server.close();
  }
}

/**
 * Sends bytes as they are, past any client's own checks; resolves with the status line. The
 * request says `Connection: close`: the socket stays open for writing until the server has
 * answered, since a server that sees the client end first drops the request.
 */
async function sendRaw(server: http.Server, bytes: Buffer): Promise<string> {
  const { port } = server.address() as net.AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
  });
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
  it('when a JSON key or value at any depth holds a lone surrogate or NUL, then 400 and nothing is written', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const path = `/v1/workflows/${move.transitionId}/events`;
    const before = await historyLength(move.transitionId);
    expectMalformed(await rawJson('{"type":"\\ud800"}')(path, move.team.manager));
    expectMalformed(
      await rawJson('{"type":"CONFIRM_PROFILE","note":{"\\udc00x":1}}')(path, move.team.manager),
    );
    expectMalformed(
      await rawJson('{"type":"CONFIRM_PROFILE","a":[{"b":["ok","\\udc00"]}]}')(
        path,
        move.team.manager,
      ),
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
    expectMalformed(await admin.get('/v1/workflows?%ED%A0%80=1'));
    expectMalformed(await admin.get('/v1/workflows/wf_%ED%B0%80'));
    expectMalformed(await admin.get('/v1/workflows/wf_%00'));
    expectMalformed(await admin.get('/v1/workflows?state=%E0%A4%A'));
    // The public page too, before it looks the token up.
    expectMalformed(await supertest(h.app).get('/consent/%ED%A0%80'));
  });

  it('when an answer on the consent page carries NUL or a lone surrogate, then 400 and nothing is recorded', async () => {
    const { move, relationshipId, path } = await openConsentLink();
    // The page is for people: a form it cannot store gets its 400 as a page.
    const nul = await supertest(h.app)
      .post(path)
      .type('form')
      .send('decision=consent&name=Carla%00&email=carla%40fabrikam.example');
    expect(nul.status).toBe(400);
    // Any client can post JSON to the same address, and is refused as the API refuses it.
    const json = await supertest(h.app)
      .post(path)
      .set('Content-Type', 'application/json')
      .send('{"decision":"consent","name":"Carla \\ud800","email":"carla@fabrikam.example"}');
    expectMalformed(json);
    expect((await move.get(relationshipId)).state).toBe('awaitingConsent');
    expect(await historyLength(relationshipId)).toBe(2);
  });

  it('when a form escapes a surrogate or a User-Agent carries its bytes, then what is stored is what is hashed', async () => {
    const { move, relationshipId, path } = await openConsentLink();
    // The form decoder keeps escapes that are not UTF-8 as written, and HTTP reads header
    // bytes as Latin-1: both give plain text, stored as given.
    const body = 'decision=consent&name=Carla%ED%A0%80&email=carla%40fabrikam.example';
    const head = [
      `POST ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${body.length}`,
      'Connection: close',
    ].join('\r\n');
    const userAgent = Buffer.from([0x4d, 0x2f, 0x35, 0x20, 0xed, 0xa0, 0x80]); // "M/5 " + a surrogate in UTF-8
    const request = Buffer.concat([
      Buffer.from(`${head}\r\nUser-Agent: `, 'latin1'),
      userAgent,
      Buffer.from(`\r\n\r\n${body}`, 'latin1'),
    ]);
    expect(await withServer((server) => sendRaw(server, request))).toMatch(/^HTTP\/1\.1 200 /);
    expect((await move.get(relationshipId)).state).toBe('billToSharing');
    const consents = await as(h.app, h.adminToken).get(`/v1/consents?workflowId=${relationshipId}`);
    expect(consents.body).toMatchObject({
      items: [{ grantedBy: { name: 'Carla%ED%A0%80' }, userAgent: 'M/5 \u00ed\u00a0\u0080' }],
    });
    const verdict = await as(h.app, h.adminToken).get(
      `/v1/workflows/${relationshipId}/history/verify`,
    );
    expect(verdict.body).toMatchObject({ valid: true, problems: [] });
  });

  it('when a stored header carries NUL, then HTTP itself refuses it and nothing is written', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const before = await historyLength(move.transitionId);
    const body = '{"type":"CONFIRM_PROFILE"}';
    const head = [
      `POST /v1/workflows/${move.transitionId}/events HTTP/1.1`,
      'Host: 127.0.0.1',
      `Authorization: Bearer ${move.team.manager}`,
      'Content-Type: application/json',
      `Content-Length: ${body.length}`,
      'Connection: close',
      'Idempotency-Key: a\u0000b',
    ].join('\r\n');
    const request = Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');
    expect(await withServer((server) => sendRaw(server, request))).toMatch(/^HTTP\/1\.1 400 /);
    expect(await historyLength(move.transitionId)).toBe(before);
  });

  it('when another transport hands in a stored header with a lone surrogate or NUL, then the guard refuses it', () => {
    const request = (headers: Record<string, string>) =>
      ({
        originalUrl: '/v1/workflows/wf_1/events',
        body: { type: 'CONFIRM_PROFILE' },
        get: (name: string) => headers[name.toLowerCase()],
      }) as unknown as Request;
    expect(unstorableInput(request({ 'user-agent': 'Mozilla/5.0' }))).toBeUndefined();
    for (const name of ['user-agent', 'idempotency-key', 'if-match']) {
      expect(unstorableInput(request({ [name]: 'a\ud800' })), name).toMatch(/surrogate/);
      expect(unstorableInput(request({ [name]: 'a\u0000' })), name).toMatch(/NUL/);
    }
  });
});

describe('bounded input', () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;

  it('when JSON nested 5,000 deep arrives without a token, then 400 on every path, before authentication', async () => {
    for (const path of ['/v1/transitions', '/consent/some-token', '/healthz', '/elsewhere']) {
      const res = await supertest(h.app)
        .post(path)
        .set('Content-Type', 'application/json')
        .send(deep);
      expectMalformed(res);
    }
  });

  it('when deep bodies keep coming past the burst, then each is 400 before the rate limit, and no log line holds a stack', async () => {
    const lines: string[] = [];
    const app = appWithLog(lines, 1);
    // The burst is 100 requests; a rate limit that saw these would answer 429 from the 101st.
    for (let i = 0; i < 110; i += 1) {
      const res = await supertest(app)
        .post('/v1/transitions')
        .set('Content-Type', 'application/json')
        .send(deep);
      expectMalformed(res);
    }
    const refused = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(refused.some((line) => line.code === 'malformed_request')).toBe(true);
    for (const line of refused) {
      expect(line.level).toBeLessThanOrEqual(30);
      expect(line).not.toHaveProperty('err');
    }
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
  const token = 'Zk3Lw9QfTokenThatMustNeverBeLogged000000000';

  it('when a link is opened with the path in capitals, then its token is not in the log', async () => {
    const lines: string[] = [];
    const app = appWithLog(lines);
    await supertest(app).get(`/CONSENT/${token}`);
    await supertest(app).get(`/Consent/${token}/?x=1`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(token);
  });

  it('when the page posts its form with the link as Referer, then the token is not in the log', async () => {
    const lines: string[] = [];
    const app = appWithLog(lines);
    await supertest(app)
      .post(`/consent/${token}`)
      .set('Referer', `http://127.0.0.1:3000/Consent/${token}`)
      .type('form')
      .send('decision=decline');
    expect(lines.join('\n')).toContain('/consent/[redacted]');
    expect(lines.join('\n')).not.toContain(token);
  });
});

describe('PUBLIC_URL', () => {
  it('when the server listens on loopback without it, then links use that address', () => {
    expect(loadConfig({ HOST: '127.0.0.1', PORT: '4000' }).PUBLIC_URL).toBe(
      'http://127.0.0.1:4000',
    );
    expect(loadConfig({ HOST: '::1', PORT: '4000' }).PUBLIC_URL).toBe('http://[::1]:4000');
    expect(loadConfig({ HOST: 'localhost' }).PUBLIC_URL).toBe('http://localhost:3000');
    expect(loadConfig({}).PUBLIC_URL).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ HOST: '127.8.9.10', PORT: '80' }).PUBLIC_URL).toBe('http://127.8.9.10:80');
  });

  it('when the server listens beyond loopback without it, then it refuses to start and names it', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'tiershift.internal']) {
      expect(() => loadConfig({ HOST: host }), host).toThrow(/PUBLIC_URL/);
    }
    // A port chosen at start cannot be named in a link either.
    expect(() => loadConfig({ HOST: '127.0.0.1', PORT: '0' })).toThrow(/PUBLIC_URL/);
    expect(
      loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://tiershift.example.com' }).PUBLIC_URL,
    ).toBe('https://tiershift.example.com');
  });

  it('when the server starts beyond loopback without it, then it exits 1 naming it, without a stack', async () => {
    const env = { PATH: process.env.PATH, HOST: '0.0.0.0', PORT: '3000' };
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env,
      timeout: 30_000,
    });
    const failure = (await run.then(
      () => ({ code: 0, stderr: '' }),
      (error: unknown) => error,
    )) as { code: number; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/PUBLIC_URL: required when HOST \(0\.0\.0\.0\)/);
    expect(failure.stderr).not.toMatch(/^\s+at /m);
  }, 30_000);

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
