import { isIP } from 'node:net';
import type { Express } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertOutbox } from '../src/store/outbox.ts';
import type { Resolve } from '../src/webhooks/target.ts';
import { buildCustomer, buildPartner, createPrincipal } from './factories.ts';
import { as, buildApp, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';
import { eventually, webhookRig } from './webhook-receiver.ts';

let h: Harness;
/** Enforces https and public targets; names resolve through `knownNames`. */
let strict: Express;

/** What the names used here resolve to; any other name does not resolve. */
const knownNames: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  localhost: ['127.0.0.1', '::1'],
  'localhost.': ['127.0.0.1'],
  '169.254.169.254.nip.io': ['169.254.169.254'],
  'both.example.com': ['93.184.216.34', '10.0.0.7'],
  'mapped.example.com': ['::ffff:10.0.0.1'],
  'metadata-v6.example.com': ['fd00:ec2::254'],
};

function resolverOf(names: Record<string, string[]>): Resolve {
  return (hostname) => {
    const addresses = names[hostname.toLowerCase()];
    if (!addresses)
      return Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
    return Promise.resolve(
      addresses.map((address) => ({
        address,
        family: isIP(address) === 6 ? (6 as const) : (4 as const),
      })),
    );
  };
}

/** Workers here resolve no name unless a test says so: nothing leaves this machine. */
const resolvesNothing = resolverOf({});

beforeAll(async () => {
  // Its own database: a worker carries out every message it finds, other files' included.
  h = await startHarness({ ownDatabase: true });
  strict = buildApp(h, { webhookAllowInsecure: false, resolve: resolverOf(knownNames) });
});

const rig = webhookRig(() => h.db, { resolve: resolvesNothing });
const { startWorker, receiver } = rig;

afterEach(async () => {
  await rig.stopAll();
  // An admin's subscription hears every workflow: none outlives the test that made it.
  await h.db('webhook_subscriptions').where('scope', 'admin').delete();
});

afterAll(async () => {
  await h?.close();
});

interface Hook {
  id: string;
  url: string;
  secret: string;
  status: string;
}

interface Problem {
  code: string;
  status: number;
  detail?: string;
}

const events = ['workflow.state_changed'];

async function subscribe(app: Express, token: string, url: string, on = events): Promise<Hook> {
  const res = await as(app, token).post('/v1/webhooks', { url, events: on });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Hook;
}

