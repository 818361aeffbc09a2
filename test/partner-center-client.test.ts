import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import {
  createHttpPartnerCenter,
  partnerCenterFromConfig,
  type HttpPartnerCenterOptions,
} from '../src/partner-center/http-client.ts';
import {
  PartnerCenterError,
  type CallIds,
  type PartnerCenterCredentials,
} from '../src/partner-center/partner-center.ts';
import { backoffDelay, parseRetryAfter } from '../src/partner-center/retry-policy.ts';

/** A request as the fake Microsoft received it. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (request: Seen, index: number) => Reply | 'hang';

/**
 * Entra, Partner Center and Graph on one loopback server: every request is recorded, and
 * answered by the test's handlers (each told how many of its kind came before).
 */
class FakeMicrosoft {
  readonly seen: Seen[] = [];
  tokenHandler: Handler = () => ({ status: 500 });
  apiHandler: Handler = () => ({ status: 500 });
  readonly #server: http.Server;
  readonly #hanging = new Set<express.Response>();

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeMicrosoft> {
    const app = express();
    app.use(express.text({ type: () => true }));
    const holder: { fake?: FakeMicrosoft } = {};
    app.use((req, res) => {
      const fake = holder.fake!;
      const seen: Seen = {
        method: req.method,
        path: req.originalUrl,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
        ),
        body: typeof req.body === 'string' ? req.body : '',
      };
      fake.seen.push(seen);
      const isToken = /\/oauth2\/v2\.0\/token$/.test(req.path);
      const handler = isToken ? fake.tokenHandler : fake.apiHandler;
      const index = (isToken ? fake.tokens() : fake.calls()).length - 1;
      const reply = handler(seen, index);
      if (reply === 'hang') {
        fake.#hanging.add(res);
        return;
      }
      res.status(reply.status).set(reply.headers ?? {});
      if (reply.body === undefined) res.end();
      else res.type('application/json').send(JSON.stringify(reply.body));
    });
    const server = await new Promise<http.Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    holder.fake = new FakeMicrosoft(server);
    return holder.fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  tokens(): Seen[] {
    return this.seen.filter((s) => s.path.endsWith('/oauth2/v2.0/token'));
  }

  calls(): Seen[] {
    return this.seen.filter((s) => !s.path.endsWith('/oauth2/v2.0/token'));
  }

  reset(): void {
    this.seen.length = 0;
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
  }

  async close(): Promise<void> {
    this.reset();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

const partner: PartnerCenterCredentials = {
  tenantId: '11111111-2222-4333-8444-555555555555',
  clientId: '66666666-7777-4888-9999-000000000000',
  clientSecret: 'client-secret-Zq8~never-shown',
  refreshToken: '0.refresh-token-AVYA-never-shown-Xk2',
};
const customer = '9c1b6f3e-2d4a-4e8b-9f00-1234567890ab';
let counter = 0;
const ids = (): CallIds => {
  counter += 1;
  return { requestId: `req-${counter}`, correlationId: `corr-${counter}` };
};

let ms: FakeMicrosoft;
let slept: number[];
let warnings: Array<{ fields: unknown; message: string }>;

function client(options: HttpPartnerCenterOptions = {}) {
  return createHttpPartnerCenter({
    baseUrl: ms.url,
    graphUrl: `${ms.url}/graph/v1.0`,
    authority: `${ms.url}/login`,
    timeoutMs: 2000,
    maxAttempts: 5,
    maxRetryAfterMs: 30_000,
    random: () => 0.5,
    sleep: (delay) => {
      slept.push(delay);
      return Promise.resolve();
    },
    logger: {
      warn: ((fields: unknown, message: string) => warnings.push({ fields, message })) as never,
    },
    ...options,
  });
}

async function refusal(promise: Promise<unknown>): Promise<PartnerCenterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PartnerCenterError);
  return error as PartnerCenterError;
}

