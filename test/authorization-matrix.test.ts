import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, buildPartner, buildProvider, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';
import { servedRoutes } from './routes.ts';

/**
 * Object-level authorization: every route the app serves, asked by every kind of caller,
 * against partner A's records. The statuses are the contract: 404 where a caller may not
 * know the record exists, 403 where it may know but not act, 401 without a token.
 */
const callers = [
  'manager A',
  'global admin A',
  'manager B',
  'provider A',
  'provider B',
  'auditor',
  'admin',
  'anonymous',
] as const;
type Caller = (typeof callers)[number];
/**
 * A partner's Global admin answers as its managers do, unless the row says otherwise: the
 * two roles part only where the Global admin alone may act.
 */
type Expected = Record<Exclude<Caller, 'global admin A'>, number> &
  Partial<Record<'global admin A', number>>;
const expectedOf = (row: Row, caller: Caller): number =>
  caller === 'global admin A'
    ? (row.expected['global admin A'] ?? row.expected['manager A'])
    : row.expected[caller];

let h: Harness;
let a: Move;
const tokens = {} as Record<Exclude<Caller, 'anonymous'>, string>;
const ids = {
  partnerA: '',
  providerA: '',
  transitionA: '',
  relationshipA: '',
  consentPath: '',
  /** A second link of the relationship, for the route that revokes one. */
  spareLinkId: '',
  /** Principals for the routes that revoke one and rotate one's token. */
  revokedPrincipal: '',
  rotatedPrincipal: '',
  /** Partner A's webhooks: one to read and change, one to delete, and a delivery of the first. */
  webhookA: '',
  spareWebhookA: '',
  deliveryA: '',
};
/** A digest of partner A, as an auditor saved it, to be checked again. */
let digestA: unknown;

beforeAll(async () => {
  h = await startHarness();
  a = await Move.start(h.app, h.adminToken);
  const [customer] = await a.importCustomers([buildCustomer()]);
  await a.toMigrating();
  const relationship = await a.childOf('resellerRelationship', customer!);
  await a.send(a.team.manager, relationship.id, { type: 'USE_EXTENSION' });
  const link = await as(h.app, a.team.manager).post(
    `/v1/workflows/${relationship.id}/consent-requests`,
    {},
  );
  expect(link.status).toBe(201);
  const spare = await as(h.app, a.team.manager).post(
    `/v1/workflows/${relationship.id}/consent-requests`,
    {},
  );
  expect(spare.status).toBe(201);
  const b = await createPartnerTeam(h.app, h.adminToken);
  Object.assign(tokens, {
    'manager A': a.team.manager,
    'global admin A': a.team.globalAdmin,
    'manager B': b.manager,
    'provider A': a.provider.token,
    'provider B': (await Move.provider(h.app, h.adminToken, 'DE')).token,
    auditor: a.team.auditor,
    admin: h.adminToken,
  });
  digestA = (await as(h.app, h.adminToken).get(`/v1/audit/digest?partnerId=${a.team.partnerId}`))
    .body as unknown;
  Object.assign(ids, {
    partnerA: a.team.partnerId,
    providerA: a.provider.id,
    transitionA: a.transitionId,
    relationshipA: relationship.id,
    consentPath: new URL((link.body as { url: string }).url).pathname,
    spareLinkId: (spare.body as { id: string }).id,
  });
  for (const which of ['revokedPrincipal', 'rotatedPrincipal'] as const) {
    const created = await as(h.app, h.adminToken).post('/v1/principals', {
      name: which,
      role: 'auditor',
    });
    ids[which] = (created.body as { id: string }).id;
  }
  for (const which of ['webhookA', 'spareWebhookA'] as const) {
    const created = await as(h.app, a.team.manager).post('/v1/webhooks', {
      url: 'https://93.184.216.34/hook',
      events: ['workflow.state_changed'],
    });
    expect(created.status).toBe(201);
    ids[which] = (created.body as { id: string }).id;
  }
  ids.deliveryA = 'msg_matrix_delivery';
  const at = new Date();
  await h.db('outbox').insert({
    id: ids.deliveryA,
    kind: 'webhook.delivery',
    payload: JSON.stringify({ body: '{}' }),
    status: 'failed',
    next_attempt_at: at,
    give_up_at: at,
    created_at: at,
    finished_at: at,
    subscription_id: ids.webhookA,
    event_id: 'evt_matrix',
    event_type: 'workflow.state_changed',
  });
});
afterAll(async () => h.close());