/** A refusal: the status, problem+json, and the code. */
function expectProblem(
  res: { status: number; body: unknown; headers: Record<string, string> },
  status: number,
  code?: string,
  what = '',
): void {
  expect(res.status, `${what} ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  if (code) expect((res.body as Problem).code, what).toBe(code);
}

async function idleOutbox(): Promise<void> {
  await eventually(
    async () =>
      (await h
        .db('outbox')
        .where('status', 'pending')
        .andWhere('next_attempt_at', '<=', new Date())
        .first()) === undefined,
    'an idle outbox',
  );
}

describe('webhook targets at registration, where only https and public addresses are allowed', () => {
  const forbidden = [
    // Loopback, however the address is spelled.
    'https://localhost/hook',
    'HTTPS://LOCALHOST/hook',
    'https://localhost./hook',
    'https://127.0.0.1./hook',
    'https://2130706433/hook',
    'https://0x7f.0.0.1/hook',
    'https://0177.0.0.1/hook',
    'https://127.1/hook',
    'https://%31%32%37.0.0.1/hook',
    'https://１２７.0.0.1/hook',
    'https://[::1]/hook',
    'https://[0:0:0:0:0:0:0:1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https:127.0.0.1/hook',
    'https:\\\\127.0.0.1/hook',
    // Unspecified, private, shared and reserved.
    'https://0/hook',
    'https://0.0.0.0/hook',
    'https://[::]/hook',
    'https://10.0.0.1/hook',
    'https://172.16.5.4/hook',
    'https://100.64.0.1/hook',
    'https://[fc00::1]/hook',
    'https://[fe80::1]/hook',
    'https://[64:ff9b::127.0.0.1]/hook',
    'https://[2002:7f00:1::]/hook',
    // IPv4 inside IPv6: compatible (deprecated) and translated forms are not public either.
    'https://[::127.0.0.1]/hook',
    'https://[::ffff:0:127.0.0.1]/hook',
    'https://[::ffff:0:a9fe:a9fe]/hook',
    // Cloud metadata, by address and by name.
    'https://169.254.169.254/latest/meta-data',
    'https://[::ffff:a9fe:a9fe]/latest/meta-data',
    'https://[::ffff:169.254.169.254]/latest/meta-data',
    'https://[fd00:ec2::254]/latest/meta-data',
    'https://100.100.100.200/latest/meta-data',
    'https://169.254.169.254.nip.io/latest/meta-data',
    'https://metadata-v6.example.com/latest/meta-data',
    // A name answering a public and a private address at once; a mapped private one.
    'https://both.example.com/hook',
    'https://mapped.example.com/hook',
    // A zone id is no part of a URL.
    'https://[fe80::1%25eth0]/hook',
    // Not https, or not a URL at all.
    'http://hooks.example.com/hook',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'ftp://hooks.example.com/hook',
    'data:text/plain,hi',
    'ws://hooks.example.com/hook',
    'hooks.example.com/hook',
    '//hooks.example.com/hook',
    'https://',
    // Credentials.
    'https://user:pw@hooks.example.com/hook',
    'https://user@hooks.example.com/hook',
    'https://:pw@hooks.example.com/hook',
  ];

  it('when a target is loopback, private, metadata or not https however it is spelled, then it is refused with 422 webhook_target_forbidden', async () => {
    const move = await Move.start(h.app, h.adminToken);
    for (const url of forbidden) {
      const res = await as(strict, move.team.manager).post('/v1/webhooks', { url, events });
      expectProblem(res, 422, 'webhook_target_forbidden', url);
    }
    const list = await as(strict, move.team.manager).get('/v1/webhooks');
    expect((list.body as { items: unknown[] }).items).toEqual([]);
  });

  it('when a public https target is registered, then it is accepted, by name, by IPv6 name and by public address', async () => {
    const move = await Move.start(h.app, h.adminToken);
    for (const url of [
      'https://hooks.example.com/hook',
      'https://HOOKS.EXAMPLE.COM:8443/hook?x=1',
      'https://v6.example.com/hook',
      'https://93.184.216.34/hook',
      // Not resolvable yet: checked at every delivery instead.
      'https://not-yet.example.net/hook',
    ]) {
      const res = await as(strict, move.team.manager).post('/v1/webhooks', { url, events });
      expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBe(201);
    }
  });

  it('when a URL is longer than 2048 characters, then it is refused with 422, not stored', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const url = `https://hooks.example.com/${'a'.repeat(2048)}`;
    const res = await as(strict, move.team.manager).post('/v1/webhooks', { url, events });
    expectProblem(res, 422);
  });

  it('when a subscription is changed to a forbidden target, then it is refused the same way and keeps its URL', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const hook = await subscribe(strict, move.team.manager, 'https://hooks.example.com/hook');
    for (const url of [
      'https://127.0.0.1/hook',
      'https://169.254.169.254.nip.io/hook',
      'https://[::ffff:a9fe:a9fe]/hook',
      'https://both.example.com/hook',
      'http://hooks.example.com/hook',
      'https://user:pw@hooks.example.com/hook',
    ]) {
      const res = await as(strict, move.team.manager).patch(`/v1/webhooks/${hook.id}`, { url });
      expectProblem(res, 422, 'webhook_target_forbidden', url);
    }
    const after = await as(strict, move.team.manager).get(`/v1/webhooks/${hook.id}`);
    expect((after.body as Hook).url).toBe('https://hooks.example.com/hook');
  });
});

