import type { Express } from 'express';
import { isClientRole } from '../machines/common.ts';
import fc from 'fast-check';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { definitions } from '../machines/registry.ts';
import { Engine } from '../src/engine/engine.ts';
import { createDatabase } from '../src/store/database.ts';
import { buildCustomer } from './factories.ts';
import { as, buildApp, startHarness, type Harness } from './harness.ts';
import { Histogram } from './hostile-histogram.ts';
import {
  between,
  chance,
  deep,
  omit,
  pick,
  SchemaValues,
  unstorable,
  weighted,
  type Draw,
  type JsonSchema,
} from './hostile-values.ts';
import { buildWorld, type Caller, type World } from './hostile-world.ts';
import { documentPath } from '../src/http/openapi.ts';
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
 * Served routes the document leaves out, with what they may answer: the docs page's script,
 * and the web console, a client of the API like any other.
 */
const page = [200, 400, 413, 429];
const undocumented: Record<string, number[]> = {
  'GET /docs/init.js': page,
  'GET /': [302, 400, 413, 429],
  'GET /console': page,
  'GET /console/app.js': page,
  'GET /console/console.css': page,
  'GET /console/diagrams/:name.json': [...page, 304, 404],
};

/**
 * Documented statuses no request can bring about here, each with why. Everything else the
 * document lists for a route must be answered at least once in the run.
 */
const exempt: Record<string, number[]> = {
  // Probes are answered whatever the load (rate-limit.ts skips them), and /healthz reads no
  // database.
  'GET /healthz': [429, 503],
  'GET /readyz': [429],
  // Served from memory: no database to lose.
  'GET /openapi.json': [503],
  'GET /docs': [503],
  // Partner Center's signature is checked before anything is read or stored, and no request
  // made here carries one: only the refusal can be brought about.
  'POST /partner-center/webhooks': [202, 400, 422, 503],
};

/** Where a run starts; change it to explore, keep it to replay. */
const seed = 20261124;

type Mode = 'valid' | 'nearly' | 'hostile';
type Operation = {
  description?: string;
  parameters?: Array<{ name?: string; in?: string; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
};
type ApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
};

interface Route {
  key: string;
  method: string;
  pattern: string;
  operation: Operation | undefined;
  query: Array<{ name: string; schema: JsonSchema; required: boolean }>;
  /** Roles the document says may call it; empty when any principal may. */
  roles: Caller['role'][];
}

/** Facts about a request's subject, so that the ids in its body belong together. */
interface Focus {
  partnerId?: string;
  providerId?: string;
  customerId?: string;
}

interface WorkflowView {
  id: string;
  machine: string;
  partnerId: string;
  customerId?: string;
  version: number;
  nextEvents: Array<{ type: string; roles: string[] }>;
}

const roleNames = ['admin', 'manager', 'global_admin', 'provider', 'auditor'] as const;
const machineNames = [...definitions.keys()];

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
/** Names every object inherits: they must be unknown events, not found on a prototype. */
const eventTypes = ['CANCEL', 'x', 'constructor', '__proto__', 'toString'];
/** Bodies with no schema behind them: any JSON, or text that only claims to be JSON. */
const hostileBody = fc.oneof(
  json.map((v) => JSON.stringify(v)),
  fc.dictionary(text, json, { maxKeys: 6 }).map((v) => JSON.stringify(v)),
  fc
    .record({ type: fc.constantFrom(...eventTypes) })
    .chain((b) => fc.dictionary(text, json, { maxKeys: 4 }).map((extra) => ({ ...extra, ...b })))
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 80 }),
  deepJson,
);
/** What makes an id of the right shape name nothing. */
const unknownSuffix = fc.stringMatching(/^[0-9A-Z]{6}$/);
/** Header values HTTP can carry: visible ASCII. */
const headerValue = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));

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

/** A request with the route's method, to be given headers and a body. */
function requestTo(app: Express, method: string, url: string): supertest.Test {
  const agent = supertest(app);
  switch (method) {
    case 'POST':
      return agent.post(url);
    case 'PUT':
      return agent.put(url);
    case 'PATCH':
      return agent.patch(url);
    case 'DELETE':
      return agent.delete(url);
    default:
      return agent.get(url);
  }
}