/** Same answer for everyone: public routes. */
const everyone = (status: number): Expected =>
  Object.fromEntries(
    callers.filter((c) => c !== 'global admin A').map((c) => [c, status]),
  ) as Expected;
/** Any signed-in caller gets `status`; without a token 401. */
const signedIn = (status: number): Expected => ({ ...everyone(status), anonymous: 401 });
/** Admin only; everyone else signed in 403. */
const adminOnly = (status: number): Expected => ({ ...signedIn(403), admin: status });
const auditors = (status: number): Expected => ({
  ...signedIn(403),
  auditor: status,
  admin: status,
});
/** Partner A's workflow as its readers see it. */
const readersOfA = (status: number): Expected => ({
  'manager A': status,
  'manager B': 404,
  'provider A': status,
  'provider B': 404,
  auditor: status,
  admin: status,
  anonymous: 401,
});

/** Partner A's Partner Center credentials: hidden where partner A is, refused where it is not. */
const connectionOfPartnerA = (status: number): Expected => ({
  'manager A': status,
  'manager B': 404,
  'provider A': 404,
  'provider B': 404,
  auditor: status,
  admin: status,
  anonymous: 401,
});
const matrixCredentials = {
  tenantId: '2f0c1a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  clientId: '7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d',
  clientSecret: 'matrix-client-secret',
  refreshToken: 'matrix-refresh-token',
};

/** A webhook of partner A: its people and admins reach it, an auditor reads but may not write. */
const webhookOfA = (status: number): Expected => ({
  'manager A': status,
  'manager B': 404,
  'provider A': 404,
  'provider B': 404,
  auditor: 403,
  admin: status,
  anonymous: 401,
});

interface Row {
  path: () => string;
  body?: () => unknown;
  /** Sent as a form, as the consent page posts. */
  form?: Record<string, string>;
  expected: Expected;
}