describe('webhook targets at delivery', () => {
  it('when a name answers an allowed address and a forbidden one at once, then the delivery is refused and nothing reaches any server', async () => {
    const r = await receiver();
    const port = new URL(r.url).port;
    const move = await Move.start(h.app, h.adminToken);
    // Loopback is allowed here (insecure mode), so only the second address can refuse it.
    const hooks = [
      await subscribe(h.app, move.team.manager, `http://allowed-then-metadata.test:${port}/hook`),
      await subscribe(h.app, move.team.manager, `http://private-then-allowed.test:${port}/hook`),
    ];
    startWorker(
      { WEBHOOK_RETRY_FOR_MS: 100 },
      resolverOf({
        'allowed-then-metadata.test': ['127.0.0.1', '169.254.169.254'],
        'private-then-allowed.test': ['10.0.0.7', '127.0.0.1'],
      }),
    );
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    for (const [hook, address] of [
      [hooks[0]!, '169\\.254\\.169\\.254'],
      [hooks[1]!, '10\\.0\\.0\\.7'],
    ] as const) {
      const failed = await eventually(async () => {
        const log = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
        const [item] = (log.body as { items: Array<{ status: string; lastError: string }> }).items;
        return item?.status === 'failed' && item;
      }, 'the delivery given up');
      expect(failed.lastError).toMatch(new RegExp(`refused: .*${address}`));
    }
    expect(r.received).toEqual([]);
  });

  it('when a strict worker meets a loopback target stored while insecure targets were allowed, then it refuses to call it', async () => {
    const r = await receiver();
    const move = await Move.start(h.app, h.adminToken);
    const hook = await subscribe(h.app, move.team.manager, r.url);
    startWorker({ WEBHOOK_ALLOW_INSECURE: false, WEBHOOK_RETRY_FOR_MS: 100 });
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    const failed = await eventually(async () => {
      const log = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
      const [item] = (log.body as { items: Array<{ status: string; lastError: string }> }).items;
      return item?.status === 'failed' && item;
    }, 'the delivery given up');
    expect(failed.lastError).toMatch(/loopback/);
    expect(r.received).toEqual([]);
  });
});

