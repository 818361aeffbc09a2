import fc from 'fast-check';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';
import { servedRoutes } from './routes.ts';

/** Strings that would change a query if any of them reached SQL as text. */
export const injections = [
  "'; DROP TABLE workflows; --",
  "' OR '1'='1",
  '" OR ""="',
  "1; DELETE FROM history WHERE '1'='1",
  "x' UNION SELECT token_hash FROM principals --",
  '$1',
  '\\',
  '%_%',
  '\u0000',
] as const;

/**
 * Routes outside the OpenAPI document: the public pages and the document itself. Each may
 * answer 400: every address is checked for text Postgres cannot store, before any route.
 */
const undocumented: Record<string, number[]> = {
  'GET /healthz': [400],
  'GET /readyz': [400, 503],
  'GET /openapi.json': [400],
  'GET /docs': [400],
  'GET /docs/init.js': [400],
  // The consent pages answer people with HTML pages, never JSON.
  'GET /consent/:token': [400, 404, 410],
  // 413: the page reads at most 16 KiB of form.
  'POST /consent/:token': [400, 404, 409, 410, 413, 422],
};

/** Text Postgres would store differently from what was hashed: refused at the door. */
const unstorable = ['\u0000', '\ud800', 'x\udc00y', '\udbff\ud800'] as const;

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...injections),
  fc.constantFrom(...unstorable),
);
const json = fc.jsonValue({ maxDepth: 3 });
/** JSON nested past the 64 levels the door allows, up to where recursion would overflow. */
const deepJson = fc
  .tuple(fc.integer({ min: 60, max: 5000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
  .map(([levels, [open, close]]) => `${open.repeat(levels)}1${close.repeat(levels)}`);

/**
 * Percent-encodes as a hostile client can: a lone surrogate as the three bytes UTF-8 would
 * give it, where encodeURIComponent throws and URLSearchParams writes U+FFFD instead.
 */
function encodeLoosely(value: string): string {
  return value
    .split(/(\p{Surrogate})/u)
    .map((part) => {
      if (part.isWellFormed()) return encodeURIComponent(part);
      const unit = part.charCodeAt(0);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
}
const eventTypes = [
  'CONFIRM_PROFILE',
  'SUBMIT',
  'APPROVE',
  'USE_EXTENSION',
  'CANCEL',
  'x',
  // Names every object inherits: they must be unknown events, not found on a prototype.
  'constructor',
  '__proto__',
  'toString',
];
/** Bodies that look enough like real requests to get past the first checks. */
const body = fc.oneof(
  json,
  fc.dictionary(text, json, { maxKeys: 6 }),
  fc
    .record({ type: fc.constantFrom(...eventTypes) }, { requiredKeys: ['type'] })
    .chain((b) => fc.dictionary(text, json, { maxKeys: 4 }).map((extra) => ({ ...extra, ...b }))),
  fc.array(fc.dictionary(text, json, { maxKeys: 4 }), { maxLength: 3 }),
  fc.constant(undefined),
);
/** Header values HTTP can carry: visible ASCII. */
const headerValue = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));

/**
 * Arbitrary ids, query strings, headers and bodies on every route, as every kind of caller:
 * never a 5xx, and every refusal is a documented 4xx in problem+json. `runs` per route.
 */
export function describeHostileInput(runs: number): void {
  let h: Harness;
  let move: Move;
  let document: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const ids: string[] = [];
  let tokens: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    move = await Move.start(h.app, h.adminToken);
    const [customer] = await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    ids.push(move.transitionId, move.team.partnerId, move.provider.id, customer!);
    tokens = [h.adminToken, move.team.manager, move.team.auditor, move.provider.token];
    document = (await supertest(h.app).get('/openapi.json')).body as typeof document;
  }, 120_000);
  afterAll(async () => h.close());

  /** Statuses the API document (or, for pages, the list above) says a route can answer. */
  function documented(route: string): Set<number> {
    const [method, path] = route.split(' ') as [string, string];
    const op = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    const listed = op ? Object.keys(op.responses).map(Number) : (undocumented[route] ?? []);
    // 404 for an id that does not exist, 401 for a bad token: true of every /v1 route.
    return new Set([...listed, ...(path.startsWith('/v1/') ? [401, 404] : [])]);
  }

  describe(`hostile input, ${runs} requests per route`, () => {
    it('when the routes are listed, then every one is described or a known page', () => {
      for (const route of servedRoutes(h.app)) {
        const [method, path] = route.split(' ') as [string, string];
        const inDocument = document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
        expect(inDocument ?? undocumented[route], route).toBeDefined();
      }
    });

    it('for every route: never a 5xx, and every refusal is documented problem+json', async () => {
      const routes = servedRoutes(h.app);
      // An empty, `.` or `..` segment would make it another route, tried on its own anyway.
      const param = fc
        .oneof(text, fc.constantFrom(...ids))
        .filter((p) => p !== '' && p !== '.' && p !== '..');
      const request = fc.record({
        params: fc.array(param, { minLength: 3, maxLength: 3 }),
        query: fc.dictionary(
          fc.oneof(fc.constantFrom('limit', 'cursor', 'state', 'machine', 'partnerId'), text),
          text,
          { maxKeys: 4 },
        ),
        token: fc.oneof(fc.constantFrom(...tokens), headerValue, fc.constant(undefined)),
        ifMatch: fc.option(headerValue, { nil: undefined }),
        idempotencyKey: fc.option(headerValue, { nil: undefined }),
        requestId: fc.option(headerValue, { nil: undefined }),
        extra: fc.option(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerValue), {
          nil: undefined,
        }),
        contentType: fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
        raw: fc.option(fc.oneof(fc.string({ maxLength: 80 }), deepJson), { nil: undefined }),
        body,
      });
      for (const route of routes) {
        const allowed = documented(route);
        const [method, pattern] = route.split(' ') as [string, string];
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            let i = 0;
            const path = pattern.replace(/:\w+/g, () => encodeLoosely(r.params[i++] ?? ''));
            const query = Object.entries(r.query)
              .map(([key, value]) => `${encodeLoosely(key)}=${encodeLoosely(value)}`)
              .join('&');
            const agent = supertest(h.app);
            const url = query ? `${path}?${query}` : path;
            let req =
              method === 'GET'
                ? agent.get(url)
                : method === 'PATCH'
                  ? agent.patch(url)
                  : agent.post(url);
            if (r.token !== undefined) req = req.set('Authorization', `Bearer ${r.token}`);
            if (r.ifMatch !== undefined) req = req.set('If-Match', r.ifMatch);
            if (r.idempotencyKey !== undefined) req = req.set('Idempotency-Key', r.idempotencyKey);
            if (r.requestId !== undefined) req = req.set('X-Request-Id', r.requestId);
            if (r.extra !== undefined) req = req.set(r.extra[0], r.extra[1]);
            if (method !== 'GET') {
              req = req.set('Content-Type', r.contentType);
              const payload = r.raw ?? (r.body === undefined ? undefined : JSON.stringify(r.body));
              if (payload !== undefined) req = req.send(payload);
            }
            const res = await req;
            const where = `${method} ${url} → ${res.status} ${res.text.slice(0, 200)}`;
            expect(res.status, where).toBeLessThan(500);
            if (res.status >= 400) {
              expect(allowed.has(res.status), `undocumented status: ${where}`).toBe(true);
              // The consent pages answer people in HTML; a body no browser form sends (JSON
              // that does not parse) is refused before the page, as the API refuses it.
              const page = pattern.startsWith('/consent/');
              expect(res.type, where).toMatch(
                page ? /^(text\/html|application\/problem\+json)$/ : /^application\/problem\+json$/,
              );
            }
          }),
          { numRuns: runs },
        );
      }
    }, 900_000);

    it('when every string field carries SQL, then it is stored as text and changes nothing else', async () => {
      const before = await counts();
      for (const injection of injections.filter((s) => s !== '\u0000')) {
        const listed = await as(h.app, move.team.manager).get(
          `/v1/workflows?state=${encodeURIComponent(injection)}`,
        );
        expect(listed.status).toBe(200);
        expect((listed.body as { items: unknown[] }).items).toEqual([]);
        const imported = await as(h.app, move.team.manager).post(
          `/v1/partners/${move.team.partnerId}/customers`,
          [buildCustomer({ name: injection })],
        );
        expect(imported.status, JSON.stringify(imported.body)).toBe(201);
        expect((imported.body as { items: Array<{ name: string }> }).items[0]!.name).toBe(
          injection,
        );
        const event = await as(h.app, move.team.manager).post(
          `/v1/workflows/${move.transitionId}/events`,
          { type: injection },
        );
        expect(event.status).toBe(422);
      }
      const after = await counts();
      expect(after.principals).toBe(before.principals);
      expect(after.workflows).toBeGreaterThan(before.workflows);
      expect(after.history).toBeGreaterThan(before.history);
      const verified = await as(h.app, h.adminToken).get(
        `/v1/workflows/${move.transitionId}/history/verify`,
      );
      expect(verified.body).toMatchObject({ valid: true });
    });
  });

  async function counts(): Promise<Record<'principals' | 'workflows' | 'history', number>> {
    const one = async (table: string) => {
      const [row] = await h.db(table).count<Array<{ n: number | string }>>({ n: '*' });
      return Number(row!.n);
    };
    return {
      principals: await one('principals'),
      workflows: await one('workflows'),
      history: await one('history'),
    };
  }
}
