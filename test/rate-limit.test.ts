import type { NextFunction, Request, Response } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { rateLimits } from '../src/http/rate-limit.ts';
import { createLogger } from '../src/logger.ts';
import { buildApp, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

function expectRateLimited(res: supertest.Response): void {
  expect(res.status, res.text).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, code: 'rate_limited' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
}

/** Counts the principal lookups the database is asked for while `run` goes on. */
async function principalLookups(run: () => Promise<void>): Promise<number> {
  let lookups = 0;
  const count = (query: { sql: string }) => {
    if (/from "principals"/i.test(query.sql)) lookups += 1;
  };
  h.db.on('query', count);
  try {
    await run();
  } finally {
    h.db.off('query', count);
  }
  return lookups;
}

describe('the limit per principal', () => {
  it('when one token is sent under every spelling of the scheme, then all of them share its one limit', async () => {
    const app = buildApp(h, { rateLimitPerMin: 4 });
    const token = h.adminToken;
    const spellings = [
      `Bearer ${token}`,
      `bearer ${token}`,
      `BEARER    ${token}`,
      `Bearer\t\t${token}`,
      `bEaReR \t ${token}`,
    ];
    const statuses: number[] = [];
    for (const header of spellings) {
      statuses.push((await supertest(app).get('/v1/machines').set('Authorization', header)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expectRateLimited(
      await supertest(app).get('/v1/machines').set('Authorization', `  Bearer ${token}  `),
    );
  });

  it('when a principal is limited, then another principal from the same address is not', async () => {
    const app = buildApp(h, { rateLimitPerMin: 2 });
    const other = await supertest(app)
      .post('/v1/principals')
      .set('Authorization', `Bearer ${h.adminToken}`)
      .send({ name: `auditor-${crypto.randomUUID()}`, role: 'auditor' });
    expect(other.status, other.text).toBe(201);
    const otherToken = (other.body as { token: string }).token;
    const admin = () =>
      supertest(app).get('/v1/machines').set('Authorization', `Bearer ${h.adminToken}`);
    expect((await admin()).status).toBe(200);
    expectRateLimited(await admin());
    const res = await supertest(app)
      .get('/v1/machines')
      .set('Authorization', `Bearer ${otherToken}`);
    expect(res.status).toBe(200);
  });
});

describe('the limit per address', () => {
  it('when many different made-up tokens come from one address, then past the limit they are refused without a lookup', async () => {
    const app = buildApp(h, { rateLimitPerIpPerMin: 5 });
    const statuses: number[] = [];
    const lookups = await principalLookups(async () => {
      for (let i = 0; i < 12; i += 1) {
        const res = await supertest(app)
          .get('/v1/workflows')
          .set('Authorization', `Bearer guess-${i}-${crypto.randomUUID()}`);
        statuses.push(res.status);
      }
    });
    expect(statuses).toEqual([...Array<number>(5).fill(401), ...Array<number>(7).fill(429)]);
    expect(lookups).toBe(5);
  });

  it('when the consent pages, the docs and the API description are asked for too often, then 429; the probes always answer', async () => {
    for (const path of ['/consent/not-a-real-token', '/docs', '/openapi.json']) {
      const app = buildApp(h, { rateLimitPerIpPerMin: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await supertest(app).get(path)).status);
      expect(
        statuses.slice(0, 2).every((s) => s !== 429),
        path,
      ).toBe(true);
      expect(statuses[2], path).toBe(429);
    }
    const app = buildApp(h, { rateLimitPerIpPerMin: 1 });
    const probes: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      probes.push((await supertest(app).get('/healthz')).status);
      probes.push((await supertest(app).get('/readyz')).status);
    }
    expect(probes.every((s) => s === 200)).toBe(true);
    expect((await supertest(app).get('/consent/not-a-real-token')).status).toBe(404);
    expectRateLimited(await supertest(app).post('/consent/not-a-real-token').type('form').send({}));
  });

  it('when a limited client keeps asking, then each answer carries Retry-After and the named RateLimit headers', async () => {
    const app = buildApp(h, { rateLimitPerIpPerMin: 3, rateLimitPerMin: 10 });
    const first = await supertest(app)
      .get('/v1/machines')
      .set('Authorization', `Bearer ${h.adminToken}`);
    expect(first.status).toBe(200);
    // Both limits apply to an authenticated request, each under its own name (IETF draft 8).
    expect(first.headers['ratelimit']).toMatch(/^"address"; r=2; t=\d+, "principal"; r=9; t=\d+$/);
    expect(first.headers['ratelimit-policy']).toMatch(
      /^"address"; q=3; w=60; pk=:[A-Za-z0-9+/=]+:, "principal"; q=10; w=60; pk=:[A-Za-z0-9+/=]+:$/,
    );
    await supertest(app).get('/healthz');
    await supertest(app).get('/docs');
    await supertest(app).get('/openapi.json');
    const limited = await supertest(app).get('/openapi.json');
    expectRateLimited(limited);
    expect(limited.headers['ratelimit']).toMatch(/^"address"; r=0; t=\d+$/);
    expect(limited.headers['ratelimit-policy']).toMatch(/^"address"; q=3; w=60;/);
  });

  it('when TRUST_PROXY is unset, then X-Forwarded-For is ignored; when set, it names the client, IPv6 by /56', async () => {
    const direct = buildApp(h, { rateLimitPerIpPerMin: 2 });
    const fromDirect = async (forwardedFor: string) =>
      (await supertest(direct).get('/openapi.json').set('X-Forwarded-For', forwardedFor)).status;
    expect([
      await fromDirect('198.51.100.1'),
      await fromDirect('198.51.100.2'),
      await fromDirect('198.51.100.3'),
    ]).toEqual([200, 200, 429]);

    const proxied = buildApp(h, { rateLimitPerIpPerMin: 2, trustProxy: ['loopback'] });
    const fromProxied = async (forwardedFor: string) =>
      (await supertest(proxied).get('/openapi.json').set('X-Forwarded-For', forwardedFor)).status;
    expect([
      await fromProxied('198.51.100.1'),
      await fromProxied('198.51.100.1'),
      await fromProxied('198.51.100.1'),
    ]).toEqual([200, 200, 429]);
    expect(await fromProxied('198.51.100.2')).toBe(200);
    // Two addresses of one /56 are one client; another /56 is another.
    expect([
      await fromProxied('2001:db8:0:1::1'),
      await fromProxied('2001:db8:0:1:ffff::2'),
      await fromProxied('2001:db8:0:ff::3'),
    ]).toEqual([200, 200, 429]);
    expect(await fromProxied('2001:db8:0:100::1')).toBe(200);
    // A forged hop before the trusted proxy's own is the client's word and is not believed.
    const hops = buildApp(h, { rateLimitPerIpPerMin: 1, trustProxy: 1 });
    const viaOneHop = async (forwardedFor: string) =>
      (await supertest(hops).get('/openapi.json').set('X-Forwarded-For', forwardedFor)).status;
    expect(await viaOneHop('10.9.9.9, 203.0.113.5')).toBe(200);
    expect(await viaOneHop('10.9.9.8, 203.0.113.5')).toBe(429);
  });

  it('when more than 100,000 other clients have come, then a limited client is still limited', async () => {
    const { perAddress } = rateLimits(
      { perAddressPerMin: 2, perPrincipalPerMin: 2 },
      createLogger('silent'),
    );
    const ask = (ip: string) =>
      new Promise<'passed' | number>((resolve) => {
        const headers = new Map<string, unknown>();
        const req = { path: '/v1/workflows', ip, headers: {}, app: { get: () => false } };
        const res = {
          headersSent: false,
          append: (name: string, value: unknown) => headers.set(name, value),
          setHeader: (name: string, value: unknown) => headers.set(name, value),
          getHeader: (name: string) => headers.get(name),
        };
        const next: NextFunction = (error?: unknown) =>
          resolve(error ? (error as { status: number }).status : 'passed');
        void perAddress(req as unknown as Request, res as unknown as Response, next);
      });
    expect([await ask('203.0.113.9'), await ask('203.0.113.9'), await ask('203.0.113.9')]).toEqual([
      'passed',
      'passed',
      429,
    ]);
    for (let i = 0; i < 100_001; i += 1) {
      await ask(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    }
    expect(await ask('203.0.113.9')).toBe(429);
    expect(await ask('203.0.113.10')).toBe('passed');
  });

  it('when the client hung up before its request was counted, then it is dropped without an error', async () => {
    const lines: Array<{ level: number; msg?: string }> = [];
    const logger = createLogger('debug', {
      write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg?: string }),
    });
    const { perAddress } = rateLimits({ perAddressPerMin: 2, perPrincipalPerMin: 2 }, logger);
    let destroyed = false;
    let passed = false;
    // Node leaves `req.ip` undefined once the socket is gone: there is no peer to name.
    const req = { path: '/v1/workflows', ip: undefined, headers: {}, app: { get: () => false } };
    const res = { headersSent: false, destroy: () => (destroyed = true) };
    await perAddress(req as unknown as Request, res as unknown as Response, () => (passed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect({ passed, destroyed }).toEqual({ passed: false, destroyed: true });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });
});

describe('TRUST_PROXY', () => {
  it('when unset it is false; a hop count, true, or a list of addresses and subnets is taken; anything else stops the start', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(
      loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }).TRUST_PROXY,
    ).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    for (const bad of ['yes', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1,,', '-1']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
    expect(loadConfig({}).RATE_LIMIT_PER_IP_PER_MIN).toBe(6000);
    expect(() => loadConfig({ RATE_LIMIT_PER_IP_PER_MIN: '0' })).toThrow(
      /RATE_LIMIT_PER_IP_PER_MIN/,
    );
  });
});