describe('whose subscriptions a caller may touch', () => {
  interface World {
    a: Move;
    b: Move;
    auditor: string;
    hooks: Record<'providerA' | 'managerA' | 'providerB' | 'managerB' | 'admin', Hook>;
    delivery: Record<'managerA' | 'managerB', string>;
  }

  async function world(): Promise<World> {
    const a = await Move.start(h.app, h.adminToken);
    const b = await Move.start(h.app, h.adminToken);
    const auditor = await createPrincipal(h.app, h.adminToken, { role: 'auditor' });
    const url = 'https://hooks.example.com/hook';
    const hooks = {
      providerA: await subscribe(strict, a.provider.token, url),
      managerA: await subscribe(strict, a.team.manager, url),
      providerB: await subscribe(strict, b.provider.token, url),
      managerB: await subscribe(strict, b.team.manager, url),
      admin: await subscribe(strict, h.adminToken, url),
    };
    // A delivery in each partner's log, due far in the future so no worker takes it.
    const later = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    const delivery = {
      managerA: `msg_${crypto.randomUUID()}`,
      managerB: `msg_${crypto.randomUUID()}`,
    };
    await insertOutbox(
      h.db,
      (['managerA', 'managerB'] as const).map((who) => ({
        id: delivery[who],
        kind: 'webhook.delivery' as const,
        payload: { body: '{}' },
        next_attempt_at: later,
        give_up_at: later,
        created_at: new Date(),
        subscription_id: hooks[who].id,
        event_id: `evt_${crypto.randomUUID()}`,
        event_type: 'workflow.state_changed',
      })),
    );
    return { a, b, auditor, hooks, delivery };
  }

  it('when a provider or another partner reaches for a subscription not theirs, then every operation answers 404 and changes nothing', async () => {
    const w = await world();
    const outsiders: Array<[string, string, Hook, string | undefined]> = [
      ['partner B manager → partner A', w.b.team.manager, w.hooks.managerA, w.delivery.managerA],
      [
        'partner B Global admin → partner A',
        w.b.team.globalAdmin,
        w.hooks.managerA,
        w.delivery.managerA,
      ],
      ['provider A → partner A', w.a.provider.token, w.hooks.managerA, w.delivery.managerA],
      ['provider B → provider A', w.b.provider.token, w.hooks.providerA, undefined],
      ['partner A manager → provider A', w.a.team.manager, w.hooks.providerA, undefined],
      ['partner A manager → admin', w.a.team.manager, w.hooks.admin, undefined],
      ['provider A → admin', w.a.provider.token, w.hooks.admin, undefined],
    ];
    for (const [who, token, hook, deliveryId] of outsiders) {
      const api = as(strict, token);
      const base = `/v1/webhooks/${hook.id}`;
      expectProblem(await api.get(base), 404, undefined, `${who} GET`);
      expectProblem(await api.get(`${base}/deliveries`), 404, undefined, `${who} deliveries`);
      expectProblem(await api.patch(base, { enabled: false }), 404, undefined, `${who} PATCH`);
      expectProblem(
        await api.patch(base, { url: 'https://evil.example.com/x' }),
        404,
        undefined,
        `${who} PATCH url`,
      );
      expectProblem(await api.post(`${base}/rotate`, {}), 404, undefined, `${who} rotate`);
      expectProblem(
        await api.post(`${base}/deliveries/${deliveryId ?? 'msg_x'}/redeliver`),
        404,
        undefined,
        `${who} redeliver`,
      );
      expectProblem(await api.delete(base), 404, undefined, `${who} DELETE`);
    }
    // A delivery of another subscription, reached through one's own: 404 too.
    expectProblem(
      await as(strict, w.b.team.manager).post(
        `/v1/webhooks/${w.hooks.managerB.id}/deliveries/${w.delivery.managerA}/redeliver`,
      ),
      404,
    );
    for (const hook of Object.values(w.hooks)) {
      const row = await as(strict, h.adminToken).get(`/v1/webhooks/${hook.id}`);
      expect(row.body, hook.id).toMatchObject({ status: 'active', url: hook.url });
    }
    const untouched = await h.db('outbox').where('id', w.delivery.managerA).first();
    expect(untouched).toMatchObject({ status: 'pending', attempts: 0 });
    expect((untouched as { next_attempt_at: Date }).next_attempt_at.getTime()).toBeGreaterThan(
      Date.now() + 300 * 24 * 3600 * 1000,
    );
  });

  it('when each caller lists, then it sees its own scope only; an admin and an auditor see all', async () => {
    const w = await world();
    const listed = async (token: string): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const res = await as(strict, token).get(`/v1/webhooks?limit=500${q}`);
        expect(res.status).toBe(200);
        const body = res.body as { items: Hook[]; nextCursor: string | null };
        ids.push(...body.items.map((i) => i.id));
        cursor = body.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await listed(w.a.provider.token)).toEqual([w.hooks.providerA.id]);
    expect(await listed(w.a.team.manager)).toEqual([w.hooks.managerA.id]);
    expect(await listed(w.a.team.globalAdmin)).toEqual([w.hooks.managerA.id]);
    expect(await listed(w.b.team.manager)).toEqual([w.hooks.managerB.id]);
    expect(await listed(w.b.provider.token)).toEqual([w.hooks.providerB.id]);
    for (const token of [h.adminToken, w.auditor]) {
      expect(await listed(token)).toEqual(
        expect.arrayContaining(Object.values(w.hooks).map((hook) => hook.id)),
      );
    }
  });

  it('when an auditor reads every subscription, then it may write none of them', async () => {
    const w = await world();
    const api = as(strict, w.auditor);
    const base = `/v1/webhooks/${w.hooks.managerA.id}`;
    expect((await api.get(base)).status).toBe(200);
    expect((await api.get(`${base}/deliveries`)).status).toBe(200);
    expectProblem(
      await api.post('/v1/webhooks', { url: 'https://hooks.example.com/x', events }),
      403,
    );
    expectProblem(await api.patch(base, { enabled: false }), 403);
    expectProblem(await api.post(`${base}/rotate`, {}), 403);
    expectProblem(await api.post(`${base}/deliveries/${w.delivery.managerA}/redeliver`), 403);
    expectProblem(await api.delete(base), 403);
    expect((await api.get(base)).body).toMatchObject({ status: 'active' });
  });

  it('when a subscription is read, listed, changed or its log read, then its secret appears nowhere', async () => {
    const w = await world();
    const hook = w.hooks.managerA;
    const rotated = await as(strict, w.a.team.manager).post(`/v1/webhooks/${hook.id}/rotate`, {
      overlapSeconds: 600,
    });
    expect(rotated.status).toBe(201);
    const secrets = [hook.secret, (rotated.body as { secret: string }).secret];
    const answers = [
      await as(strict, w.a.team.manager).get(`/v1/webhooks/${hook.id}`),
      await as(strict, w.a.team.manager).get('/v1/webhooks'),
      await as(strict, w.a.team.manager).patch(`/v1/webhooks/${hook.id}`, {
        description: 'changed',
      }),
      await as(strict, w.a.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`),
      await as(strict, w.a.team.manager).post(
        `/v1/webhooks/${hook.id}/deliveries/${w.delivery.managerA}/redeliver`,
      ),
      await as(strict, w.auditor).get('/v1/webhooks?limit=500'),
      await as(strict, h.adminToken).get(`/v1/webhooks/${hook.id}`),
    ];
    for (const res of answers) {
      expect(res.status).toBeLessThan(300);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('whsec_');
      for (const secret of secrets) expect(text).not.toContain(secret.slice('whsec_'.length));
    }
    // Redelivered, so due now: put it back out of any worker's way.
    await h.db('outbox').where('id', w.delivery.managerA).delete();
  });

  it('when a create is replayed with its key, then the same secret comes back; with another body, 422 idempotency_key_reused; another caller’s same key is its own', async () => {
    const a = await Move.start(h.app, h.adminToken);
    const b = await Move.start(h.app, h.adminToken);
    const key = crypto.randomUUID();
    const body = { url: 'https://hooks.example.com/idem', events };
    const post = (token: string, sent: object) =>
      as(strict, token).post('/v1/webhooks', sent).set('Idempotency-Key', key);
    const first = await post(a.team.manager, body);
    expect(first.status).toBe(201);
    const again = await post(a.team.manager, body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((again.body as Hook).secret).toMatch(/^whsec_/);
    expectProblem(
      await post(a.team.manager, { ...body, description: 'another' }),
      422,
      'idempotency_key_reused',
    );
    const listed = await as(strict, a.team.manager).get('/v1/webhooks');
    expect((listed.body as { items: Hook[] }).items).toHaveLength(1);
    // The same key from someone else neither replays nor reveals the first answer.
    const theirs = await post(b.team.manager, body);
    expect(theirs.status).toBe(201);
    expect((theirs.body as Hook).id).not.toBe((first.body as Hook).id);
    expect((theirs.body as Hook).secret).not.toBe((first.body as Hook).secret);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('hostile input to the webhook routes', () => {
  it('when bodies, fields, queries and ids are hostile, then every answer is a clear 4xx problem, never a 5xx', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const api = as(strict, move.team.manager);
    const hook = await subscribe(strict, move.team.manager, 'https://hooks.example.com/hostile');
    let deep: unknown = 'x';
    for (let i = 0; i < 1000; i += 1) deep = [deep];
    const url = 'https://hooks.example.com/h';
    const bodies: unknown[] = [
      { url: `${url}\u0000`, events },
      { url: `${url}\ud800`, events },
      { url, events, description: 'a\udc00b' },
      { url, events, description: 'nul\u0000' },
      { url, events: ['workflow.state_changed\u0000'] },
      { url, events, description: 'x'.repeat(501) },
      { url, events, description: 'x'.repeat(900_000) },
      { url: 'x'.repeat(900_000), events },
      { url, events: Array.from({ length: 50_000 }, () => 'workflow.state_changed') },
      { url, events: ['workflow.state_changed', 'workflow.state_changed'] },
      { url, events: [] },
      { url, events: ['workflow.deleted'] },
      { url, events: ['__proto__'] },
      { url, events: [{ type: 'workflow.state_changed' }] },
      { url, events: 'workflow.state_changed' },
      { url, events: null },
      { url },
      { events },
      { url: 42, events },
      { url: [url], events },
      { url: { href: url }, events },
      { url: '', events },
      { url, events, secret: 'whsec_mine' },
      { url, events, scope: 'admin' },
      { url, events, partnerId: 'ptn_other' },
      { url, events, nested: deep },
      JSON.parse(
        '{"__proto__": {"isAdmin": true}, "url": "https://hooks.example.com/h", "events": ["workflow.state_changed"]}',
      ),
      [],
      [{ url, events }],
    ];
    for (const body of bodies) {
      const res = await api.post('/v1/webhooks', body);
      const what = `POST ${JSON.stringify(body)?.slice(0, 120) ?? ''}`;
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
      expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
    }
    for (const raw of [
      '{"url":',
      'null',
      '"a string"',
      '42',
      '\u0000',
      '{"url":"\\ud800","events":[]}',
    ]) {
      const res = await as(strict, move.team.manager)
        .post('/v1/webhooks')
        .set('Content-Type', 'application/json')
        .send(raw);
      expect(res.status, `raw ${raw}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `raw ${raw}`).toBeLessThan(500);
    }
    for (const body of [
      {},
      { enabled: 'yes' },
      { enabled: null },
      { url: null },
      { events: [] },
      { description: 'x'.repeat(501) },
      { secret: 'whsec_mine' },
      { status: 'active' },
      { failedMessages: 0 },
      { url: `${url}\ud800` },
    ]) {
      const res = await api.patch(`/v1/webhooks/${hook.id}`, body);
      const what = `PATCH ${JSON.stringify(body)}`;
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
      expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
    }
    for (const body of [
      { overlapSeconds: -1 },
      { overlapSeconds: 7 * 24 * 3600 + 1 },
      { overlapSeconds: 1.5 },
      { overlapSeconds: 1e308 },
      { overlapSeconds: '3600' },
      { overlapSeconds: null },
      { other: 1 },
      [],
    ]) {
      const res = await api.post(`/v1/webhooks/${hook.id}/rotate`, body);
      const what = `rotate ${JSON.stringify(body)}`;
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
    }
    for (const path of [
      '/v1/webhooks?limit=0',
      '/v1/webhooks?limit=-1',
      '/v1/webhooks?limit=1e9',
      '/v1/webhooks?limit=abc',
      '/v1/webhooks?cursor=not-a-cursor',
      '/v1/webhooks?cursor=%00',
      '/v1/webhooks?cursor=%ED%A0%80',
      '/v1/webhooks?cursor=eyJpZCI6MX0',
      '/v1/webhooks?other=1',
      `/v1/webhooks/${hook.id}/deliveries?status=lost`,
      `/v1/webhooks/${hook.id}/deliveries?cursor=garbage`,
      `/v1/webhooks/${hook.id}/deliveries?cursor=${Buffer.from('{"createdAt":"yesterday","id":"x"}').toString('base64url')}`,
      `/v1/webhooks/${hook.id}/deliveries?limit=501`,
      '/v1/webhooks/%00',
      '/v1/webhooks/%ED%A0%80',
      `/v1/webhooks/${'x'.repeat(5000)}`,
      "/v1/webhooks/whk_'%20OR%201=1--",
    ]) {
      const res = await api.get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers['content-type'], path).toMatch(/^application\/problem\+json/);
    }
    const untouched = await api.get(`/v1/webhooks/${hook.id}`);
    expect(untouched.body).toMatchObject({ url: 'https://hooks.example.com/hostile', events });
  });
});