/** The JSON Schema of one event, from its zod schema, as a client must send it. */
const eventSchemas = new Map<string, JsonSchema>();
function eventSchema(machine: string, type: string): JsonSchema {
  const key = `${machine} ${type}`;
  let schema = eventSchemas.get(key);
  if (!schema) {
    const spec = definitions.get(machine)!.events[type]!;
    schema = z.toJSONSchema(spec.schema, { io: 'input', unrepresentable: 'any' });
    eventSchemas.set(key, schema);
  }
  return schema;
}

/** Events a client may send to a machine, with who may send them. */
function clientEvents(machine: string): Array<{ type: string; roles: string[] }> {
  return Object.entries(definitions.get(machine)?.events ?? {})
    .map(([type, spec]) => ({ type, roles: spec.roles.filter(isClientRole) }))
    .filter((e) => e.roles.length > 0);
}

/**
 * Requests built from the API document and the machines' event schemas, sent to every route
 * as every kind of caller, aimed at things that exist: valid requests, requests with one
 * fault, hostile ones. Never a 5xx; every documented status of every route is answered at
 * least once (the run adds what generated requests cannot bring about: a body over the limit,
 * a client over its rate, a database out of reach, the last admin). Every answer is held to
 * the document by contract-setup.ts. `runs` requests per route.
 */
