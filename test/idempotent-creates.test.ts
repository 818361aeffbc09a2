import type { Express } from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildPartner, buildProvider, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** One create route, set up afresh for each test so that its rows can be counted alone. */
interface Subject {
  path: string;
  token: string;
  body: object;
  /** Another request that the same key must not answer. */
  other: object;
  /** A request the route refuses. */
  refused: object;
  /** How many rows the route created for this subject. */
  count(): Promise<number>;
}

const rows = async (table: string, where: Record<string, string>) =>
  Number((await h.db(table).where(where).count({ n: '*' }))[0]?.n);

const routes: Record<string, () => Promise<Subject>> = {
  'POST /v1/principals': () => {
    const name = `auditor ${crypto.randomUUID()}`;
    return Promise.resolve({
      path: '/v1/principals',
      token: h.adminToken,
      body: { name, role: 'auditor' },
      other: { name, role: 'admin' },
      refused: { name, role: 'manager' },
      count: () => rows('principals', { name }),
    });
  },
  'POST /v1/principals/:id/rotate': async () => {
    const created = await as(h.app, h.adminToken).post('/v1/principals', {
      name: `rotated ${crypto.randomUUID()}`,
      role: 'auditor',
    });
    const { id } = created.body as { id: string };
    return {
      path: `/v1/principals/${id}/rotate`,
      token: h.adminToken,
      body: { overlapSeconds: 60 },
      other: { overlapSeconds: 120 },
      refused: { overlapSeconds: -1 },
      // The first token and the rotated ones.
      count: async () => (await rows('principal_tokens', { principal_id: id })) - 1,
    };
  },
  'POST /v1/providers': () => {
    const body = buildProvider();
    return Promise.resolve({
      path: '/v1/providers',
      token: h.adminToken,
      body,
      other: { ...body, name: 'Another name' },
      refused: { ...body, region: 'Deutschland' },
      count: () => rows('providers', { mpn_id: body.mpnId }),
    });
  },
  'POST /v1/partners': () => {
    const body = buildPartner();
    return Promise.resolve({
      path: '/v1/partners',
      token: h.adminToken,
      body,
      other: { ...body, name: 'Another name' },
      refused: { ...body, plaRegion: 'Deutschland' },
      count: () => rows('partners', { mpn_id: body.mpnId }),
    });
  },
  'POST /v1/transitions': async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    return {
      path: '/v1/transitions',
      token: team.manager,
      body: { partnerId: team.partnerId, tenantStrategy: 'new_tenant' },
      other: { partnerId: team.partnerId, tenantStrategy: 'existing_tenant' },
      refused: { partnerId: team.partnerId, tenantStrategy: 'no_tenant' },
      count: () => rows('workflows', { partner_id: team.partnerId, machine: 'transition' }),
    };
  },
  'POST /v1/workflows/:id/consent-requests': async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    return {
      path: `/v1/workflows/${relationship.id}/consent-requests`,
      token: move.team.manager,
      body: { expiresInDays: 7 },
      other: { expiresInDays: 8 },
      refused: { expiresInDays: 0 },
      count: () => rows('consent_requests', { workflow_id: relationship.id }),
    };
  },
};

function post(app: Express, subject: Subject, key: string, body: object) {
  return supertest(app)
    .post(subject.path)
    .set('Authorization', `Bearer ${subject.token}`)
    .set('Idempotency-Key', key)
    .send(body);
}

describe(`idempotent creates (${inject('databaseUrl') ? 'postgres' : 'pglite'})`, () => {
  describe.each(Object.keys(routes))('%s', (route) => {
    const subject = () => routes[route]!();

    it('when the same key is sent twice, then one row is created and the first answer is replayed', async () => {
      const s = await subject();
      const key = crypto.randomUUID();
      const first = await post(h.app, s, key, s.body);
      expect(first.status, first.text).toBe(201);
      expect(first.get('Idempotent-Replayed')).toBeUndefined();
      const again = await post(h.app, s, key, s.body);
      expect(again.status).toBe(201);
      expect(again.get('Idempotent-Replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.get('Location')).toBe(first.get('Location'));
      expect(await s.count()).toBe(1);
    });

    it('when the same key comes with another request, then 422 idempotency_key_reused', async () => {
      const s = await subject();
      const key = crypto.randomUUID();
      expect((await post(h.app, s, key, s.body)).status).toBe(201);
      const other = await post(h.app, s, key, s.other);
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
      expect(await s.count()).toBe(1);
    });

    it('when requests with the same key arrive at once, then one row is created and all get its answer', async () => {
      const s = await subject();
      const key = crypto.randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => post(h.app, s, key, s.body)),
      );
      for (const answer of answers) {
        expect(answer.status, answer.text).toBe(201);
        expect(answer.body).toEqual(answers[0]!.body);
      }
      expect(answers.filter((a) => a.get('Idempotent-Replayed') === 'true')).toHaveLength(3);
      expect(await s.count()).toBe(1);
    });

    it('when a create is refused, then the same key replays the refusal', async () => {
      const s = await subject();
      const key = crypto.randomUUID();
      const first = await post(h.app, s, key, s.refused);
      expect(first.status).toBe(422);
      const again = await post(h.app, s, key, s.refused);
      expect(again.status).toBe(422);
      expect(again.type).toBe('application/problem+json');
      expect(again.get('Idempotent-Replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await s.count()).toBe(0);
    });
  });

  it('when a key is empty or over 200 characters, then 400 and nothing is created', async () => {
    const s = await routes['POST /v1/providers']!();
    expect((await post(h.app, s, '', s.body)).status).toBe(400);
    expect((await post(h.app, s, 'k'.repeat(201), s.body)).status).toBe(400);
    expect(await s.count()).toBe(0);
  });

  it('when a create that shows a secret is kept for replay, then the stored answer does not hold the secret', async () => {
    for (const route of [
      'POST /v1/principals',
      'POST /v1/principals/:id/rotate',
      'POST /v1/workflows/:id/consent-requests',
    ]) {
      const s = await routes[route]!();
      const key = crypto.randomUUID();
      const first = await post(h.app, s, key, s.body);
      const secret = String(
        (first.body as { token?: string; url?: string }).token ??
          (first.body as { url: string }).url.split('/consent/')[1],
      );
      expect(secret.length, route).toBeGreaterThan(20);
      const stored = (await h.db('idempotency_keys').where({ key }).first()) as { body: unknown };
      expect(JSON.stringify(stored.body), route).not.toContain(secret);
      // The caller that sent it, with the same token, still gets the secret again.
      expect((await post(h.app, s, key, s.body)).body, route).toEqual(first.body);
    }
  });

  it('when the same key is used by two principals, then each gets its own answer', async () => {
    const s = await routes['POST /v1/transitions']!();
    const team = await createPartnerTeam(h.app, h.adminToken);
    const key = crypto.randomUUID();
    expect((await post(h.app, s, key, s.body)).status).toBe(201);
    const theirs = await post(h.app, { ...s, token: team.manager }, key, {
      partnerId: team.partnerId,
      tenantStrategy: 'new_tenant',
    });
    expect(theirs.status).toBe(201);
    expect(theirs.get('Idempotent-Replayed')).toBeUndefined();
  });
});