describe('the limit of subscriptions per owner', () => {
  it('when an owner holds 25, then the next is refused with 422 webhook_limit_reached', async () => {
    const move = await Move.start(h.app, h.adminToken);
    for (let i = 0; i < 25; i += 1) {
      await subscribe(strict, move.provider.token, `https://hooks.example.com/${i}`);
    }
    const res = await as(strict, move.provider.token).post('/v1/webhooks', {
      url: 'https://hooks.example.com/26',
      events,
    });
    expectProblem(res, 422, 'webhook_limit_reached');
    // Another owner is not held back by it.
    await subscribe(strict, move.team.manager, 'https://hooks.example.com/other');
  });

  it('when other owners hold more than 25 between them, then an admin still subscribes, up to 25 of its own', async () => {
    const move = await Move.start(h.app, h.adminToken);
    for (let i = 0; i < 25; i += 1) {
      await subscribe(strict, move.provider.token, `https://hooks.example.com/p${i}`);
    }
    await subscribe(strict, move.team.manager, 'https://hooks.example.com/m');
    for (let i = 0; i < 25; i += 1) {
      await subscribe(strict, h.adminToken, `https://hooks.example.com/a${i}`);
    }
    const res = await as(strict, h.adminToken).post('/v1/webhooks', {
      url: 'https://hooks.example.com/a26',
      events,
    });
    expectProblem(res, 422, 'webhook_limit_reached');
  });

  it('when many creates race for the last places, then the owner still holds at most 25', async () => {
    const move = await Move.start(h.app, h.adminToken);
    for (let i = 0; i < 20; i += 1) {
      await subscribe(strict, move.provider.token, `https://hooks.example.com/${i}`);
    }
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        as(strict, move.provider.token).post('/v1/webhooks', {
          url: `https://hooks.example.com/race-${i}`,
          events,
        }),
      ),
    );
    for (const res of answers) {
      if (res.status !== 201) expectProblem(res, 422, 'webhook_limit_reached');
    }
    expect(answers.filter((res) => res.status === 201)).toHaveLength(5);
    const held = await h
      .db('webhook_subscriptions')
      .where('provider_id', move.provider.id)
      .count({ n: '*' })
      .first();
    expect(Number((held as { n: string | number }).n)).toBe(25);
  });
});