const transfer = {
  id: 'c7c5f5b0-3f5d-4c7b-9a58-6e3c1f6f1a11',
  status: 'Active',
  transferType: 3,
  customerTenantId: customer,
  customerEmailId: 'it@fabrikam.example',
  sourcePartnerTenantId: partner.tenantId,
  sourcePartnerName: 'Contoso IT',
  targetPartnerTenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  partnerOnRecord: '4512345',
  createdTime: '2026-11-20T10:00:00Z',
  lastModifiedTime: '2026-11-20T10:00:00Z',
  expirationTime: '2026-12-20T10:00:00Z',
  lineItems: [],
};

beforeAll(async () => {
  ms = await FakeMicrosoft.start();
});
afterAll(async () => ms.close());
beforeEach(() => {
  ms.reset();
  ms.tokenHandler = () => ({
    status: 200,
    body: { token_type: 'Bearer', expires_in: 3600, access_token: `token-${ms.tokens().length}` },
  });
  ms.apiHandler = () => ({ status: 200, body: transfer });
  slept = [];
  warnings = [];
});

describe('tokens', () => {
  it('when a call is made, then the refresh token is exchanged for an App+User token on the tenant’s v2.0 endpoint', async () => {
    const pc = client();
    const answer = await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(answer.body).toEqual(transfer);

    const [tokenRequest] = ms.tokens();
    expect(tokenRequest).toMatchObject({
      method: 'POST',
      path: `/login/${partner.tenantId}/oauth2/v2.0/token`,
    });
    expect(tokenRequest!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest!.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: partner.clientId,
      client_secret: partner.clientSecret,
      refresh_token: partner.refreshToken,
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
    });
    expect(ms.calls()[0]!.headers.authorization).toBe('Bearer token-1');
  });

  it('when many calls are made, one after another and at once, then one token serves them all', async () => {
    const pc = client();
    for (let i = 0; i < 3; i++) await pc.getTransfer(partner, customer, transfer.id, ids());
    await Promise.all(
      Array.from({ length: 10 }, () => pc.getTransfer(partner, customer, transfer.id, ids())),
    );
    expect(ms.tokens()).toHaveLength(1);
    expect(ms.calls()).toHaveLength(13);
    expect(new Set(ms.calls().map((c) => c.headers.authorization))).toEqual(
      new Set(['Bearer token-1']),
    );
  });

  it('when calls start at once before any token exists, then they wait for one token request', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pc = client({
      fetch: async (input, init) => {
        if (typeof input === 'string' && input.includes('/oauth2/')) await gate;
        return fetch(input, init);
      },
    });
    const calls = Array.from({ length: 8 }, () =>
      pc.getTransfer(partner, customer, transfer.id, ids()),
    );
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all(calls);
    expect(ms.tokens()).toHaveLength(1);
    expect(ms.calls()).toHaveLength(8);
  });

  it('when Graph is called, then its token is asked for Graph’s scope, apart from Partner Center’s', async () => {
    const pc = client();
    ms.apiHandler = () => ({ status: 200, body: { id: 'rel-1', status: 'created' } });
    await pc.getTransfer(partner, customer, transfer.id, ids());
    await pc.getGdapRelationship(partner, 'rel-1', ids());
    await pc.getGdapRelationship(partner, 'rel-1', ids());
    const scopes = ms.tokens().map((t) => new URLSearchParams(t.body).get('scope'));
    expect(scopes).toEqual([
      'https://api.partnercenter.microsoft.com/user_impersonation',
      'https://graph.microsoft.com/.default',
    ]);
    expect(ms.calls()[1]!.path).toBe(
      '/graph/v1.0/tenantRelationships/delegatedAdminRelationships/rel-1',
    );
  });

  it('when a token nears its expiry, then the next call gets a new one', async () => {
    let clock = Date.parse('2026-11-20T10:00:00Z');
    const pc = client({ now: () => clock });
    await pc.getTransfer(partner, customer, transfer.id, ids());
    clock += 50 * 60 * 1000;
    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(ms.tokens()).toHaveLength(1);
    // An hour's token is renewed five minutes before it ends.
    clock += 6 * 60 * 1000;
    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(ms.tokens()).toHaveLength(2);
    expect(ms.calls()[2]!.headers.authorization).toBe('Bearer token-2');
  });

  it('when Partner Center answers 401, then the token is dropped and the call made once more with a fresh one', async () => {
    const pc = client();
    ms.apiHandler = (seen) =>
      seen.headers.authorization === 'Bearer token-1'
        ? { status: 401, body: { code: 401, description: 'token revoked' } }
        : { status: 200, body: transfer };
    const call = ids();
    const answer = await pc.getTransfer(partner, customer, transfer.id, call);
    expect(answer.body.id).toBe(transfer.id);
    expect(ms.tokens()).toHaveLength(2);
    expect(ms.calls().map((c) => c.headers['ms-requestid'])).toEqual([
      call.requestId,
      call.requestId,
    ]);
    // The fresh token stays for the next calls.
    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(ms.tokens()).toHaveLength(2);
  });

  it('when the fresh token is refused too, then the call fails as unauthorized after one renewal', async () => {
    const pc = client();
    ms.apiHandler = () => ({
      status: 401,
      body: { code: 900001, description: 'The user lacks the Admin agent role.' },
    });
    const error = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(error).toMatchObject({
      problem: 'partner_center_unauthorized',
      status: 401,
      code: '900001',
      retryable: false,
    });
    expect(ms.tokens()).toHaveLength(2);
    expect(ms.calls()).toHaveLength(2);
    expect(slept).toEqual([]);
  });

  it('when Entra refuses the refresh token, then the call fails as unauthorized with Entra’s code, and is not retried', async () => {
    const pc = client();
    ms.tokenHandler = () => ({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description:
          'AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: 1\r\nCorrelation ID: 2',
      },
    });
    const error = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(error).toMatchObject({
      problem: 'partner_center_unauthorized',
      status: 400,
      code: 'invalid_grant',
      description: 'AADSTS700082: The refresh token has expired due to inactivity.',
      retryable: false,
    });
    expect(ms.tokens()).toHaveLength(1);
    expect(ms.calls()).toHaveLength(0);
  });

  it('when calls waiting on one token request see it refused, then each fails under its own ids', async () => {
    const pc = client();
    ms.tokenHandler = () => ({ status: 400, body: { error: 'invalid_grant' } });
    const calls = Array.from({ length: 4 }, () => ids());
    const errors = await Promise.all(
      calls.map((call) => refusal(pc.getTransfer(partner, customer, transfer.id, call))),
    );
    expect(ms.tokens()).toHaveLength(1);
    expect(errors.map((e) => e.ids)).toEqual(calls);
    expect(errors.every((e) => e.problem === 'partner_center_unauthorized')).toBe(true);
  });

  it('when the token endpoint fails for a while, then it is asked again until it answers', async () => {
    const pc = client();
    ms.tokenHandler = (_seen, index) =>
      index < 2
        ? { status: 503, body: { error: 'temporarily_unavailable' } }
        : { status: 200, body: { access_token: 'token-late', expires_in: 3600 } };
    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(ms.tokens()).toHaveLength(3);
    expect(ms.calls()[0]!.headers.authorization).toBe('Bearer token-late');
  });

  it('when Entra hands back a new refresh token, then the client says so', async () => {
    const renewed: string[] = [];
    const pc = client({ onRefreshToken: (_as, token) => renewed.push(token) });
    ms.tokenHandler = () => ({
      status: 200,
      body: { access_token: 'token-x', expires_in: 3600, refresh_token: 'refresh-2' },
    });
    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(renewed).toEqual(['refresh-2']);
  });
});

