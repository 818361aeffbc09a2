import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildApp, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
let move: Move;

beforeAll(async () => {
  // Its own database: the limit per owner is counted over every subscription of the owner.
  h = await startHarness({ ownDatabase: true });
  move = await Move.start(h.app, h.adminToken);
});

afterAll(async () => {
  await h?.close();
});

const events = ['workflow.state_changed'];

describe('webhook subscriptions under attack', () => {
  it('when a target names loopback, private or metadata addresses in any spelling, then registration and updates refuse it', async () => {
    const strict = buildApp(h, { webhookAllowInsecure: false });
    const manager = as(strict, move.team.manager);
    const created = await manager.post('/v1/webhooks', {
      url: 'https://93.184.216.34/hook',
      events,
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    for (const url of [
      'https://localhost/hook',
      'https://2130706433/',
      'https://0x7f.0.0.1/',
      'https://0177.0.0.1/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[fd00:ec2::254]/',
      'https://[64:ff9b::a00:1]/',
      'https://0/',
      'HTTPS://10.0.0.1./',
      'https://100.100.100.200/',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ]) {
      for (const res of [
        await manager.post('/v1/webhooks', { url, events }),
        await manager.patch(`/v1/webhooks/${id}`, { url }),
      ]) {
        expect(res.status, url).toBe(422);
        expect((res.body as { code: string }).code, url).toBe('webhook_target_forbidden');
      }
    }
    const long = await manager.post('/v1/webhooks', {
      url: `https://93.184.216.34/${'a'.repeat(2100)}`,
      events,
    });
    expect(long.status).toBe(422);
  });

  it('when a name resolves to a public and a private address at once, then it is refused', async () => {
    const split = buildApp(h, {
      webhookAllowInsecure: false,
      resolve: () =>
        Promise.resolve([
          { address: '93.184.216.34', family: 4 },
          { address: '10.0.0.8', family: 4 },
        ]),
    });
    const res = await as(split, move.team.manager).post('/v1/webhooks', {
      url: 'https://hooks.split.test/hook',
      events,
    });
    expect(res.status).toBe(422);
    expect((res.body as { detail: string }).detail).toContain('10.0.0.8');
  });

  it('when a subscription is read, listed, changed or logged, then its secret never shows; a replayed create shows the same one', async () => {
    const body = { url: 'https://93.184.216.34/replay', events };
    const first = await as(h.app, move.team.manager)
      .post('/v1/webhooks', body)
      .set('Idempotency-Key', 'create-once');
    const again = await as(h.app, move.team.manager)
      .post('/v1/webhooks', body)
      .set('Idempotency-Key', 'create-once');
    expect(first.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const { id, secret } = first.body as { id: string; secret: string };
    expect(again.body).toMatchObject({ id, secret });
    const other = await as(h.app, move.team.manager)
      .post('/v1/webhooks', { ...body, description: 'another' })
      .set('Idempotency-Key', 'create-once');
    expect((other.body as { code: string }).code).toBe('idempotency_key_reused');

    const reads = [
      await as(h.app, move.team.manager).get(`/v1/webhooks/${id}`),
      await as(h.app, move.team.manager).get('/v1/webhooks'),
      await as(h.app, move.team.auditor).get('/v1/webhooks?limit=500'),
      await as(h.app, move.team.manager).patch(`/v1/webhooks/${id}`, { description: 'x' }),
      await as(h.app, move.team.manager).get(`/v1/webhooks/${id}/deliveries`),
    ];
    for (const res of reads) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('whsec_');
      expect(res.text).not.toContain(secret.slice(6, 30));
    }
  });

  it('when bodies are hostile, then each is refused with a clear 4xx problem, never a 5xx', async () => {
    const manager = as(h.app, move.team.manager);
    const url = 'https://93.184.216.34/hook';
    const cases: Array<[unknown, number]> = [
      [{ url, events: [] }, 422],
      [{ url, events: ['workflow.deleted'] }, 422],
      [{ url, events: ['consent.granted', 'consent.granted'] }, 422],
      [{ url, events, secret: 'whsec_mine' }, 422],
      [{ url, events, description: 'x'.repeat(501) }, 422],
      [{ url: 42, events }, 422],
      [{ url, events: 'workflow.state_changed' }, 422],
      [[url], 400],
    ];
    for (const [body, status] of cases) {
      const res = await manager.post('/v1/webhooks', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(res.type).toBe('application/problem+json');
    }
    const raw = (text: string) =>
      supertest(h.app)
        .post('/v1/webhooks')
        .set('Authorization', `Bearer ${move.team.manager}`)
        .set('Content-Type', 'application/json')
        .send(text);
    const surrogate = await raw(
      `{"url":"${url}","events":["workflow.state_changed"],"description":"\\ud800"}`,
    );
    expect(surrogate.status).toBe(400);
    const deep = await raw(`{"url":"${url}","events":${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(deep.status).toBe(400);
    const empty = await as(h.app, move.team.manager).patch('/v1/webhooks/whk_none', {});
    expect([404, 422]).toContain(empty.status);
  });

  it('when an owner holds 25 subscriptions, then the next is refused until one is deleted', async () => {
    const owner = await Move.start(h.app, h.adminToken);
    const provider = as(h.app, owner.provider.token);
    const ids: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const res = await provider.post('/v1/webhooks', {
        url: `https://93.184.216.34/${i}`,
        events,
      });
      expect(res.status).toBe(201);
      ids.push((res.body as { id: string }).id);
    }
    const over = await provider.post('/v1/webhooks', { url: 'https://93.184.216.34/x', events });
    expect(over.status).toBe(422);
    expect((over.body as { code: string }).code).toBe('webhook_limit_reached');
    // Racing creates count one after another: none slips past the limit.
    const raced = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        provider.post('/v1/webhooks', { url: `https://93.184.216.34/race${i}`, events }),
      ),
    );
    expect(raced.map((r) => r.status)).toEqual(Array.from({ length: 6 }, () => 422));
    // Another owner is not affected.
    const other = await as(h.app, owner.team.manager).post('/v1/webhooks', {
      url: 'https://93.184.216.34/y',
      events,
    });
    expect(other.status).toBe(201);
    expect((await provider.delete(`/v1/webhooks/${ids[0]}`)).status).toBe(204);
    const freed = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        provider.post('/v1/webhooks', { url: `https://93.184.216.34/freed${i}`, events }),
      ),
    );
    expect(freed.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
  });
});
