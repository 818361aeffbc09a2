import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { ensureAdmin } from '../src/auth/bootstrap.ts';
import { hashToken } from '../src/auth/tokens.ts';
import { createLogger } from '../src/logger.ts';
import { buildCustomer, buildPartner, buildProvider, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { testSecrets } from './secrets.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('principals', () => {
  it('when an admin creates a principal, then its token is shown once and only its hash is stored', async () => {
    const partner = await as(h.app, h.adminToken).post('/v1/partners', buildPartner());
    const res = await as(h.app, h.adminToken).post('/v1/principals', {
      name: 'Mia Manager',
      role: 'manager',
      partnerId: (partner.body as { id: string }).id,
    });
    expect(res.status).toBe(201);
    const { id, token } = res.body as { id: string; token: string };
    expect(res.body).toMatchObject({ name: 'Mia Manager', role: 'manager', providerId: null });
    const stored = (await h.db('principals').where({ id }).first()) as Record<string, unknown>;
    const tokens = (await h.db('principal_tokens').where({ principal_id: id })) as unknown[];
    expect(JSON.stringify([stored, tokens])).not.toContain(token);
    expect(tokens).toMatchObject([{ token_hash: hashToken(token) }]);
    expect((await as(h.app, token).get('/v1/workflows')).status).toBe(200);
  });

  it('when the scope does not fit the role, then 422 names the field', async () => {
    const admin = as(h.app, h.adminToken);
    const noPartner = await admin.post('/v1/principals', { name: 'x', role: 'global_admin' });
    expect(noPartner.status).toBe(422);
    expect(noPartner.body).toMatchObject({ errors: [{ path: 'partnerId' }] });
    const unknownProvider = await admin.post('/v1/principals', {
      name: 'x',
      role: 'provider',
      providerId: 'prv_nope',
    });
    expect(unknownProvider.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'providerId', message: 'no such provider' }],
    });
    const customer = await admin.post('/v1/principals', { name: 'x', role: 'customer' });
    expect(customer.status).toBe(422);
  });

  it('when a non-admin creates a principal, then 403', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    expect(
      (await as(h.app, team.globalAdmin).post('/v1/principals', { name: 'x', role: 'auditor' }))
        .status,
    ).toBe(403);
  });

  it('when ADMIN_TOKEN is given, then it is registered once; without it a first admin is generated only once', async () => {
    const token = `given-${crypto.randomUUID()}`;
    expect(await ensureAdmin(h.db, token, h.clock.now())).toEqual({});
    expect(await ensureAdmin(h.db, token, h.clock.now())).toEqual({});
    expect(
      await h
        .db('principal_tokens')
        .where({ token_hash: hashToken(token) })
        .count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
    expect((await as(h.app, token).get('/v1/machines')).status).toBe(200);
    // An admin exists already, so nothing is generated.
    expect(await ensureAdmin(h.db, undefined, h.clock.now())).toEqual({});
  });
});

describe('providers and partners', () => {
  it('when a provider is registered, then anyone signed in can read it and its PartnerID is unique', async () => {
    const body = buildProvider({ region: 'de' });
    const created = await as(h.app, h.adminToken).post('/v1/providers', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ region: 'DE', mpnId: body.mpnId });
    const team = await createPartnerTeam(h.app, h.adminToken);
    const read = await as(h.app, team.manager).get(
      `/v1/providers/${(created.body as { id: string }).id}`,
    );
    expect(read.body).toEqual(created.body);
    expect((await as(h.app, h.adminToken).post('/v1/providers', body)).status).toBe(409);
  });

  it('when an admin corrects a partner, then the change is kept and its people see it; others do not', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const patched = await as(h.app, h.adminToken).patch(`/v1/partners/${team.partnerId}`, {
      cspRegion: 'at',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ cspRegion: 'AT' });
    expect(
      (await as(h.app, team.manager).get(`/v1/partners/${team.partnerId}`)).body,
    ).toMatchObject({ cspRegion: 'AT' });
    expect(
      (await as(h.app, team.manager).patch(`/v1/partners/${team.partnerId}`, { name: 'x' })).status,
    ).toBe(403);
    const listed = await as(h.app, team.manager).get('/v1/partners');
    expect((listed.body as { items: Array<{ id: string }> }).items.map((p) => p.id)).toEqual([
      team.partnerId,
    ]);
    expect(
      (await as(h.app, h.adminToken).patch('/v1/partners/ptn_nope', { name: 'x' })).status,
    ).toBe(404);
  });

  it('when a partner is given the PartnerID of another, then 409 already_exists and it keeps its own', async () => {
    const taken = buildPartner();
    await as(h.app, h.adminToken).post('/v1/partners', taken);
    const team = await createPartnerTeam(h.app, h.adminToken);
    const res = await as(h.app, h.adminToken).patch(`/v1/partners/${team.partnerId}`, {
      mpnId: taken.mpnId,
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'already_exists' });
    const kept = await as(h.app, h.adminToken).get(`/v1/partners/${team.partnerId}`);
    expect((kept.body as { mpnId: string }).mpnId).not.toBe(taken.mpnId);
  });
});