describe('requests', () => {
  it('when a call is sent, then it carries the bearer token, both ids, the locale, and JSON types', async () => {
    const pc = client();
    const call = ids();
    const newTransfer = {
      sourcePartnerTenantId: partner.tenantId,
      sourcePartnerName: 'Contoso IT',
      customerEmailId: 'it@fabrikam.example',
      targetPartnerTenantId: transfer.targetPartnerTenantId,
      partnerOnRecord: '4512345',
      transferType: 3 as const,
    };
    const answer = await pc.createTransfer(partner, customer, newTransfer, call);
    expect(answer.ids).toEqual(call);
    const [sent] = ms.calls();
    expect(sent).toMatchObject({ method: 'POST', path: `/v1/customers/${customer}/transfers` });
    expect(sent!.headers).toMatchObject({
      authorization: 'Bearer token-1',
      'ms-requestid': call.requestId,
      'ms-correlationid': call.correlationId,
      accept: 'application/json',
      'content-type': 'application/json',
      'x-locale': 'en-US',
    });
    expect(JSON.parse(sent!.body)).toEqual(newTransfer);

    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(ms.calls()[1]!.headers['content-type']).toBeUndefined();
  });

  it('when an id holds characters a path gives meaning to, then they are encoded', async () => {
    const pc = client();
    await pc.getTransfer(partner, 'a/b c', '../x?y#z', ids());
    expect(ms.calls()[0]!.path).toBe('/v1/customers/a%2Fb%20c/transfers/..%2Fx%3Fy%23z');
  });

  it('when each method is called, then it goes where Partner Center’s documentation says, and collections are unwrapped', async () => {
    const pc = client();
    const collection = (items: unknown[]) => ({
      totalCount: items.length,
      items,
      links: {},
      attributes: { objectType: 'Collection' },
    });
    const template = {
      templateId: '117a2a7f-64ad-4b5b-a1e2-00b5b6b2ba1f',
      agreementType: 'MicrosoftCustomerAgreement',
      agreementLink: 'https://aka.ms/customeragreement',
      versionRank: 0,
    };
    ms.apiHandler = (seen) => {
      const path = seen.path;
      if (path === '/v1/agreements?agreementType=MicrosoftCustomerAgreement')
        return { status: 200, body: collection([template]) };
      // "Query new commerce migrations" answers a plain array, not a collection.
      if (path.startsWith('/v1/migrations/newcommerce?'))
        return { status: 200, body: [{ id: 'mig-1' }] };
      if (seen.method === 'GET' && /\/(transfers|agreements\?.*|relationships)$/.test(path))
        return { status: 200, body: collection([{ id: 'one' }, { id: 'two' }]) };
      return { status: 200, body: { echoed: seen.method } };
    };
    const c = `/v1/customers/${customer}`;
    const lineItems = [
      {
        id: 0,
        subscriptionId: 'sub-1',
        quantity: 5,
        billingCycle: 'monthly',
        friendlyName: 'E3',
        partnerIdOnRecord: '4512345',
      },
    ];
    const migration = {
      currentSubscriptionId: 'sub-legacy',
      termDuration: 'P1Y',
      billingCycle: 'monthly',
      purchaseFullTerm: false,
    };
    const agreement = {
      primaryContact: { firstName: 'Ada', lastName: 'Ng', email: 'ada@fabrikam.example' },
      dateAgreed: '2026-11-20',
      templateId: template.templateId,
      type: 'MicrosoftCustomerAgreement' as const,
    };
    const gdapBody = {
      displayName: 'Contoso for Fabrikam',
      duration: 'P730D',
      customer: { tenantId: customer },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: 'role-1' }] },
    };

    expect((await pc.listTransfers(partner, customer, ids())).body).toEqual([
      { id: 'one' },
      { id: 'two' },
    ]);
    await pc.submitTransfer(partner, customer, 'tr-1', lineItems, ids());
    await pc.cancelTransfer(partner, customer, 'tr-1', ids());
    expect((await pc.getMcaTemplate(partner, ids())).body).toEqual(template);
    await pc.createAgreement(partner, customer, agreement, ids());
    expect((await pc.listAgreements(partner, customer, ids())).body).toHaveLength(2);
    await pc.getDirectSignedMcaStatus(partner, customer, ids());
    expect((await pc.listRelationships(partner, customer, ids())).body).toHaveLength(2);
    await pc.validateMigration(partner, customer, migration, ids());
    await pc.createMigration(partner, customer, migration, ids());
    await pc.getMigration(partner, customer, 'mig-1', ids());
    expect((await pc.findMigrations(partner, customer, 'sub legacy', ids())).body).toEqual([
      { id: 'mig-1' },
    ]);
    await pc.createGdapRelationship(partner, gdapBody, ids());
    await pc.lockGdapForApproval(partner, 'rel-1', ids());

    const g = '/graph/v1.0/tenantRelationships/delegatedAdminRelationships';
    const sent = ms
      .calls()
      .map((s): unknown[] => [s.method, s.path, s.body ? (JSON.parse(s.body) as unknown) : null]);
    expect(sent).toEqual([
      ['GET', `${c}/transfers`, null],
      ['PATCH', `${c}/transfers/tr-1`, { id: 'tr-1', lineItems }],
      ['PATCH', `${c}/transfers/tr-1`, { id: 'tr-1', status: 'Cancel' }],
      ['GET', '/v1/agreements?agreementType=MicrosoftCustomerAgreement', null],
      ['POST', `${c}/agreements`, agreement],
      ['GET', `${c}/agreements?agreementType=MicrosoftCustomerAgreement`, null],
      ['GET', `${c}/directSignedMicrosoftCustomerAgreementStatus`, null],
      ['GET', `${c}/relationships`, null],
      ['POST', `${c}/migrations/newcommerce/validate`, migration],
      ['POST', `${c}/migrations/newcommerce`, migration],
      ['GET', `${c}/migrations/newcommerce/mig-1`, null],
      [
        'GET',
        `/v1/migrations/newcommerce?CustomerTenantId=${customer}&CurrentSubscriptionId=sub%20legacy`,
        null,
      ],
      ['POST', g, gdapBody],
      ['POST', `${g}/rel-1/requests`, { action: 'lockForApproval' }],
    ]);
  });

  it('when GDAP relationships are looked up by name, then the name goes to Graph as an OData literal in $filter, and its value is read', async () => {
    const pc = client();
    const relationship = { id: 'rel-1', displayName: "O'Brien 1a2b", status: 'approvalPending' };
    ms.apiHandler = () => ({
      status: 200,
      body: {
        '@odata.context':
          'https://graph.microsoft.com/v1.0/tenantRelationships/$metadata#delegatedAdminRelationships',
        value: [relationship],
      },
    });
    const listed = await pc.listGdapRelationships(partner, { displayName: "O'Brien 1a2b" }, ids());
    expect(listed.body).toEqual([relationship]);
    const [sent] = ms.calls();
    const url = new URL(sent!.path, ms.url);
    expect(url.pathname).toBe('/graph/v1.0/tenantRelationships/delegatedAdminRelationships');
    expect([...url.searchParams]).toEqual([['$filter', "displayName eq 'O''Brien 1a2b'"]]);
    expect(sent!.path).toContain('?$filter=displayName%20eq%20');

    // A body without its collection is not taken for an empty one.
    ms.apiHandler = () => ({ status: 200, body: { '@odata.context': 'x' } });
    const error = await refusal(pc.listGdapRelationships(partner, { displayName: 'x' }, ids()));
    expect(error).toMatchObject({ problem: 'partner_center_unavailable', retryable: true });
  });

  it('when Partner Center lists no MCA template, then the call fails as not found', async () => {
    const pc = client();
    ms.apiHandler = () => ({ status: 200, body: { totalCount: 0, items: [] } });
    const error = await refusal(pc.getMcaTemplate(partner, ids()));
    expect(error).toMatchObject({ problem: 'partner_center_not_found', retryable: false });
  });

  it('when a collection comes back without items, then the call fails rather than read as empty', async () => {
    const pc = client();
    ms.apiHandler = () => ({ status: 200, body: { totalCount: 3 } });
    const error = await refusal(pc.listAgreements(partner, customer, ids()));
    expect(error).toMatchObject({ problem: 'partner_center_unavailable', retryable: true });
  });
});