describe('disabled and deleted subscriptions', () => {
  it('when a subscription is disabled, then it gets nothing new, its pending deliveries wait, and enabling it sends them', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const r = await receiver();
    r.answer = () => 500;
    const hook = await subscribe(h.app, move.team.manager, r.url);
    startWorker();
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await eventually(() => r.received.length >= 1, 'a first, failed attempt');
    const disabled = await as(h.app, move.team.manager).patch(`/v1/webhooks/${hook.id}`, {
      enabled: false,
    });
    expect(disabled.body).toMatchObject({ status: 'disabled' });
    r.answer = () => 204;
    // An attempt under way when it was disabled may still end; none begins after.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const heard = r.received.length;
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    await eventually(
      async () => (await h.db('outbox').where('kind', 'webhook.notice').first()) === undefined,
      'the notice fanned out',
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.received).toHaveLength(heard);
    const log = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
    const items = (log.body as { items: Array<{ id: string; status: string }> }).items;
    expect(items).toHaveLength(1);
    expect(items[0]!.status).toBe('pending');

    await as(h.app, move.team.manager).patch(`/v1/webhooks/${hook.id}`, { enabled: true });
    await eventually(async () => {
      const res = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
      const [item] = (res.body as { items: Array<{ status: string }> }).items;
      return item?.status === 'delivered';
    }, 'the waiting delivery sent');
    // The step while it was disabled was never recorded for it.
    const after = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
    expect((after.body as { items: unknown[] }).items).toHaveLength(1);
  });

  it('when a subscription is deleted while a delivery to it is in flight, then the worker goes on delivering to others', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const hanging = await receiver();
    hanging.answer = () => 'hang';
    const healthy = await receiver();
    const doomed = await subscribe(h.app, move.team.manager, hanging.url);
    await subscribe(h.app, move.team.manager, healthy.url);
    startWorker({ WEBHOOK_TIMEOUT_MS: 400 });
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await eventually(() => hanging.received.length >= 1, 'a request held by the receiver');
    const deleted = await as(h.app, move.team.manager).delete(`/v1/webhooks/${doomed.id}`);
    expect(deleted.status).toBe(204);
    expect(await h.db('outbox').where('subscription_id', doomed.id).first()).toBeUndefined();
    // Past the held attempt's time-out, the worker records nothing for it and goes on.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    await eventually(() => healthy.received.length >= 2, 'both steps at the other subscription');
    expect(hanging.received).toHaveLength(1);
    expect(await h.db('outbox').where('subscription_id', doomed.id).first()).toBeUndefined();
    expectProblem(await as(h.app, move.team.manager).get(`/v1/webhooks/${doomed.id}`), 404);
  });
});