const matrix: Record<string, Row> = {
  'GET /healthz': { path: () => '/healthz', expected: everyone(200) },
  'GET /readyz': { path: () => '/readyz', expected: everyone(200) },
  'GET /openapi.json': { path: () => '/openapi.json', expected: everyone(200) },
  'GET /docs': { path: () => '/docs', expected: everyone(200) },
  'GET /docs/init.js': { path: () => '/docs/init.js', expected: everyone(200) },
  'GET /metrics': { path: () => '/metrics', expected: auditors(200) },
  // The console's page and files hold nothing of anyone's: its data comes through /v1.
  'GET /': { path: () => '/', expected: everyone(302) },
  'GET /console': { path: () => '/console', expected: everyone(200) },
  'GET /console/app.js': { path: () => '/console/app.js', expected: everyone(200) },
  'GET /console/console.css': { path: () => '/console/console.css', expected: everyone(200) },
  'GET /console/diagrams/:name.json': {
    path: () => '/console/diagrams/enrollment.json',
    expected: everyone(200),
  },
  // The link's token is the credential: a bearer token neither helps nor hurts.
  'GET /consent/:token': { path: () => ids.consentPath, expected: everyone(200) },
  'POST /consent/:token': {
    path: () => '/consent/not-a-link-token-at-all-0000000000000000000',
    form: { decision: 'consent', name: 'Someone', email: 'someone@fabrikam.example' },
    expected: everyone(404),
  },
  // Partner Center's signature is the credential: without it, nobody's token gets in.
  'POST /partner-center/webhooks': {
    path: () => '/partner-center/webhooks',
    body: () => ({ EventName: 'complete-transfer', ResourceUri: '/v1/customers/x/transfers/y' }),
    expected: everyone(401),
  },
  'POST /v1/principals': {
    path: () => '/v1/principals',
    body: () => ({ name: 'an auditor', role: 'auditor' }),
    expected: adminOnly(201),
  },
  'GET /v1/me': { path: () => '/v1/me', expected: signedIn(200) },
  'GET /v1/principals': { path: () => '/v1/principals', expected: adminOnly(200) },
  // Revoking twice changes nothing the second time, so the admin gets 200 each time.
  'POST /v1/principals/:id/revoke': {
    path: () => `/v1/principals/${ids.revokedPrincipal}/revoke`,
    body: () => ({ reason: 'left the company' }),
    expected: adminOnly(200),
  },
  'POST /v1/principals/:id/rotate': {
    path: () => `/v1/principals/${ids.rotatedPrincipal}/rotate`,
    body: () => ({ overlapSeconds: 60 }),
    expected: adminOnly(201),
  },
  'POST /v1/providers': {
    path: () => '/v1/providers',
    body: () => buildProvider(),
    expected: adminOnly(201),
  },
  'GET /v1/providers': { path: () => '/v1/providers', expected: signedIn(200) },
  'GET /v1/providers/:id': {
    path: () => `/v1/providers/${ids.providerA}`,
    expected: signedIn(200),
  },
  'POST /v1/partners': {
    path: () => '/v1/partners',
    body: () => buildPartner(),
    expected: adminOnly(201),
  },
  'GET /v1/partners': { path: () => '/v1/partners', expected: signedIn(200) },
  'GET /v1/partners/:id': {
    path: () => `/v1/partners/${ids.partnerA}`,
    expected: { ...readersOfA(200), 'provider A': 404 },
  },
  'PATCH /v1/partners/:id': {
    path: () => `/v1/partners/${ids.partnerA}`,
    body: () => ({ name: 'Contoso IT (renamed)' }),
    expected: adminOnly(200),
  },
  'POST /v1/partners/:id/customers': {
    path: () => `/v1/partners/${ids.partnerA}/customers`,
    body: () => [buildCustomer()],
    expected: {
      'manager A': 201,
      'manager B': 404,
      'provider A': 404,
      'provider B': 404,
      auditor: 403,
      admin: 403,
      anonymous: 401,
    },
  },
  'GET /v1/partners/:id/customers': {
    path: () => `/v1/partners/${ids.partnerA}/customers`,
    expected: { ...readersOfA(200), 'provider A': 404 },
  },
  'POST /v1/transitions': {
    path: () => '/v1/transitions',
    body: () => ({ partnerId: ids.partnerA, tenantStrategy: 'new_tenant' }),
    // Partner A's own people reach the rule that it has one open transition already.
    expected: {
      'manager A': 409,
      'manager B': 404,
      'provider A': 404,
      'provider B': 404,
      auditor: 403,
      admin: 403,
      anonymous: 401,
    },
  },
  // Everyone may list; each sees the transitions of its own scope (none for some).
  'GET /v1/transitions': { path: () => '/v1/transitions', expected: signedIn(200) },
  'GET /v1/workflows': { path: () => '/v1/workflows', expected: signedIn(200) },
  // Only the chosen provider reads it: provider A is the one chosen here.
  'GET /v1/transitions/:id/preflight': {
    path: () => `/v1/transitions/${ids.transitionA}/preflight`,
    expected: readersOfA(200),
  },
  // Whoever reads the transition reads which of its steps Partner Center takes.
  'GET /v1/transitions/:id/partner-center': {
    path: () => `/v1/transitions/${ids.transitionA}/partner-center`,
    expected: readersOfA(200),
  },
  'GET /v1/workflows/:id/customers': {
    path: () => `/v1/workflows/${ids.transitionA}/customers`,
    expected: readersOfA(200),
  },
  'GET /v1/workflows/:id': {
    path: () => `/v1/workflows/${ids.transitionA}`,
    expected: readersOfA(200),
  },
  'POST /v1/workflows/:id/events': {
    path: () => `/v1/workflows/${ids.transitionA}/events`,
    body: () => ({ type: 'INCENTIVES_INVITATION_RECEIVED' }),
    expected: { ...readersOfA(403), 'manager A': 200 },
  },
  // Authorized up front by the event's roles; what each caller then reaches is its scope (a
  // state no workflow is in keeps the other rows' workflows as they are).
  'POST /v1/workflows/events\\:batch': {
    path: () => '/v1/workflows/events:batch',
    body: () => ({
      filter: { machine: 'transition', partnerId: ids.partnerA, state: 'completed' },
      event: { type: 'INCENTIVES_INVITATION_RECEIVED' },
    }),
    expected: { ...signedIn(403), 'manager A': 200, 'manager B': 200 },
  },
  'GET /v1/workflows/:id/timers': {
    path: () => `/v1/workflows/${ids.transitionA}/timers`,
    expected: readersOfA(200),
  },
  'GET /v1/workflows/:id/history': {
    path: () => `/v1/workflows/${ids.transitionA}/history`,
    expected: readersOfA(200),
  },
  'GET /v1/workflows/:id/history/:seq/state': {
    path: () => `/v1/workflows/${ids.transitionA}/history/1/state`,
    expected: readersOfA(200),
  },
  'GET /v1/workflows/:id/history/verify': {
    path: () => `/v1/workflows/${ids.transitionA}/history/verify`,
    expected: { ...readersOfA(403), auditor: 200, admin: 200 },
  },
  'POST /v1/workflows/:id/consent-requests': {
    path: () => `/v1/workflows/${ids.relationshipA}/consent-requests`,
    body: () => ({}),
    expected: { ...readersOfA(403), 'manager A': 201 },
  },
  'GET /v1/workflows/:id/consent-requests': {
    path: () => `/v1/workflows/${ids.relationshipA}/consent-requests`,
    expected: { ...readersOfA(200), 'provider A': 403 },
  },
  // Revoking twice changes nothing the second time, so every allowed caller gets 200.
  'DELETE /v1/workflows/:id/consent-requests/:requestId': {
    path: () => `/v1/workflows/${ids.relationshipA}/consent-requests/${ids.spareLinkId}`,
    body: () => ({ reason: 'sent to the wrong person' }),
    expected: { ...readersOfA(403), 'manager A': 200 },
  },
  'GET /v1/audit/digest': { path: () => '/v1/audit/digest', expected: auditors(200) },
  'POST /v1/audit/digest/verify': {
    path: () => '/v1/audit/digest/verify',
    body: () => digestA,
    expected: auditors(200),
  },
  'GET /v1/audit/events': {
    path: () => `/v1/audit/events?partnerId=${ids.partnerA}`,
    expected: { ...auditors(200), 'manager A': 200, 'manager B': 404 },
  },
  'GET /v1/consents': {
    path: () => '/v1/consents',
    expected: {
      ...auditors(200),
      'manager A': 200,
      'manager B': 200,
      'provider A': 404,
      'provider B': 404,
    },
  },
  'GET /v1/consent-statements/:version': {
    path: () => '/v1/consent-statements/rre-consent-v1',
    expected: signedIn(200),
  },
  'GET /v1/machines': { path: () => '/v1/machines', expected: signedIn(200) },
  'GET /v1/timers': { path: () => '/v1/timers?status=failed', expected: auditors(200) },
  // No such timer: the admin reaches the lookup, everyone else is stopped before it.
  'POST /v1/timers/:id/retry': {
    path: () => '/v1/timers/tmr_unknown/retry',
    expected: { ...signedIn(403), admin: 404 },
  },
  'GET /v1/machines/:name': { path: () => '/v1/machines/transition', expected: signedIn(200) },
  'POST /v1/webhooks': {
    path: () => '/v1/webhooks',
    body: () => ({ url: 'https://93.184.216.34/hook', events: ['transfer.request_needed'] }),
    expected: { ...signedIn(201), auditor: 403 },
  },
  // Each caller lists its own scope's.
  'GET /v1/webhooks': { path: () => '/v1/webhooks', expected: signedIn(200) },
  'GET /v1/webhooks/:id': {
    path: () => `/v1/webhooks/${ids.webhookA}`,
    expected: { ...webhookOfA(200), auditor: 200 },
  },
  'PATCH /v1/webhooks/:id': {
    path: () => `/v1/webhooks/${ids.webhookA}`,
    body: () => ({ description: 'reviewed' }),
    expected: webhookOfA(200),
  },
  // Deleted by the first caller allowed to; those after it find nothing.
  'DELETE /v1/webhooks/:id': {
    path: () => `/v1/webhooks/${ids.spareWebhookA}`,
    expected: { ...webhookOfA(404), 'manager A': 204, 'global admin A': 404 },
  },
  // Registered first by partner A's Global admin, replaced by the admin after it; its
  // managers and auditors know the partner but may not touch its credentials.
  'PUT /v1/partners/:id/partner-center-connection': {
    path: () => `/v1/partners/${ids.partnerA}/partner-center-connection`,
    body: () => matrixCredentials,
    expected: { ...connectionOfPartnerA(403), 'global admin A': 201, admin: 200 },
  },
  'GET /v1/partners/:id/partner-center-connection': {
    path: () => `/v1/partners/${ids.partnerA}/partner-center-connection`,
    expected: { ...connectionOfPartnerA(403), 'global admin A': 200, admin: 200 },
  },
  'DELETE /v1/partners/:id/partner-center-connection': {
    path: () => `/v1/partners/${ids.partnerA}/partner-center-connection`,
    expected: { ...connectionOfPartnerA(403), 'global admin A': 204, admin: 404 },
  },
  // Providers are a public directory: the others learn it exists, and are refused.
  'PUT /v1/providers/:id/partner-center-connection': {
    path: () => `/v1/providers/${ids.providerA}/partner-center-connection`,
    body: () => matrixCredentials,
    expected: { ...signedIn(403), 'provider A': 201, admin: 200 },
  },
  'GET /v1/providers/:id/partner-center-connection': {
    path: () => `/v1/providers/${ids.providerA}/partner-center-connection`,
    expected: { ...signedIn(403), 'provider A': 200, admin: 200 },
  },
  'DELETE /v1/providers/:id/partner-center-connection': {
    path: () => `/v1/providers/${ids.providerA}/partner-center-connection`,
    expected: { ...signedIn(403), 'provider A': 204, admin: 404 },
  },
  'POST /v1/webhooks/:id/rotate': {
    path: () => `/v1/webhooks/${ids.webhookA}/rotate`,
    body: () => ({ overlapSeconds: 0 }),
    expected: webhookOfA(201),
  },
  'GET /v1/webhooks/:id/deliveries': {
    path: () => `/v1/webhooks/${ids.webhookA}/deliveries`,
    expected: { ...webhookOfA(200), auditor: 200 },
  },
  'POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver': {
    path: () => `/v1/webhooks/${ids.webhookA}/deliveries/${ids.deliveryA}/redeliver`,
    expected: webhookOfA(202),
  },
};