export function describeHostileInput(runs: number): void {
  let h: Harness;
  let world: World;
  let values: SchemaValues;
  let focus: Focus = {};
  const document = inject('apiDocument') as unknown as ApiDocument;
  const histogram = new Histogram();
  const workflowFacts = new Map<string, Focus>();

  beforeAll(async () => {
    // Its own database: it counts the admins to revoke the last one.
    h = await startHarness({ ownDatabase: true });
    world = await buildWorld(h);
    const rows = await h
      .db('workflows')
      .select<Array<{ id: string; partner_id: string; customer_id: string | null }>>(
        'id',
        'partner_id',
        'customer_id',
      );
    for (const row of rows) remember(row.id, row.partner_id, row.customer_id ?? undefined);
    values = new SchemaValues(document.components.schemas, hint);
  }, 180_000);
  afterAll(async () => h.close());

  function remember(id: string, partnerId: string, customerId?: string): void {
    const providerId = world.partners.find((p) => p.id === partnerId)?.providerId;
    workflowFacts.set(id, { partnerId, providerId, customerId });
  }

  /** The world's ids for the properties that name things, near the request's subject. */
  function hint(property: string, g: Draw): unknown {
    const partner = world.partners.find((p) => p.id === focus.partnerId);
    const customers = world.customers.filter((c) => c.partnerId === focus.partnerId);
    const customer =
      world.customers.find((c) => c.id === focus.customerId) ??
      (customers.length > 0 ? pick(g, customers) : pick(g, world.customers));
    switch (property) {
      case 'partnerId':
        return partner && chance(g, 0.65) ? partner.id : pick(g, world.partners).id;
      case 'providerId':
        return focus.providerId && chance(g, 0.8) ? focus.providerId : pick(g, world.providers);
      case 'customerId':
        return customer.id;
      case 'id':
        // A subscription's: an import that repeats one is refused.
        return customer.subscriptions.length > 0 && chance(g, 0.3)
          ? pick(g, customer.subscriptions)
          : undefined;
      case 'baseSubscriptionId':
        // It must name another subscription in the same import, which a draw rarely does.
        return chance(g, 0.8) ? omit : undefined;
      case 'subscriptionId':
        return customer.subscriptions.length > 0 ? pick(g, customer.subscriptions) : undefined;
      case 'sourcePartnerTenantId':
        return partner?.tenantId;
      case 'tenantId':
        // A tenant the partner has imported already: the import is refused as a repeat.
        return chance(g, 0.5) ? customer.tenantId : undefined;
      case 'mpnId':
        return chance(g, 0.6) ? pick(g, world.mpnIds) : undefined;
      case 'region':
      case 'plaRegion':
      case 'cspRegion':
      case 'country':
        // Regions are ISO codes; the world's providers are all in DE.
        return chance(g, 0.7) ? 'DE' : pick(g, ['US', 'FR', 'GB', 'de']);
      case 'statementVersion':
        return 'rre-consent-v1';
      case 'url':
        // Webhook targets: public, loopback (allowed in tests), private, metadata.
        return chance(g, 0.6)
          ? pick(g, [
              'https://93.184.216.34/hook',
              'http://127.0.0.1:9/hook',
              'https://10.0.0.1/hook',
              'https://169.254.169.254/latest',
            ])
          : undefined;
      case 'workflowId':
      case 'parentId':
        return pick(g, world.workflows);
      case 'machine':
        return pick(g, machineNames);
      case 'state':
        return pick(g, ['migratingCustomers', 'awaitingConsent', 'partnering', 'agreement']);
      case 'dateAgreed': {
        const daysAgo = g(fc.integer, { min: -1, max: 60 });
        return new Date(h.clock.now().getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10);
      }
      default:
        return undefined;
    }
  }

  function routesOf(): Route[] {
    return servedRoutes(h.app).map((key) => {
      const [method, pattern] = key.split(' ') as [string, string];
      const operation = document.paths[documentPath(pattern)]?.[method.toLowerCase()];
      const who = /Who: (.*)$/m.exec(operation?.description ?? '')?.[1] ?? '';
      return {
        key,
        method,
        pattern,
        operation,
        query: (operation?.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name!, schema: p.schema ?? {}, required: p.required === true })),
        roles: roleNames.filter((r) => new RegExp(`\\b${r}\\b`).test(who)),
      };
    });
  }

  /**
   * A caller: mostly one of the roles the route expects, in the subject's scope when its role
   * has one; else one of the other roles (where 403 lives), a token that does not work, or
   * none at all.
   */
  function callerFor(g: Draw, roles: readonly string[]): string | undefined {
    const kind = weighted(g, [
      [28, 'expected'],
      [6, 'other'],
      [3, 'dead'],
      [3, 'none'],
    ] as const);
    if (kind === 'none') return undefined;
    if (kind === 'dead') return pick(g, world.deadTokens);
    const expected = world.callers.filter((c) => roles.length === 0 || roles.includes(c.role));
    const other = world.callers.filter((c) => !expected.includes(c));
    const pool = kind === 'expected' || other.length === 0 ? expected : other;
    // A role first, then one of its tokens: every role gets its share, however many hold it.
    const role = pick(g, [...new Set(pool.map((c) => c.role))]);
    const holders = pool.filter((c) => c.role === role);
    const inScope = holders.filter(
      (c) =>
        (c.partnerId === undefined && c.providerId === undefined) ||
        (c.partnerId !== undefined && c.partnerId === focus.partnerId) ||
        (c.providerId !== undefined && c.providerId === focus.providerId),
    );
    return pick(g, inScope.length > 0 && chance(g, 0.9) ? inScope : holders).token;
  }

  /** A path parameter: an id of the right kind that exists, one that does not, or junk. */
  function param(g: Draw, mode: Mode, pattern: string, name: string): string {
    if (mode === 'hostile' && chance(g, 0.7)) {
      const junk = g(() => text);
      return junk === '' || junk === '.' || junk === '..' ? 'x' : junk;
    }
    const unknown = `${name}_${g(() => unknownSuffix)}`;
    if (chance(g, mode === 'valid' ? 0.08 : 0.25)) return unknown;
    switch (name) {
      case 'token':
        return pick(g, world.consentTokens);
      case 'version':
        return pick(g, ['rre-consent-v1', 'rre-consent-v0', 'constructor']);
      case 'name':
        return pick(g, [...machineNames, 'toString']);
      case 'seq':
        return mode === 'valid'
          ? pick(g, ['1', '2'])
          : pick(g, ['0', '-1', '1.5', '99999999999', 'x', '9999']);
      case 'requestId':
        return pick(g, world.consentRequests).id;
      case 'deliveryId':
        return pick(g, world.deliveries);
    }
    if (pattern.startsWith('/v1/webhooks/')) return pick(g, world.webhooks);
    // Only a transition has a preflight or a customer table.
    if (pattern.startsWith('/v1/transitions/') || pattern === '/v1/workflows/:id/customers') {
      return weighted(g, [
        [80, () => pick(g, world.transitions)],
        [20, () => pick(g, world.workflows)],
      ])();
    }
    if (pattern.startsWith('/v1/workflows/')) {
      return weighted(g, [
        [40, () => pick(g, world.notable)],
        [40, () => pick(g, world.workflows)],
        [20, () => world.newer],
      ])();
    }
    if (pattern.startsWith('/v1/partners/')) return pick(g, world.partners).id;
    if (pattern.startsWith('/v1/providers/')) return pick(g, world.providers);
    if (pattern.startsWith('/v1/principals/')) return pick(g, world.victims);
    if (pattern.startsWith('/v1/timers/')) return pick(g, world.timers);
    return unknown;
  }

  function queryOf(g: Draw, mode: Mode, route: Route): string {
    const entries: Array<[string, string]> = [];
    for (const q of route.query) {
      if (!q.required && !chance(g, q.name === 'cursor' ? 0.05 : 0.5)) continue;
      entries.push([q.name, String(values.valid(g, q.schema, q.name))]);
    }
    if (mode === 'nearly') {
      // One parameter wrong: unknown, out of range, not a cursor this API gave, or junk.
      const fault = weighted<() => [string, string]>(g, [
        [1, () => ['page', '2']],
        [1, () => ['limit', pick(g, ['0', '501', 'ten', '1e3'])]],
        [1, () => ['cursor', pick(g, ['garbage', 'eyJzZXEiOi0xfQ', 'eyJzZXEiOjFlNDB9'])]],
        [
          route.query.length > 0 ? 2 : 0,
          () => [pick(g, route.query).name, pick(g, ['', 'x', '-1', '2026-13-45'])],
        ],
      ]);
      entries.push(fault());
    }
    if (mode === 'hostile') {
      const keys = [...route.query.map((q) => q.name), 'limit', 'cursor'];
      for (let i = g(fc.integer, { min: 1, max: 3 }); i > 0; i -= 1) {
        entries.push([chance(g, 0.5) ? pick(g, keys) : g(() => text), g(() => text)]);
      }
    }
    return entries.map(([k, v]) => `${encodeLoosely(k)}=${encodeLoosely(v)}`).join('&');
  }

  async function viewOf(id: string): Promise<WorkflowView | undefined> {
    const res = await as(h.app, h.adminToken).get(`/v1/workflows/${encodeLoosely(id)}`);
    return res.status === 200 ? (res.body as WorkflowView) : undefined;
  }

  /** An event for the workflow: mostly one its state takes now, from its zod schema. */
  function eventFor(
    g: Draw,
    mode: 'valid' | 'nearly',
    view: WorkflowView | undefined,
  ): { body: unknown; roles: string[] } {
    const machine = view?.machine ?? pick(g, machineNames);
    const choices = weighted(g, [
      [view && view.nextEvents.length > 0 ? 15 : 0, view?.nextEvents ?? []],
      [4, clientEvents(machine)],
      [1, clientEvents(pick(g, machineNames))],
    ] as const);
    const event = pick(g, choices);
    const owner = definitions.get(machine)?.events[event.type] ? machine : undefined;
    const schema = eventSchema(
      owner ?? machineNames.find((m) => definitions.get(m)!.events[event.type])!,
      event.type,
    );
    const body = mode === 'valid' ? values.valid(g, schema) : values.nearlyValid(g, schema);
    return { body, roles: event.roles };
  }

  /** Ids the API hands out during the run join the world, so later requests can use them. */
  function learn(route: Route, status: number, body: unknown): void {
    if (status !== 201 || typeof body !== 'object' || body === null) return;
    const b = body as Record<string, unknown>;
    switch (route.key) {
      case 'POST /v1/transitions':
        world.workflows.push(b.id as string);
        remember(b.id as string, b.partnerId as string);
        break;
      case 'POST /v1/providers':
        world.providers.push(b.id as string);
        break;
      case 'POST /v1/principals':
        world.victims.push(b.id as string);
        break;
      case 'POST /v1/partners/:id/customers':
        for (const c of (b.items ?? []) as Array<Record<string, unknown>>) {
          world.customers.push({
            id: c.id as string,
            partnerId: c.partnerId as string,
            tenantId: c.tenantId as string,
            subscriptions: ((c.subscriptions ?? []) as Array<{ id: string }>).map((s) => s.id),
          });
        }
        break;
      case 'POST /v1/workflows/:id/consent-requests':
        world.consentRequests.push({ workflowId: b.workflowId as string, id: b.id as string });
        world.consentTokens.push(new URL(b.url as string).pathname.split('/').at(-1)!);
        break;
    }
  }

  /**
   * The body: for an event, one the workflow's machine defines, drawn from its zod schema;
   * for other routes, from the document's schema of the request; valid or with one fault, or
   * hostile. An event also says who may send it.
   */
  function bodyOf(
    g: Draw,
    mode: Mode,
    route: Route,
    view: WorkflowView | undefined,
  ): { payload?: string; contentType: string; roles: readonly string[] } {
    const content = route.operation?.requestBody?.content ?? {};
    const json = content['application/json']?.schema;
    if (mode === 'hostile') {
      return {
        payload: route.method !== 'GET' || chance(g, 0.3) ? g(() => hostileBody) : undefined,
        contentType: pick(g, [
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ]),
        roles: route.roles,
      };
    }
    if (route.key === 'POST /v1/workflows/:id/events') {
      const event = eventFor(g, mode, view);
      return {
        payload: JSON.stringify(event.body),
        contentType: 'application/json',
        roles: event.roles,
      };
    }
    if (route.key === 'POST /v1/workflows/events\\:batch') {
      // One machine's event, aimed at that machine's workflows, a few at a time.
      const machine = pick(g, machineNames);
      const event = pick(g, clientEvents(machine));
      const schema = eventSchema(machine, event.type);
      const body = {
        filter: {
          machine,
          ...(chance(g, 0.5) ? { partnerId: pick(g, world.partners).id } : {}),
        },
        event: mode === 'valid' ? values.valid(g, schema) : values.nearlyValid(g, schema),
        limit: pick(g, [1, 2, 3]),
      };
      return { payload: JSON.stringify(body), contentType: 'application/json', roles: event.roles };
    }
    if (json) {
      const body = mode === 'valid' ? values.valid(g, json) : values.nearlyValid(g, json);
      return { payload: JSON.stringify(body), contentType: 'application/json', roles: route.roles };
    }
    if (content['application/x-www-form-urlencoded']) {
      return {
        payload: consentForm(g, mode),
        contentType: 'application/x-www-form-urlencoded',
        roles: route.roles,
      };
    }
    // A route that takes no body may still be sent a broken one.
    const broken = mode === 'nearly' && chance(g, 0.3);
    return {
      payload: broken ? pick(g, ['{"a":', '[1,]', JSON.stringify(deep(70))]) : undefined,
      contentType: 'application/json',
      roles: route.roles,
    };
  }

  /** If-Match for events (current, stale or junk) and Idempotency-Key where taken. */
  function headersOf(
    g: Draw,
    mode: Mode,
    route: Route,
    view: WorkflowView | undefined,
  ): Record<string, string> {
    const headers: Record<string, string> = {};
    if (route.key === 'POST /v1/workflows/:id/events' && mode !== 'hostile') {
      const version = view?.version ?? 1;
      const ifMatch = weighted<() => string | undefined>(g, [
        [mode === 'valid' ? 12 : 4, () => undefined],
        [4, () => `"${version}"`],
        [3, () => `"${version - 1}"`],
        [mode === 'valid' ? 0 : 2, () => pick(g, ['*', 'W/"1"', 'abc', `${version}`])],
      ])();
      if (ifMatch !== undefined) headers['If-Match'] = ifMatch;
    }
    const idempotent = route.operation?.parameters?.some((p) =>
      JSON.stringify(p).includes('IdempotencyKey'),
    );
    if (idempotent && chance(g, 0.35)) {
      headers['Idempotency-Key'] = weighted<() => string>(g, [
        // From a small set: now and then a replay, or a key reused for another request.
        [6, () => `k-${between(g, 1, 150)}`],
        [mode === 'valid' ? 0 : 1, () => pick(g, ['', 'x'.repeat(201)])],
      ])();
    }
    if (mode === 'hostile' && chance(g, 0.3)) headers['X-Request-Id'] = g(() => headerValue);
    return headers;
  }

  /** The subject named by the path; else, half the time, a partner to keep ids together. */
  function focusOn(g: Draw, pattern: string, id: string | undefined): Focus {
    if (
      id !== undefined &&
      (pattern.startsWith('/v1/workflows/') || pattern.startsWith('/v1/transitions/'))
    ) {
      return workflowFacts.get(id) ?? {};
    }
    if (id !== undefined && pattern.startsWith('/v1/partners/')) {
      return { partnerId: id, providerId: world.partners.find((p) => p.id === id)?.providerId };
    }
    if (!chance(g, 0.5)) return {};
    const partner = pick(g, world.partners);
    return { partnerId: partner.id, providerId: partner.providerId };
  }

  /** One generated request to a route, its answer counted. */
  async function fuzz(g: Draw, route: Route): Promise<void> {
    const mode = weighted<Mode>(g, [
      [6, 'valid'],
      [3, 'nearly'],
      [1, 'hostile'],
    ]);
    const { method, pattern, operation } = route;
    const params: Record<string, string> = {};
    for (const [, name] of pattern.matchAll(/(?<!\\):(\w+)/g)) {
      params[name!] = param(g, mode, pattern, name!);
    }
    // Deletions aim at subscriptions kept for them, so that the other routes keep theirs
    // (the deliveries of the world's subscriptions are what the redelivery route needs).
    if (
      route.key === 'DELETE /v1/webhooks/:id' &&
      ((mode === 'valid' && chance(g, 0.9)) || world.webhooks.includes(params.id ?? ''))
    ) {
      params.id = pick(g, world.spareWebhooks);
    }
    if (params.deliveryId !== undefined && mode === 'valid' && chance(g, 0.8)) {
      const index = g(fc.integer, { min: 0, max: world.webhooks.length - 1 });
      params.id = world.webhooks[index]!;
      params.deliveryId = world.deliveries[index]!;
    }
    if (params.requestId !== undefined && mode === 'valid' && chance(g, 0.8)) {
      const request = pick(g, world.consentRequests);
      params.id = request.workflowId;
      params.requestId = request.id;
    }
    focus = focusOn(g, pattern, params.id);

    const events = route.key === 'POST /v1/workflows/:id/events';
    let view: WorkflowView | undefined;
    // An event is aimed, mostly, at a workflow that still takes some: a look first, as a
    // client reads a workflow before it acts on it.
    for (let look = 1; events && mode !== 'hostile'; look += 1) {
      view = await viewOf(params.id!);
      const takesEvents = (view?.nextEvents.length ?? 0) > 0;
      if (takesEvents || look === 3 || mode !== 'valid' || !chance(g, 0.7)) break;
      params.id = param(g, mode, pattern, 'id');
      focus = workflowFacts.get(params.id) ?? {};
    }
    const { payload, contentType, roles } = bodyOf(g, mode, route, view);

    let i = 0;
    const path = pattern
      .replace(/(?<!\\):\w+/g, () => encodeLoosely(Object.values(params)[i++] ?? ''))
      .replaceAll('\\:', ':');
    const query = queryOf(g, mode, route);
    const url = query ? `${path}?${query}` : path;
    let req = requestTo(h.app, method, url);
    const token = callerFor(g, roles);
    if (token !== undefined) {
      const scheme =
        mode === 'hostile' && chance(g, 0.2) ? pick(g, ['Basic', 'bearer', '']) : 'Bearer';
      req = req.set('Authorization', `${scheme} ${token}`.trim());
    }
    for (const [name, value] of Object.entries(headersOf(g, mode, route, view))) {
      req = req.set(name, value);
    }
    if (payload !== undefined) req = req.set('Content-Type', contentType).send(payload);

    const res = await req;
    histogram.add(route.key, res.status);
    const where = `${mode} ${method} ${url} → ${res.status} ${res.text.slice(0, 300)}`;
    expect(res.status, where).toBeLessThan(500);
    if (!operation) expect(undocumented[route.key], where).toContain(res.status);
    learn(route, res.status, res.body);
  }

  function consentForm(g: Draw, mode: Mode): string {
    const form: Record<string, string> =
      mode === 'valid'
        ? chance(g, 0.5)
          ? { decision: 'consent', name: 'Carla Customer', email: 'carla@fabrikam.example' }
          : { decision: 'decline', reason: 'not now' }
        : pick<Record<string, string>>(g, [
            { decision: 'consent' },
            { decision: 'consent', name: 'Carla', email: 'not-an-email' },
            { decision: 'maybe' },
            {},
            { decision: 'decline', reason: 'r'.repeat(2001) },
          ]);
    return new URLSearchParams(form).toString();
  }

  /**
   * Statuses that need conditions no single request creates, brought about on purpose: every
   * route gets a body over the limit, a client over its rate, a database out of reach; the
   * last admin is asked to revoke itself.
   */
  async function deliberate(routes: Route[]): Promise<void> {
    const urlOf = (route: Route) =>
      route.pattern
        .replace(/(?<!\\):(\w+)/g, (_m, name: string) =>
          name === 'token' ? world.consentTokens[0]! : name === 'seq' ? '1' : world.workflows[0]!,
        )
        .replaceAll('\\:', ':');
    const send = (app: Express, route: Route, body?: string, type = 'application/json') => {
      const req = requestTo(app, route.method, urlOf(route)).set(
        'Authorization',
        `Bearer ${h.adminToken}`,
      );
      return body === undefined ? req : req.set('Content-Type', type).send(body);
    };
    const count = (route: Route, status: number) => histogram.add(route.key, status);

    const listed = await as(h.app, h.adminToken).get('/v1/principals?limit=500');
    const admins = (listed.body as { items: Array<{ id: string; role: string }> }).items.filter(
      (p) => p.role === 'admin',
    );
    expect(admins).toHaveLength(1);
    const lastAdmin = await as(h.app, h.adminToken).post(
      `/v1/principals/${admins[0]!.id}/revoke`,
      {},
    );
    expect(lastAdmin.body).toMatchObject({ code: 'last_admin' });
    histogram.add('POST /v1/principals/:id/revoke', lastAdmin.status);

    const oversize = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    for (const route of routes) {
      const res = await send(h.app, route, oversize);
      expect(res.status, route.key).toBe(413);
      count(route, res.status);
    }

    const limited = buildApp(h, { rateLimitPerIpPerMin: 1 });
    await supertest(limited).get('/openapi.json');
    for (const route of routes) {
      const res = await send(limited, route);
      if (!exempt[route.key]?.includes(429)) expect(res.status, route.key).toBe(429);
      count(route, res.status);
    }

    const unreachable = createDatabase({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' });
    try {
      const down = buildApp({
        db: unreachable,
        engine: new Engine({ db: unreachable, clock: h.clock }),
      });
      for (const route of routes) {
        const form = route.key === 'POST /consent/:token';
        const res = await send(
          down,
          route,
          form ? 'decision=decline' : undefined,
          form ? 'application/x-www-form-urlencoded' : undefined,
        );
        // The routes that read no database answer as ever.
        const reads = route.operation && !exempt[route.key]?.includes(503);
        if (reads) expect(res.status, route.key).toBe(503);
        else expect(res.status, route.key).toBeLessThan(500);
        count(route, res.status);
      }
    } finally {
      await unreachable.destroy();
    }
  }

  describe(`hostile input, ${runs} requests per route`, () => {
    it('when the routes are listed, then every one is described or a known page', () => {
      for (const route of routesOf()) {
        expect(route.operation ?? undocumented[route.key], route.key).toBeDefined();
      }
    });

    it('when every string field carries SQL, then it is stored as text and changes nothing else', async () => {
      const { manager, partnerId, transitionId: transition } = world.migrating;
      const before = await counts();
      for (const injection of injections.filter((s) => s !== '\u0000')) {
        const listed = await as(h.app, manager).get(
          `/v1/workflows?state=${encodeURIComponent(injection)}`,
        );
        expect(listed.status).toBe(200);
        expect((listed.body as { items: unknown[] }).items).toEqual([]);
        const imported = await as(h.app, manager).post(`/v1/partners/${partnerId}/customers`, [
          buildCustomer({ name: injection }),
        ]);
        expect(imported.status, JSON.stringify(imported.body)).toBe(201);
        expect((imported.body as { items: Array<{ name: string }> }).items[0]!.name).toBe(
          injection,
        );
        const event = await as(h.app, manager).post(`/v1/workflows/${transition}/events`, {
          type: injection,
        });
        expect(event.status).toBe(422);
      }
      const after = await counts();
      expect(after.principals).toBe(before.principals);
      expect(after.workflows).toBeGreaterThan(before.workflows);
      expect(after.history).toBeGreaterThan(before.history);
      const verified = await as(h.app, h.adminToken).get(
        `/v1/workflows/${transition}/history/verify`,
      );
      expect(verified.body).toMatchObject({ valid: true });
    });

    it('for every route: never a 5xx, and every documented status answered at least once', async () => {
      const routes = routesOf();
      await deliberate(routes);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          // Round robin: the routes take turns, so each sees the world as the others leave it.
          await fuzz(g, routes[run++ % routes.length]!);
        }),
        { seed, numRuns: runs * routes.length, endOnFailure: true },
      );
      console.log(`Answers by route and status (seed ${seed}):\n${histogram.table()}`);
      const expected = new Map(
        routes
          .filter((r) => r.operation)
          .map((r) => [
            r.key,
            Object.keys(r.operation!.responses)
              .map(Number)
              .filter((s) => !exempt[r.key]?.includes(s)),
          ]),
      );
      expect(histogram.missing(expected)).toEqual([]);
    }, 900_000);
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