describe('a provider’s view over time', () => {
  it('when a provider declined and another took the move, then the first hears no more of it than the API shows it', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const declined = move.provider;
    const chosen = await Move.provider(h.app, h.adminToken, buildPartner().cspRegion);
    const [customerId] = await move.importCustomers([buildCustomer()]);
    const r = await receiver();
    await subscribe(h.app, declined.token, r.url, [
      'workflow.state_changed',
      'partnership.requested',
      'partnership.invitation_accepted',
      'transfer.request_needed',
      'consent.granted',
      'mca.acceptance_requested',
    ]);
    startWorker();
    await move.toPartnering();
    await move.send(move.team.manager, move.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: declined.id,
    });
    await move.send(declined.token, move.transitionId, {
      type: 'PROVIDER_DECLINED',
      providerId: declined.id,
      reason: 'not our region',
    });
    await move.send(move.team.manager, move.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: chosen.id,
    });
    await move.send(chosen.token, move.transitionId, {
      type: 'PROVIDER_INVITATION_SENT',
      providerId: chosen.id,
    });
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: chosen.id,
    });
    const relationship = await move.childOf('resellerRelationship', customerId!);
    await move.send(move.team.manager, relationship.id, { type: 'USE_INVITATION' });
    await idleOutbox();
    await eventually(
      async () => (await h.db('outbox').where('kind', 'webhook.notice').first()) === undefined,
      'every notice fanned out',
    );
    const bodies = r.bodies<{ type: string; data: { workflow: Workflow } }>();
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const { workflow } = body.data;
      const seen = await as(h.app, declined.token).get(`/v1/workflows/${workflow.id}`);
      expect(seen.status, `${body.type} of ${workflow.machine}`).toBe(200);
      const api = seen.body as Workflow;
      for (const key of Object.keys(workflow.context)) {
        expect(api.context, `${workflow.machine}.context.${key}`).toHaveProperty(key);
      }
    }
    // Nothing of the customers' workflows, which the chosen provider serves.
    expect(bodies.map((b) => b.data.workflow.machine)).not.toContain('resellerRelationship');
    expect((await as(h.app, declined.token).get(`/v1/workflows/${relationship.id}`)).status).toBe(
      404,
    );
  });
});