/** POST routes that change nothing: checks an auditor may run. */
const readOnlyPosts = new Set(['POST /v1/audit/digest/verify', 'POST /consent/:token']);

async function ask(route: string, row: Row, caller: Caller): Promise<number> {
  const [method] = route.split(' ') as [string];
  const agent = supertest(h.app);
  const path = row.path();
  let req =
    method === 'GET'
      ? agent.get(path)
      : method === 'PATCH'
        ? agent.patch(path).send(row.body?.() as object)
        : method === 'PUT'
          ? agent.put(path).send(row.body?.() as object)
          : method === 'DELETE'
            ? agent.delete(path).send(row.body?.() as object)
            : row.form
              ? agent.post(path).type('form').send(row.form)
              : agent.post(path).send(row.body?.() as object);
  if (caller !== 'anonymous') req = req.set('Authorization', `Bearer ${tokens[caller]}`);
  const res = await req;
  if (res.status >= 400) expect(res.type, `${route} as ${caller}`).toMatch(/problem\+json|html/);
  return res.status;
}

describe('authorization: every route × every caller', () => {
  it('when a route is served, then it has a row in the matrix, and every row is a served route', () => {
    expect(Object.keys(matrix).sort()).toEqual(servedRoutes(h.app));
  });

  it('when an auditor calls any route that writes, then it is refused', () => {
    const writes = Object.entries(matrix).filter(
      ([route, row]) =>
        !route.startsWith('GET ') && !readOnlyPosts.has(route) && row.expected.auditor !== 401,
    );
    expect(writes.length).toBeGreaterThan(5);
    for (const [route, row] of writes) {
      expect([403, 404], route).toContain(row.expected.auditor);
    }
  });

  it.each(Object.keys(matrix))('%s answers each caller as the matrix says', async (route) => {
    const row = matrix[route]!;
    const actual = {} as Record<Caller, number>;
    const expected = {} as Record<Caller, number>;
    for (const caller of callers) {
      actual[caller] = await ask(route, row, caller);
      expected[caller] = expectedOf(row, caller);
    }
    expect(actual).toEqual(expected);
  });
});