describe('retries', () => {
  it('when Partner Center throttles with Retry-After, then each pause is as long as asked, and every attempt has the same MS-RequestId', async () => {
    const pc = client();
    ms.apiHandler = (_seen, index) =>
      index < 3
        ? {
            status: 429,
            headers: { 'Retry-After': '2' },
            body: { code: 429, description: 'Rate limit is exceeded' },
          }
        : { status: 200, body: transfer };
    const call = ids();
    const answer = await pc.getTransfer(partner, customer, transfer.id, call);
    expect(answer.body).toEqual(transfer);
    expect(slept).toEqual([2000, 2000, 2000]);
    expect(
      ms.calls().map((c) => [c.headers['ms-requestid'], c.headers['ms-correlationid']]),
    ).toEqual(Array.from({ length: 4 }, () => [call.requestId, call.correlationId]));
    expect(ms.tokens()).toHaveLength(1);
    expect(warnings).toHaveLength(3);
  });

  it('when Retry-After is an HTTP date, then the pause lasts until then', async () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    const pc = client({ now: () => now });
    ms.apiHandler = (_seen, index) =>
      index === 0
        ? { status: 429, headers: { 'Retry-After': 'Fri, 20 Nov 2026 10:00:07 GMT' } }
        : { status: 200, body: transfer };
    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(slept).toEqual([7000]);
  });

  it('when Retry-After asks for longer than the cap, then the call fails at once as throttled, retryable, saying how long', async () => {
    const pc = client({ maxRetryAfterMs: 30_000 });
    ms.apiHandler = () => ({ status: 429, headers: { 'Retry-After': '3600' } });
    const error = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(error).toMatchObject({
      problem: 'partner_center_throttled',
      status: 429,
      retryable: true,
      retryAfterMs: 3_600_000,
    });
    expect(ms.calls()).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it('when the throttling outlasts every attempt, then the call fails as throttled and retryable', async () => {
    const pc = client({ maxAttempts: 3 });
    ms.apiHandler = () => ({ status: 429 });
    const error = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(error).toMatchObject({ problem: 'partner_center_throttled', retryable: true });
    expect(ms.calls()).toHaveLength(3);
    // No Retry-After: backoff, doubling, half of it random (0.5 here).
    expect(slept).toEqual([750, 1500]);
  });

  it('when Partner Center fails with 5xx, then it is tried again with backoff under the same MS-RequestId', async () => {
    const pc = client();
    const statuses = [500, 502, 503, 504];
    ms.apiHandler = (_seen, index) =>
      index < statuses.length
        ? { status: statuses[index]!, body: { code: 500, description: 'internal' } }
        : { status: 200, body: transfer };
    const call = ids();
    await pc.getTransfer(partner, customer, transfer.id, call);
    expect(ms.calls().map((c) => c.headers['ms-requestid'])).toEqual(
      Array.from({ length: 5 }, () => call.requestId),
    );
    expect(slept).toEqual([750, 1500, 3000, 6000]);
  });

  it('when 5xx outlasts every attempt, then the call fails as unavailable and retryable', async () => {
    const pc = client({ maxAttempts: 2 });
    ms.apiHandler = () => ({ status: 503 });
    const error = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(error).toMatchObject({
      problem: 'partner_center_unavailable',
      status: 503,
      retryable: true,
    });
    expect(ms.calls()).toHaveLength(2);
  });

  it('when Partner Center refuses with 400, then the call fails as rejected with Partner Center’s code, without a retry', async () => {
    const pc = client();
    ms.apiHandler = () => ({
      status: 400,
      body: {
        code: 600002,
        description: 'The date agreed cannot be in the future.',
        data: [],
        source: 'PartnerFD',
      },
    });
    const error = await refusal(
      pc.createAgreement(
        partner,
        customer,
        {
          primaryContact: { firstName: 'A', lastName: 'B', email: 'a@b.example' },
          dateAgreed: '2099-01-01',
          templateId: 't',
          type: 'MicrosoftCustomerAgreement',
        },
        ids(),
      ),
    );
    expect(error).toMatchObject({
      problem: 'partner_center_rejected',
      status: 400,
      code: '600002',
      description: 'The date agreed cannot be in the future.',
      retryable: false,
    });
    expect(error.message).toBe('partner_center_rejected: The date agreed cannot be in the future.');
    expect(ms.calls()).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it('when Graph refuses, then its error code and message are read', async () => {
    const pc = client();
    ms.apiHandler = () => ({
      status: 400,
      body: { error: { code: 'badRequest', message: 'The duration is over P730D.' } },
    });
    const error = await refusal(pc.getGdapRelationship(partner, 'rel-1', ids()));
    expect(error).toMatchObject({
      problem: 'partner_center_rejected',
      code: 'badRequest',
      description: 'The duration is over P730D.',
    });
  });

  it('when the resource is unknown or the role is missing, then not_found and unauthorized, neither retried', async () => {
    const pc = client();
    ms.apiHandler = () => ({
      status: 404,
      body: { code: 800002, description: 'No such transfer' },
    });
    expect(await refusal(pc.getTransfer(partner, customer, 'x', ids()))).toMatchObject({
      problem: 'partner_center_not_found',
      code: '800002',
      retryable: false,
    });
    ms.apiHandler = () => ({ status: 403 });
    expect(await refusal(pc.getTransfer(partner, customer, 'x', ids()))).toMatchObject({
      problem: 'partner_center_unauthorized',
      status: 403,
      retryable: false,
    });
    expect(ms.calls()).toHaveLength(2);
  });

  it('when no answer comes in time, then each attempt is cut off, and the call fails as unavailable', async () => {
    const pc = client({ timeoutMs: 150, maxAttempts: 2 });
    ms.apiHandler = () => 'hang';
    const call = ids();
    const started = Date.now();
    const error = await refusal(pc.getTransfer(partner, customer, transfer.id, call));
    expect(error).toMatchObject({
      problem: 'partner_center_unavailable',
      status: null,
      retryable: true,
      ids: call,
    });
    expect(error.description).toMatch(/no answer within 150 ms/);
    expect(ms.calls()).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('when a timed-out attempt is followed by an answer, then the answer is taken, under the same MS-RequestId', async () => {
    const pc = client({ timeoutMs: 150 });
    ms.apiHandler = (_seen, index) => (index === 0 ? 'hang' : { status: 200, body: transfer });
    const call = ids();
    const answer = await pc.getTransfer(partner, customer, transfer.id, call);
    expect(answer.body).toEqual(transfer);
    expect(ms.calls().map((c) => c.headers['ms-requestid'])).toEqual([
      call.requestId,
      call.requestId,
    ]);
  });

  it('when nothing listens, then the call fails as unavailable after its attempts', async () => {
    // A port just freed: nothing listens there.
    const closed = await new Promise<number>((resolve) => {
      const server = express().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const pc = client({ baseUrl: `http://127.0.0.1:${closed}`, maxAttempts: 2 });
    const error = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(error).toMatchObject({ problem: 'partner_center_unavailable', status: null });
    expect(error.description).toMatch(/ECONNREFUSED/);
    expect(slept).toHaveLength(1);
  });

  it('when a Graph create fails with 500, then it is not sent again: it may have been carried out', async () => {
    const pc = client();
    ms.apiHandler = () => ({ status: 500 });
    const error = await refusal(
      pc.createGdapRelationship(
        partner,
        {
          displayName: 'x',
          duration: 'P30D',
          customer: { tenantId: customer },
          accessDetails: { unifiedRoles: [] },
        },
        ids(),
      ),
    );
    expect(error).toMatchObject({ problem: 'partner_center_unavailable', retryable: true });
    expect(ms.calls()).toHaveLength(1);

    // Throttled, it was not carried out: then it is tried again.
    ms.reset();
    ms.apiHandler = (_seen, index) =>
      index === 0
        ? { status: 429, headers: { 'Retry-After': '1' } }
        : { status: 201, body: { id: 'rel-9' } };
    const created = await pc.createGdapRelationship(
      partner,
      {
        displayName: 'x',
        duration: 'P30D',
        customer: { tenantId: customer },
        accessDetails: { unifiedRoles: [] },
      },
      ids(),
    );
    expect(created.body).toEqual({ id: 'rel-9' });
  });
});

describe('secrets', () => {
  it('when servers echo the credentials and the token back, then no error, message or log line carries them', async () => {
    const pc = client({ maxAttempts: 2 });
    const everything = () =>
      `${partner.clientSecret} ${partner.refreshToken} token-1 Bearer token-1`;

    ms.tokenHandler = (seen) => ({
      status: 400,
      body: { error: 'invalid_client', error_description: `Refused: ${seen.body}` },
    });
    const tokenError = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));

    ms.tokenHandler = () => ({ status: 200, body: { access_token: 'token-1', expires_in: 3600 } });
    ms.apiHandler = (seen) => ({
      status: 400,
      body: { code: 600061, description: `Bad: ${seen.headers.authorization} ${everything()}` },
    });
    const apiError = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(apiError.code).toBe('600061');

    ms.apiHandler = (seen) => ({
      status: 503,
      body: { code: 1, description: `Down: ${seen.headers.authorization}` },
    });
    const outage = await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(warnings.length).toBeGreaterThan(0);

    for (const error of [tokenError, apiError, outage]) {
      const shown = [
        error.message,
        error.description,
        error.code,
        error.stack,
        JSON.stringify(error),
        JSON.stringify(warnings),
      ].join('\n');
      for (const secret of [partner.clientSecret, partner.refreshToken, 'token-1']) {
        expect(shown).not.toContain(secret);
      }
      expect(shown).toContain('[redacted]');
    }
  });
});

describe('retry policy', () => {
  it('when Retry-After is read, then seconds and HTTP dates count, and anything else is ignored', () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Fri, 20 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('tomorrow', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('when backing off, then the wait doubles up to the ceiling, half of it random', () => {
    const backoff = { baseMs: 1000, maxMs: 8000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, backoff, () => 0))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, backoff, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
  });
});

describe('configuration', () => {
  it('when nothing is set, then Microsoft’s own addresses are used', () => {
    expect(loadConfig({})).toMatchObject({
      PARTNER_CENTER_URL: 'https://api.partnercenter.microsoft.com',
      PARTNER_CENTER_GRAPH_URL: 'https://graph.microsoft.com/v1.0',
      PARTNER_CENTER_AUTHORITY: 'https://login.microsoftonline.com',
      PARTNER_CENTER_TIMEOUT_MS: 30_000,
      PARTNER_CENTER_MAX_ATTEMPTS: 5,
    });
  });

  it('when a setting is not a web address or a count in range, then the start is refused naming it', () => {
    expect(() => loadConfig({ PARTNER_CENTER_URL: 'ftp://pc.example' })).toThrow(
      /PARTNER_CENTER_URL/,
    );
    expect(() => loadConfig({ PARTNER_CENTER_MAX_ATTEMPTS: '0' })).toThrow(
      /PARTNER_CENTER_MAX_ATTEMPTS/,
    );
    expect(() => loadConfig({ PARTNER_CENTER_TIMEOUT_MS: '1e3' })).toThrow(
      /PARTNER_CENTER_TIMEOUT_MS/,
    );
  });

  it('when the client is built from the configuration, then it calls where the settings say', async () => {
    const config = loadConfig({
      PARTNER_CENTER_URL: `${ms.url}/pc/`,
      PARTNER_CENTER_GRAPH_URL: `${ms.url}/graph/v1.0`,
      PARTNER_CENTER_AUTHORITY: `${ms.url}/entra`,
      PARTNER_CENTER_MAX_ATTEMPTS: '1',
    });
    const pc = partnerCenterFromConfig(config);
    await pc.getTransfer(partner, customer, transfer.id, ids());
    expect(ms.seen.map((s) => s.path)).toEqual([
      `/entra/${partner.tenantId}/oauth2/v2.0/token`,
      `/pc/v1/customers/${customer}/transfers/${transfer.id}`,
    ]);
    ms.apiHandler = () => ({ status: 503 });
    await refusal(pc.getTransfer(partner, customer, transfer.id, ids()));
    expect(ms.calls()).toHaveLength(2);
  });
});