describe('customer import', () => {
  it('when one customer or many are imported, then they are stored in request order with their subscriptions', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const url = `/v1/partners/${team.partnerId}/customers`;
    const single = buildCustomer({ mcaAcceptance: 'admin_center' });
    const one = await as(h.app, team.manager).post(url, single);
    expect(one.status).toBe(201);
    expect((one.body as { items: unknown[] }).items).toHaveLength(1);

    const batch = [
      buildCustomer({
        subscriptions: [
          { id: 'base-1', offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 5 },
          {
            id: 'addon-1',
            offer: 'Teams Phone',
            kind: 'nce_license',
            quantity: 5,
            baseSubscriptionId: 'base-1',
            status: 'trial',
            termEndDate: '2027-01-31',
            billingCycle: 'monthly',
          },
        ],
      }),
      buildCustomer({ providerNeedsAdmin: true, subscriptions: [] }),
      buildCustomer({ acquiredAs: 'indirect_reseller' }),
    ];
    const many = await as(h.app, team.globalAdmin).post(url, batch);
    expect(many.status).toBe(201);
    const items = (
      many.body as { items: Array<{ id: string; name: string; subscriptions: unknown[] }> }
    ).items;
    expect(items.map((c) => c.name)).toEqual(batch.map((c) => c.name));
    // What the import leaves out is stored as active, with no known term and no transfer
    // allowance; what it gives comes back as given.
    expect(items[0]!.subscriptions).toEqual([
      {
        id: 'base-1',
        offer: 'Microsoft 365 E3',
        kind: 'nce_license',
        quantity: 5,
        status: 'active',
        transferEligible: false,
      },
      {
        id: 'addon-1',
        offer: 'Teams Phone',
        kind: 'nce_license',
        quantity: 5,
        baseSubscriptionId: 'base-1',
        status: 'trial',
        termEndDate: '2027-01-31',
        billingCycle: 'monthly',
        transferEligible: false,
      },
    ]);
    expect(items[1]).toMatchObject({ providerNeedsAdmin: true });

    const page1 = await as(h.app, team.auditor).get(`${url}?limit=2`);
    const body1 = page1.body as { items: Array<{ name: string }>; nextCursor: string };
    const page2 = await as(h.app, team.auditor).get(`${url}?limit=2&cursor=${body1.nextCursor}`);
    const names = [...body1.items, ...(page2.body as { items: Array<{ name: string }> }).items].map(
      (c) => c.name,
    );
    expect(names).toEqual([single.name, ...batch.map((c) => c.name)]);
  });

  it('when an add-on names a base the customer lacks, then 422 and nothing is stored', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const res = await as(h.app, team.manager).post(`/v1/partners/${team.partnerId}/customers`, [
      buildCustomer(),
      buildCustomer({
        subscriptions: [
          { id: 'a', offer: 'x', kind: 'azure_plan', quantity: 1, baseSubscriptionId: 'zz' },
        ],
      }),
    ]);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ errors: [{ path: '1.subscriptions.0.baseSubscriptionId' }] });
    const listed = await as(h.app, team.manager).get(`/v1/partners/${team.partnerId}/customers`);
    expect((listed.body as { items: unknown[] }).items).toEqual([]);
  });

  it('when another partner or an auditor imports, then 404 or 403', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const other = await createPartnerTeam(h.app, h.adminToken);
    expect(
      (
        await as(h.app, other.manager).post(
          `/v1/partners/${team.partnerId}/customers`,
          buildCustomer(),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await as(h.app, team.auditor).post(
          `/v1/partners/${team.partnerId}/customers`,
          buildCustomer(),
        )
      ).status,
    ).toBe(403);
  });
});

describe('API description', () => {
  it('when the machines are asked for, then states, events, transitions and roles come back', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const res = await as(h.app, team.manager).get('/v1/machines/enrollment');
    expect(res.status).toBe(200);
    const machine = res.body as {
      states: Array<{
        name: string;
        final: boolean;
        states: Array<{ name: string }>;
        transitions: Array<{ event: string; targets: string[] }>;
      }>;
      events: Array<{ type: string; roles: string[] }>;
    };
    expect(machine.states.map((s) => s.name)).toEqual([
      'draft',
      'pendingApproval',
      'rejected',
      'awaitingAgreement',
      'active',
      'withdrawn',
    ]);
    expect(machine.states[1]!.states.map((s) => s.name)).toEqual([
      'pendingApproval.onTime',
      'pendingApproval.overdue',
    ]);
    expect(machine.states[0]!.transitions).toContainEqual({
      event: 'SUBMIT',
      targets: ['pendingApproval'],
    });
    expect(machine.events.find((e) => e.type === 'ACCEPT_AGREEMENT')?.roles).toEqual([
      'global_admin',
    ]);
    const all = await as(h.app, team.manager).get('/v1/machines');
    expect((all.body as { items: Array<{ name: string }> }).items.map((m) => m.name)).toEqual([
      'transition',
      'enrollment',
      'resellerRelationship',
      'mcaReacceptance',
      'subscriptionTransfer',
    ]);
    expect((await as(h.app, team.manager).get('/v1/machines/nope')).status).toBe(404);
  });

  it('when the OpenAPI document is asked for, then it is public and lists every route with its schemas', async () => {
    const res = await supertest(h.app).get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/principals',
        '/v1/providers',
        '/v1/partners',
        '/v1/partners/{id}',
        '/v1/partners/{id}/customers',
        '/v1/transitions',
        '/v1/workflows',
        '/v1/workflows/{id}',
        '/v1/workflows/{id}/events',
        '/v1/workflows/{id}/history',
        '/v1/machines',
        '/v1/machines/{name}',
      ]),
    );
    expect(doc.paths['/v1/partners']!.post!.requestBody).toBeDefined();
    const docs = await supertest(h.app).get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui-bundle.js');
    expect((await supertest(h.app).get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    expect((await supertest(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await supertest(h.app).get('/readyz')).body).toMatchObject({ ready: true });
  });
});

describe('logs', () => {
  it('when requests carry tokens and principals are created, then no token reaches the log', async () => {
    const lines: string[] = [];
    const sink = { write: (line: string) => void lines.push(line) };
    const app = createApp({
      db: h.db,
      engine: h.engine,
      logger: createLogger('trace', sink),
      secrets: testSecrets(),
      config: {
        BODY_LIMIT_BYTES: 1024 * 1024,
        RATE_LIMIT_PER_MIN: 100_000,
        PUBLIC_URL: 'http://127.0.0.1:3000',
      },
    });
    const created = await as(app, h.adminToken).post('/v1/principals', {
      name: 'Audra',
      role: 'auditor',
    });
    const token = (created.body as { token: string }).token;
    await as(app, token).get('/v1/workflows');
    await as(app, 'ts_wrong-token').get('/v1/workflows');
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(h.adminToken);
    expect(log).not.toContain(token);
    expect(log).not.toContain('ts_wrong-token');
  });
});
