import { randomInt } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Api, pool } from '../../bench/api.ts';
import {
  createProvider,
  partnerInEnrolling,
  toInvitationSent,
  type Partner,
  type Provider,
} from '../../bench/scenario.ts';
import { ServerProcess } from '../../bench/server-process.ts';
import {
  checkCustomerListing,
  checkMove,
  endingRow,
  type ImportRecord,
  type MoveObservation,
  type WorkflowView,
} from './move-invariants.ts';
import {
  customersOf,
  customerWalk,
  historyOf,
  listWorkflows as listMoveWorkflows,
  observeMove,
  type MoveReader,
} from './move-observation.ts';

/**
 * Random programs of a move's operations, fired at once at two server processes on one
 * Postgres, then I1–I6 (README "What a move promises") checked from the API and the
 * database. Hand-picked races catch the bugs someone thought of; many seeded interleavings
 * catch the others, and a seed makes a failure something one can run again.
 */

const adminToken = `chaos-admin-${crypto.randomUUID()}`;
let servers: ServerProcess[] = [];
let apis: Api[] = [];
let db: Knex;
let auditorToken = '';
/** A provider no move here chose: everything of the moves is out of its sight (404). */
let strangerToken = '';

beforeAll(async () => {
  const databaseUrl = inject('databaseUrl');
  if (!databaseUrl) throw new Error('The chaos tests run on Postgres: set DATABASE_URL');
  db = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 4 } });
  // Timers every 200 ms: a timer made due by the test fires while the program still runs.
  servers = await Promise.all(
    [0, 1].map(() =>
      ServerProcess.start({ databaseUrl, adminToken, env: { TIMER_INTERVAL_MS: '200' } }),
    ),
  );
  apis = servers.map((s) => new Api(s.base));
  auditorToken = (
    await apis[0]!.call<{ token: string }>(adminToken, 'POST', '/v1/principals', {
      name: 'Ada Auditor',
      role: 'auditor',
    })
  ).token;
  strangerToken = (await createProvider(apis[1]!, adminToken)).token;
});

afterAll(async () => {
  for (const api of apis) api.close();
  await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  await db?.destroy();
});

// ---------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: tiny, fast, and the same sequence on every machine for one seed. */
class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[this.int(0, items.length - 1)]!;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /**
   * A generator of its own for work that decides after awaiting: its draws then do not
   * depend on which concurrent request happened to answer first.
   */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }

  uuid(): string {
    const hex = (n: number) =>
      Array.from({ length: n }, () => this.int(0, 15).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  }
}

// ---------------------------------------------------------------------------------------
// Who may send what (SPEC §2), to tell a refusal the role deserves from one it does not

type Role = 'manager' | 'global_admin' | 'provider' | 'admin' | 'auditor' | 'stranger';
const allRoles: readonly Role[] = [
  'manager',
  'global_admin',
  'provider',
  'admin',
  'auditor',
  'stranger',
];
const partnerSide: readonly Role[] = ['manager', 'global_admin'];

const eventRoles: Readonly<Record<string, Readonly<Record<string, readonly Role[]>>>> = {
  transition: {
    EXCLUDE_CUSTOMER: partnerSide,
    REPLAN_CUSTOMER: partnerSide,
    CANCEL: ['global_admin'],
  },
  resellerRelationship: {
    USE_INVITATION: partnerSide,
    USE_EXTENSION: partnerSide,
    INVITATION_ACCEPTED: partnerSide,
    CONSENT_GRANTED: partnerSide,
    CONSENT_DECLINED: partnerSide,
    BILL_TO_SHARING_CONFIRMED: partnerSide,
    RELATIONSHIP_ACCEPTED: partnerSide,
    CONSENT_REVOKED: partnerSide,
    GDAP_REQUESTED: ['provider', 'admin'],
    GDAP_APPROVED: ['provider', 'admin', ...partnerSide],
    GDAP_ACTIVATED: ['provider', 'admin'],
    GDAP_EXPIRED: ['provider', 'admin'],
    GDAP_TERMINATED: ['provider', 'admin'],
  },
  mcaReacceptance: {
    ACCEPTANCE_REQUESTED: partnerSide,
    ACCEPTANCE_RECORDED: ['provider', 'admin'],
    ACCEPTED_IN_ADMIN_CENTER: ['provider', 'admin'],
  },
  subscriptionTransfer: {
    CUSTOMER_AGREED: partnerSide,
    DETAILS_CONFIRMED: ['provider', ...partnerSide],
    TRANSFER_REQUEST_CREATED: ['provider'],
    TRANSFER_SUBMITTED: partnerSide,
    SUBSCRIPTION_TRANSFERRED: ['provider', 'admin'],
    SUBSCRIPTION_TRANSFER_FAILED: ['provider', 'admin'],
    RETRY: partnerSide,
    CANCEL: ['provider', ...partnerSide],
  },
};

function maySend(machine: string, type: string, role: Role): boolean {
  return eventRoles[machine]?.[type]?.includes(role) ?? false;
}

/** What a role that may not send an event must hear: 404 when it cannot even see the workflow. */
function refusalFor(role: Role): number[] {
  return role === 'stranger' ? [404] : [403];
}

const answerable = new Set([200, 201, 403, 404, 409, 412, 422]);
const pageAnswers = new Set([200, 409, 410]);

// ---------------------------------------------------------------------------------------
// Customers

interface CustomerSpec {
  name: string;
  tenantId: string;
  acquiredAs: 'direct_bill' | 'indirect_reseller';
  mcaAcceptance: 'none' | 'partner_attestation' | 'admin_center';
  providerNeedsAdmin: boolean;
  billTo: { companyName: string; email: string; country: string };
  subscriptions: Array<{ id: string; offer: string; kind: 'nce_license'; quantity: number }>;
}

function customerSpec(rng: Rng, n: number, overrides: Partial<CustomerSpec> = {}): CustomerSpec {
  return {
    name: `Customer ${n}`,
    tenantId: rng.uuid(),
    acquiredAs: rng.chance(0.15) ? 'indirect_reseller' : 'direct_bill',
    mcaAcceptance: rng.pick(['none', 'partner_attestation', 'admin_center'] as const),
    providerNeedsAdmin: rng.chance(0.15),
    billTo: {
      companyName: `Customer ${n} GmbH`,
      email: `billing${n}@customer.example`,
      country: 'DE',
    },
    subscriptions: Array.from({ length: rng.int(1, 2) }, (_, j) => ({
      id: `c${n}-s${j}`,
      offer: 'Microsoft 365 E3',
      kind: 'nce_license' as const,
      quantity: rng.int(1, 50),
    })),
    ...overrides,
  };
}

const grant = {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Jung', email: 'carla@customer.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
};
const acceptance = {
  type: 'ACCEPTANCE_RECORDED',
  acceptedBy: { firstName: 'Ann', lastName: 'Lee', email: 'ann@customer.example' },
  dateAgreed: '2026-01-15',
};

// ---------------------------------------------------------------------------------------
// A program: one partner's move, the requests it sent and what went wrong on the wire

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

interface KeptLink {
  relationshipId: string;
  path: string;
}

class Program {
  readonly rng: Rng;
  readonly problems: string[] = [];
  readonly imports: ImportRecord[] = [];
  readonly specs = new Map<string, CustomerSpec>();
  readonly links: KeptLink[] = [];
  /** Exclusions fired at the same moment as the customer's last subscription transfer. */
  races = 0;
  #customers = 0;

  constructor(
    readonly seed: number,
    readonly partner: Partner & { enrollmentId: string },
    readonly provider: Provider,
  ) {
    this.rng = new Rng(seed);
  }

  get label(): string {
    return `seed ${this.seed}:`;
  }

  get transitionId(): string {
    return this.partner.transitionId;
  }

  token(role: Role): string {
    switch (role) {
      case 'manager':
        return this.partner.manager;
      case 'global_admin':
        return this.partner.globalAdmin;
      case 'provider':
        return this.provider.token;
      case 'admin':
        return adminToken;
      case 'auditor':
        return auditorToken;
      case 'stranger':
        return strangerToken;
    }
  }

  newCustomer(rng: Rng, overrides: Partial<CustomerSpec> = {}): CustomerSpec {
    this.#customers += 1;
    return customerSpec(rng, this.#customers, overrides);
  }

  subscriptionsOf(customerId: string | undefined): string[] {
    const spec = customerId ? this.specs.get(customerId) : undefined;
    return spec?.subscriptions.map((s) => s.id) ?? ['unknown-subscription'];
  }
}

/**
 * One request of a program. Every answer must be one the API may give a correct request
 * (a 5xx, or no answer at all, is a failure); `expected` narrows it where the role decides.
 */
async function send(
  p: Program,
  server: number,
  role: Role,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  expected?: readonly number[],
): Promise<Answer | undefined> {
  const what = `${method} ${path} as ${role} on server ${server}${
    body === undefined ? '' : ` ${JSON.stringify(body).slice(0, 300)}`
  }`;
  let status: number;
  let text: string;
  try {
    ({ status, text } = await apis[server]!.request(method, path, { token: p.token(role), body }));
  } catch (error) {
    p.problems.push(`${p.label} ${what} → no answer: ${String(error)}`);
    return undefined;
  }
  tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
  if (!answerable.has(status))
    p.problems.push(
      `${p.label} ${what} → ${status} ${text.slice(0, 800)}\n    server ${server} log: ${serverErrors(server)}`,
    );
  else if (expected && !expected.includes(status))
    p.problems.push(
      `${p.label} ${what} → ${status}, expected ${expected.join(' or ')}: ${text.slice(0, 300)}`,
    );
  return { status, body: parseJson(text), text };
}

/** The server's last logged errors: a 5xx is explained there, with its stack. */
function serverErrors(server: number): string {
  const lines = servers[server]!.output.split('\n').filter((line) => line.includes('"err"'));
  return lines.slice(-2).join('\n').slice(-3000) || '(nothing logged)';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The customer's consent page, as a browser would send it. */
async function consentPage(
  p: Program,
  server: number,
  path: string,
  form?: Record<string, string>,
): Promise<number | undefined> {
  const what = `${form ? 'POST' : 'GET'} /consent/… on server ${server}${form ? ` ${form.decision}` : ''}`;
  try {
    const res = await fetch(`${apis[server]!.base}${path}`, {
      method: form ? 'POST' : 'GET',
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    const text = await res.text();
    tally.statuses.set(res.status, (tally.statuses.get(res.status) ?? 0) + 1);
    if (!pageAnswers.has(res.status))
      p.problems.push(`${p.label} ${what} → ${res.status} ${text.slice(0, 500)}`);
    return res.status;
  } catch (error) {
    p.problems.push(`${p.label} ${what} → no answer: ${String(error)}`);
    return undefined;
  }
}

function consentForm(decision: 'consent' | 'decline'): Record<string, string> {
  return decision === 'consent'
    ? { decision, name: 'Carla Jung', email: 'carla@customer.example' }
    : { decision, reason: 'not now' };
}

/** A read the harness itself needs: anything but 200 stops the program. */
async function read<T>(server: number, path: string, token = auditorToken): Promise<T> {
  return apis[server]!.call<T>(token, 'GET', path, undefined, [200]);
}

/** The servers and the tables, as the move's observation reads them (as the auditor). */
function reader(): MoveReader {
  return { db, get: (path, server) => read(server % apis.length, path) };
}

function listWorkflows(server: number, query: string): Promise<WorkflowView[]> {
  return listMoveWorkflows(reader(), query, server);
}

async function importCustomers(
  p: Program,
  server: number,
  role: Role,
  specs: CustomerSpec[],
): Promise<Answer | undefined> {
  const sentAt = Date.now();
  const answer = await send(
    p,
    server,
    role,
    'POST',
    `/v1/partners/${p.partner.id}/customers`,
    specs,
  );
  const items = (answer?.body as { items?: Array<{ id: string }> } | undefined)?.items;
  if (answer?.status === 201 && items) {
    items.forEach((item, i) => p.specs.set(item.id, specs[i]!));
    p.imports.push({ customerIds: items.map((c) => c.id), sentAt, answeredAt: Date.now() });
  }
  return answer;
}

// ---------------------------------------------------------------------------------------
// Setting a move up

/** A partner with its people and a transition whose provider's invitation waits to be accepted. */
async function startProgram(seed: number): Promise<Program> {
  const api = apis[0]!;
  const partner = await partnerInEnrolling(api, adminToken);
  const provider = await createProvider(apis[1]!, adminToken);
  await toInvitationSent(api, adminToken, partner, provider);
  return new Program(seed, partner, provider);
}

function acceptInvitation(p: Program, server: number): Promise<Answer | undefined> {
  return send(
    p,
    server,
    'global_admin',
    'POST',
    `/v1/workflows/${p.transitionId}/events`,
    { type: 'PROVIDER_INVITATION_ACCEPTED', providerId: p.provider.id },
    [200],
  );
}

/** Splits items into `parts` non-empty runs (fewer when there are fewer items). */
function split<T>(rng: Rng, items: T[], parts: number): T[][] {
  const runs: T[][] = [];
  let rest = items;
  for (let left = Math.min(parts, items.length); left > 0; left -= 1) {
    const size = left === 1 ? rest.length : rng.int(1, rest.length - left + 1);
    runs.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  return runs;
}

/**
 * Imports the first customers, before or at the same moment as the step that plans them:
 * an import racing PROVIDER_INVITATION_ACCEPTED must be planned by one side or the other.
 */
async function enterMigration(p: Program): Promise<void> {
  const { rng } = p;
  const specs = rng.shuffle([
    ...Array.from({ length: rng.int(2, 8) }, () =>
      p.newCustomer(rng, { acquiredAs: 'direct_bill' }),
    ),
    ...Array.from({ length: rng.int(0, 2) }, () =>
      p.newCustomer(rng, { acquiredAs: 'indirect_reseller' }),
    ),
  ]);
  const server = () => rng.int(0, 1);
  const role = () => rng.pick(partnerSide);
  if (rng.chance(0.5)) {
    for (const run of split(rng, specs, rng.int(1, 2)))
      await importCustomers(p, server(), role(), run);
    await acceptInvitation(p, server());
    return;
  }
  const before = rng.int(0, specs.length - 1);
  for (const run of split(rng, specs.slice(0, before), 2))
    await importCustomers(p, server(), role(), run);
  const racing = split(rng, specs.slice(before), rng.int(1, 3)).map(
    (run) => () => importCustomers(p, server(), role(), run),
  );
  const accept = () => acceptInvitation(p, server());
  await Promise.all(rng.shuffle([accept, ...racing]).map((go) => go()));
}

// ---------------------------------------------------------------------------------------
// What a program sees between waves

interface CustomerModel {
  id: string;
  relationship?: WorkflowView;
  mca?: WorkflowView;
  transfer?: WorkflowView;
}

interface Model {
  transition: WorkflowView;
  children: WorkflowView[];
  customers: CustomerModel[];
}

async function readModel(p: Program): Promise<Model> {
  const server = p.rng.int(0, 1);
  const [transition, children] = await Promise.all([
    read<WorkflowView>(server, `/v1/workflows/${p.transitionId}`),
    listWorkflows(server, `parentId=${p.transitionId}`),
  ]);
  const byCustomer = new Map<string, CustomerModel>();
  for (const child of children) {
    if (!child.customerId) continue;
    const model = byCustomer.get(child.customerId) ?? { id: child.customerId };
    // Oldest first: the last one seen of each machine is the newest.
    if (child.machine === 'resellerRelationship') model.relationship = child;
    if (child.machine === 'mcaReacceptance') model.mca = child;
    if (child.machine === 'subscriptionTransfer') model.transfer = child;
    byCustomer.set(child.customerId, model);
  }
  return { transition, children, customers: [...byCustomer.values()] };
}

type TransferResults = Record<string, { status: string }>;

function resultsOf(transfer: WorkflowView): TransferResults {
  return (transfer.context.results ?? {}) as TransferResults;
}

function idsWith(transfer: WorkflowView, status: string): string[] {
  return Object.entries(resultsOf(transfer))
    .filter(([, r]) => r.status === status)
    .map(([id]) => id);
}

/** Excluded, or its move cancelled: its open workflows were cancelled by the parent. */
function cutOff(c: CustomerModel): boolean {
  return [c.relationship, c.mca, c.transfer].some(
    (w) => w?.status === 'cancelled' && w.state !== 'cancelled',
  );
}

// ---------------------------------------------------------------------------------------
// Steps and operations

interface EventStep {
  kind: 'event';
  server: number;
  role: Role;
  workflow: WorkflowView;
  body: Record<string, unknown> & { type: string };
  /** A request meant to be refused with one of these: the answer is checked, the chain goes on. */
  probe?: readonly number[];
}

type Step =
  | EventStep
  | { kind: 'createLink'; server: number; role: Role; workflow: WorkflowView; keep: boolean }
  | { kind: 'answerLink'; server: number; decision: 'consent' | 'decline' };

interface Op {
  label: string;
  run: () => Promise<void>;
}

function event(
  r: Rng,
  workflow: WorkflowView,
  role: Role,
  body: Record<string, unknown> & { type: string },
): EventStep {
  return { kind: 'event', server: r.int(0, 1), role, workflow, body };
}

/** Now and then, the same event first from a role that may not send it. */
function withProbes(r: Rng, steps: Step[]): Step[] {
  return steps.flatMap((step) => {
    if (step.kind !== 'event' || !r.chance(0.08)) return [step];
    const wrong = allRoles.filter((role) => !maySend(step.workflow.machine, step.body.type, role));
    const role = r.pick(wrong);
    return [{ ...step, role, probe: refusalFor(role) }, step];
  });
}

/** Runs steps in order; stops at the first one refused. Returns whether all went through. */
async function runChain(p: Program, steps: readonly Step[]): Promise<boolean> {
  let link: string | undefined;
  for (const step of steps) {
    switch (step.kind) {
      case 'event': {
        const answer = await send(
          p,
          step.server,
          step.role,
          'POST',
          `/v1/workflows/${step.workflow.id}/events`,
          step.body,
          step.probe,
        );
        if (!step.probe && answer?.status !== 200) return false;
        break;
      }
      case 'createLink': {
        const answer = await send(
          p,
          step.server,
          step.role,
          'POST',
          `/v1/workflows/${step.workflow.id}/consent-requests`,
          {},
        );
        const url = (answer?.body as { url?: string } | undefined)?.url;
        if (answer?.status !== 201 || !url) return false;
        link = new URL(url).pathname;
        if (step.keep) {
          p.links.push({ relationshipId: step.workflow.id, path: link });
          return false;
        }
        break;
      }
      case 'answerLink': {
        if (!link) return false;
        const status = await consentPage(p, step.server, link, consentForm(step.decision));
        if (status !== 200) return false;
        break;
      }
    }
  }
  return true;
}

function relationshipSteps(p: Program, r: Rng, rel: WorkflowView): Step[] {
  const role = () => r.pick(partnerSide);
  const consent = (): Step[] => {
    const x = r.next();
    if (x < 0.6) return [event(r, rel, role(), grant)];
    const create = (keep: boolean): Step => ({
      kind: 'createLink',
      server: r.int(0, 1),
      role: role(),
      workflow: rel,
      keep,
    });
    if (x < 0.8)
      return [create(false), { kind: 'answerLink', server: r.int(0, 1), decision: 'consent' }];
    // Kept for a later wave, where it may meet an exclusion, a cancellation or a revocation.
    if (x < 0.9) return [create(true)];
    if (x < 0.95)
      return [create(false), { kind: 'answerLink', server: r.int(0, 1), decision: 'decline' }];
    return [event(r, rel, role(), { type: 'CONSENT_DECLINED', reason: 'the customer said no' })];
  };
  const revoke = () => event(r, rel, role(), { type: 'CONSENT_REVOKED', reason: 'changed mind' });
  const share = () => event(r, rel, role(), { type: 'BILL_TO_SHARING_CONFIRMED' });
  const byProvider = () => (r.chance(0.8) ? 'provider' : 'admin');
  const gdapRequest = () =>
    event(r, rel, byProvider(), {
      type: 'GDAP_REQUESTED',
      roles: ['Helpdesk Administrator'],
      durationDays: r.int(1, 730),
    });
  const approve = () =>
    event(r, rel, r.pick(['provider', ...partnerSide] as const), { type: 'GDAP_APPROVED' });
  const activate = () => event(r, rel, byProvider(), { type: 'GDAP_ACTIVATED' });
  // A request sometimes lapses or is ended before it is active, and is asked for again.
  const gdap = (): Step[] =>
    r.chance(0.1)
      ? [gdapRequest(), event(r, rel, byProvider(), { type: 'GDAP_EXPIRED' })]
      : [gdapRequest(), approve(), activate()];
  const accept = () => event(r, rel, role(), { type: 'RELATIONSHIP_ACCEPTED' });
  const afterConsent = (): Step[] => (r.chance(0.1) ? [share(), revoke()] : [share(), accept()]);
  const needsAdmin = rel.context.providerNeedsAdmin === true;
  switch (rel.state) {
    case 'choosingMethod':
      if (needsAdmin || r.chance(0.45))
        return [
          ...(needsAdmin && r.chance(0.3)
            ? [{ ...event(r, rel, role(), { type: 'USE_EXTENSION' }), probe: [409, 422] }]
            : []),
          event(r, rel, role(), { type: 'USE_INVITATION' }),
          event(r, rel, role(), { type: 'INVITATION_ACCEPTED' }),
          ...(needsAdmin ? gdap() : []),
        ];
      return [event(r, rel, role(), { type: 'USE_EXTENSION' }), ...consent(), ...afterConsent()];
    case 'awaitingConsent':
      return [...consent(), ...afterConsent()];
    case 'billToSharing':
      return r.chance(0.15) ? [revoke()] : [share(), accept()];
    case 'awaitingCustomerAcceptance':
      return r.chance(0.1) ? [revoke()] : [accept()];
    case 'invitationSent':
      return [
        event(r, rel, role(), { type: 'INVITATION_ACCEPTED' }),
        ...(needsAdmin ? gdap() : []),
      ];
    case 'awaitingGdap':
      return gdap();
    case 'gdapRequested':
      return [approve(), activate()];
    case 'gdapApproved':
      return [activate()];
    default:
      return [];
  }
}

function mcaSteps(r: Rng, mca: WorkflowView, lastWave: boolean): Step[] {
  const record = () =>
    r.chance(0.15)
      ? event(r, mca, r.chance(0.8) ? 'provider' : 'admin', {
          type: 'ACCEPTED_IN_ADMIN_CENTER',
          dateAgreed: acceptance.dateAgreed,
        })
      : event(r, mca, r.chance(0.8) ? 'provider' : 'admin', acceptance);
  switch (mca.state) {
    case 'awaitingAcceptance':
      return [
        event(r, mca, r.pick(partnerSide), { type: 'ACCEPTANCE_REQUESTED' }),
        // Sometimes left requested: its reminder timer is then there to be fired.
        ...(lastWave || r.chance(0.85) ? [record()] : []),
      ];
    case 'requested':
      return [record()];
    default:
      return [];
  }
}

const beforeSubmission = ['agreement', 'detailsReview', 'awaitingTransferRequest', 'sourceReview'];

function transferSteps(p: Program, r: Rng, transfer: WorkflowView, lastWave: boolean): Step[] {
  const subscriptions = p.subscriptionsOf(transfer.customerId);
  const role = () => r.pick(partnerSide);
  const settle = (id: string): Step =>
    r.chance(lastWave ? 0.02 : 0.08)
      ? event(r, transfer, r.chance(0.8) ? 'provider' : 'admin', {
          type: 'SUBSCRIPTION_TRANSFER_FAILED',
          subscriptionId: id,
          reason: 'seat limit',
        })
      : event(r, transfer, r.chance(0.8) ? 'provider' : 'admin', {
          type: 'SUBSCRIPTION_TRANSFERRED',
          subscriptionId: id,
          newSubscriptionId: `new-${id}-${r.int(0, 9999)}`,
        });
  const stages: Step[] = [
    event(r, transfer, role(), { type: 'CUSTOMER_AGREED' }),
    event(r, transfer, r.pick(['provider', ...partnerSide] as const), {
      type: 'DETAILS_CONFIRMED',
      subscriptionIds: subscriptions,
    }),
    event(r, transfer, 'provider', {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@customer.example',
      sourcePartnerTenantId: p.partner.tenantId,
      partnerOnRecord: p.partner.mpnId,
    }),
    event(r, transfer, role(), { type: 'TRANSFER_SUBMITTED', subscriptionIds: subscriptions }),
  ];
  let steps: Step[];
  const from = beforeSubmission.indexOf(transfer.state);
  if (from >= 0) steps = [...stages.slice(from), ...subscriptions.map(settle)];
  else if (transfer.state === 'transferring') steps = idsWith(transfer, 'pending').map(settle);
  else if (transfer.state === 'partiallyFailed') {
    const failed = idsWith(transfer, 'failed');
    // The completed request cannot change: a retry waits for a new one.
    steps = [
      event(r, transfer, role(), { type: 'RETRY', subscriptionIds: failed }),
      stages[2]!,
      event(r, transfer, role(), { type: 'TRANSFER_SUBMITTED', subscriptionIds: failed }),
      ...failed.map(settle),
    ];
  } else steps = [];
  // Stopping one short leaves a last transfer for the next wave to race an exclusion with.
  if (steps.length > 1 && r.chance(lastWave ? 0.05 : 0.45)) steps = steps.slice(0, -1);
  else if (steps.length > 1 && r.chance(0.1)) steps = steps.slice(0, r.int(1, steps.length - 1));
  return withProbes(r, steps);
}

/**
 * A customer's next steps: its relationship and MCA side by side, then its transfer, which
 * the report that settled the pair created in the meantime.
 */
function driveCustomer(p: Program, c: CustomerModel, r: Rng, lastWave: boolean): Op {
  const rel =
    c.relationship?.status === 'active'
      ? withProbes(r, relationshipSteps(p, r, c.relationship))
      : [];
  const mca = c.mca?.status === 'active' ? withProbes(r, mcaSteps(r, c.mca, lastWave)) : [];
  return {
    label: `drive ${c.id}`,
    run: async () => {
      const [relDone, mcaDone] = await Promise.all([runChain(p, rel), runChain(p, mca)]);
      let transfer = c.transfer?.status === 'active' ? c.transfer : undefined;
      if (!transfer && !c.transfer && relDone && mcaDone) {
        const found = await listWorkflows(
          r.int(0, 1),
          `parentId=${p.transitionId}&customerId=${c.id}&machine=subscriptionTransfer`,
        );
        transfer = found.at(-1)?.status === 'active' ? found.at(-1) : undefined;
      }
      if (transfer) await runChain(p, transferSteps(p, r, transfer, lastWave));
    },
  };
}

function transitionEvent(
  p: Program,
  r: Rng,
  role: Role,
  body: Record<string, unknown> & { type: string },
  expected?: readonly number[],
): Op {
  return {
    label: `${body.type} ${typeof body.customerId === 'string' ? body.customerId : ''} as ${role}`,
    run: async () => {
      await send(
        p,
        r.int(0, 1),
        role,
        'POST',
        `/v1/workflows/${p.transitionId}/events`,
        body,
        expected,
      );
    },
  };
}

function exclude(p: Program, r: Rng, customerId: string): Op {
  return transitionEvent(p, r, r.pick(partnerSide), {
    type: 'EXCLUDE_CUSTOMER',
    customerId,
    reason: 'stays direct for now',
  });
}

function replan(p: Program, r: Rng, customerId: string): Op {
  return transitionEvent(p, r, r.pick(partnerSide), { type: 'REPLAN_CUSTOMER', customerId });
}

/** A plausible payload for any event of a machine: the state decides whether it applies. */
function anyEventBody(
  p: Program,
  r: Rng,
  workflow: WorkflowView,
  type: string,
  customers: readonly CustomerModel[],
): Record<string, unknown> & { type: string } {
  const subscriptions = p.subscriptionsOf(workflow.customerId);
  switch (type) {
    case 'CONSENT_GRANTED':
      return grant;
    case 'ACCEPTANCE_RECORDED':
      return acceptance;
    case 'CONSENT_DECLINED':
    case 'CONSENT_REVOKED':
    case 'CANCEL':
      return { type, reason: 'stray' };
    case 'DETAILS_CONFIRMED':
    case 'TRANSFER_SUBMITTED':
    case 'RETRY':
      return { type, subscriptionIds: subscriptions };
    case 'TRANSFER_REQUEST_CREATED':
      return {
        type,
        customerEmail: 'it@customer.example',
        sourcePartnerTenantId: p.partner.tenantId,
        partnerOnRecord: p.partner.mpnId,
      };
    case 'SUBSCRIPTION_TRANSFERRED':
      return {
        type,
        subscriptionId: r.pick(subscriptions),
        newSubscriptionId: `stray-${r.int(0, 999)}`,
      };
    case 'SUBSCRIPTION_TRANSFER_FAILED':
      return { type, subscriptionId: r.pick(subscriptions), reason: 'stray' };
    case 'EXCLUDE_CUSTOMER':
      return {
        type,
        customerId: customers.length ? r.pick(customers).id : 'cus_none',
        reason: 'stray',
      };
    case 'REPLAN_CUSTOMER':
      return { type, customerId: customers.length ? r.pick(customers).id : 'cus_none' };
    default:
      return { type };
  }
}

/**
 * An event from the list to any workflow of the move, by any role. On the transition only
 * roles that may not send it: a stray CANCEL from a Global admin would end every program.
 */
function stray(p: Program, r: Rng, model: Model): Op {
  const targets = [model.transition, ...model.children.filter((c) => c.machine !== 'enrollment')];
  const workflow = r.pick(targets);
  const type = r.pick(Object.keys(eventRoles[workflow.machine] ?? {}));
  const roles =
    workflow.machine === 'transition'
      ? allRoles.filter((role) => !maySend(workflow.machine, type, role))
      : allRoles;
  const role = r.pick(roles);
  const body = anyEventBody(p, r, workflow, type, model.customers);
  const step: Step = {
    kind: 'event',
    server: r.int(0, 1),
    role,
    workflow,
    body,
    ...(maySend(workflow.machine, type, role) ? {} : { probe: refusalFor(role) }),
  };
  return {
    label: `stray ${type} to ${workflow.machine} as ${role}`,
    run: async () => {
      await runChain(p, [step]);
    },
  };
}

function answerKeptLink(p: Program, r: Rng, link: KeptLink): Op {
  const look = r.chance(0.3);
  const decision = r.chance(0.75) ? ('consent' as const) : ('decline' as const);
  const server = r.int(0, 1);
  return {
    label: `answer kept link of ${link.relationshipId} (${decision})`,
    run: async () => {
      if (look) await consentPage(p, server, link.path);
      await consentPage(p, server, link.path, consentForm(decision));
    },
  };
}

/** Makes every timer of the move due; the servers' workers fire them within 200 ms. */
function timersDue(p: Program): Op {
  return {
    label: 'timers due',
    run: async () => {
      await db.raw(
        `UPDATE timers SET due_at = now() - interval '1 second'
         WHERE workflow_id IN (SELECT id FROM workflows WHERE partner_id = ?)`,
        [p.partner.id],
      );
    },
  };
}

function importMore(p: Program, r: Rng): Op {
  const specs = Array.from({ length: r.int(1, 2) }, () => p.newCustomer(r));
  const server = r.int(0, 1);
  const role = r.pick(partnerSide);
  return {
    label: `import ${specs.length}`,
    run: async () => {
      await importCustomers(p, server, role, specs);
    },
  };
}

/** One wave: every operation decided from what the model shows, then all sent at once. */
function planWave(p: Program, model: Model, lastWave: boolean, cancelNow: boolean): Op[] {
  const { rng } = p;
  const ops: Op[] = [];
  const open = model.transition.status === 'active';
  for (const c of model.customers) {
    const r = rng.fork();
    if (open && !cutOff(c)) {
      const pending =
        c.transfer?.status === 'active' && c.transfer.state === 'transferring'
          ? idsWith(c.transfer, 'pending')
          : [];
      if (rng.chance(0.9)) ops.push(driveCustomer(p, c, r, lastWave));
      if (pending.length === 1 && rng.chance(0.5)) {
        // The race this test is for: an exclusion meeting the customer's last transfer.
        ops.push(exclude(p, r, c.id));
        p.races += 1;
      } else if (rng.chance(0.02)) ops.push(exclude(p, r, c.id));
      if (c.relationship?.state === 'declined') {
        if (rng.chance(0.65)) ops.push(replan(p, r, c.id));
        else if (rng.chance(0.5)) ops.push(exclude(p, r, c.id));
      }
      if (c.transfer?.state === 'cancelled' && rng.chance(0.7)) ops.push(replan(p, r, c.id));
      if (
        c.transfer?.status === 'active' &&
        beforeSubmission.includes(c.transfer.state) &&
        rng.chance(0.03)
      )
        ops.push({
          label: `cancel transfer of ${c.id}`,
          run: async () => {
            await runChain(p, [
              event(r, c.transfer!, r.pick(['provider', ...partnerSide] as const), {
                type: 'CANCEL',
                reason: 'customer asked to wait',
              }),
            ]);
          },
        });
    }
  }
  for (const link of p.links.splice(0)) {
    if (rng.chance(0.6)) ops.push(answerKeptLink(p, rng.fork(), link));
    else p.links.push(link);
  }
  if (rng.chance(0.4)) ops.push(timersDue(p));
  if (rng.chance(lastWave ? 0.15 : 0.3))
    for (let i = rng.int(1, 2); i > 0; i -= 1) ops.push(importMore(p, rng.fork()));
  for (let i = rng.int(0, 3); i > 0; i -= 1) ops.push(stray(p, rng.fork(), model));
  if (rng.chance(0.1))
    ops.push(
      transitionEvent(p, rng.fork(), 'manager', { type: 'CANCEL', reason: 'not mine' }, [403]),
    );
  if (cancelNow)
    ops.push(
      transitionEvent(p, rng.fork(), 'global_admin', {
        type: 'CANCEL',
        reason: 'the partner stops',
      }),
    );
  return rng.shuffle(ops);
}

/** Waits for every op, then fails with the first harness error, if any. */
async function fireAtOnce(ops: readonly Op[]): Promise<void> {
  const settled = await Promise.allSettled(ops.map((op) => op.run()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

// ---------------------------------------------------------------------------------------
// Quiet, then observe

/** Waits until no timer of the move is due (fired and committed) or the deadline passes. */
async function quiesce(p: Program, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [row] = await db('timers')
      .whereIn('workflow_id', db('workflows').select('id').where('partner_id', p.partner.id))
      .andWhere('due_at', '<=', db.fn.now())
      .count<Array<{ count: string | number }>>({ count: '*' });
    if (Number(row?.count ?? 0) === 0) return;
    if (performance.now() > deadline) {
      p.problems.push(`${p.label} timers were still due ${timeoutMs} ms after the last wave`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function observe(p: Program): Promise<MoveObservation> {
  return observeMove(reader(), {
    label: p.label,
    partnerId: p.partner.id,
    transitionId: p.transitionId,
    imports: p.imports,
  });
}

// ---------------------------------------------------------------------------------------
// The random programs

const tally = {
  statuses: new Map<number, number>(),
  transitions: new Map<string, number>(),
  planned: 0,
  moved: 0,
  excluded: 0,
  races: 0,
  /** Where the customers neither moved nor excluded stopped: tells whether programs progress. */
  stoppedAt: new Map<string, number>(),
};

function tallyStops(o: MoveObservation): void {
  const settled = new Set(o.outcomes.map((r) => r.customerId));
  const newest = new Map<string, Map<string, WorkflowView>>();
  for (const child of o.children) {
    if (!child.customerId || settled.has(child.customerId)) continue;
    const kids = newest.get(child.customerId) ?? new Map<string, WorkflowView>();
    kids.set(child.machine, child);
    newest.set(child.customerId, kids);
  }
  for (const kids of newest.values()) {
    const transfer = kids.get('subscriptionTransfer');
    const where = transfer
      ? `transfer ${transfer.state}/${transfer.status}`
      : `relationship ${kids.get('resellerRelationship')?.state}/${kids.get('resellerRelationship')?.status} mca ${kids.get('mcaReacceptance')?.state}`;
    tally.stoppedAt.set(where, (tally.stoppedAt.get(where) ?? 0) + 1);
  }
}

function replayCommand(seed: number): string {
  return `MOVE_SEED=${seed} MOVE_PROGRAMS=1 npm run test:chaos -- move-invariants -t 'random programs'`;
}

async function runProgram(seed: number): Promise<string[]> {
  let p: Program | undefined;
  try {
    p = await startProgram(seed);
    const waves = p.rng.int(2, 4);
    // About one program in eight is cancelled, in any of its waves.
    const cancelWave = p.rng.chance(1 / 8) ? p.rng.int(0, waves - 1) : -1;
    await enterMigration(p);
    for (let wave = 0; wave < waves; wave += 1) {
      const model = await readModel(p);
      await fireAtOnce(planWave(p, model, wave === waves - 1, wave === cancelWave));
    }
    await quiesce(p);
    const observation = await observe(p);
    tally.races += p.races;
    const state = observation.transition.state;
    tally.transitions.set(state, (tally.transitions.get(state) ?? 0) + 1);
    tally.planned += Number(observation.transition.context.customersTotal ?? 0);
    tally.moved += observation.outcomes.filter((o) => o.outcome === 'moved').length;
    tally.excluded += observation.outcomes.filter((o) => o.outcome === 'excluded').length;
    tallyStops(observation);
    return [...p.problems, ...checkMove(observation)];
  } catch (error) {
    const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return [...(p?.problems ?? []), `seed ${seed}: the program stopped: ${why}`];
  }
}

describe('a move keeps its promises under random concurrent programs', () => {
  it('when random programs of imports, exclusions, re-plans, cancellations, child events, consent links and timers race over two servers, then I1–I6 hold after each', async () => {
    const base = process.env.MOVE_SEED ? Number(process.env.MOVE_SEED) : randomInt(1, 2 ** 31);
    const programs = Number(process.env.MOVE_PROGRAMS ?? 200);
    expect(
      Number.isSafeInteger(base) && Number.isSafeInteger(programs),
      'MOVE_SEED, MOVE_PROGRAMS',
    ).toBe(true);
    console.log(`move-invariants: base seed ${base}, ${programs} programs`);
    const started = performance.now();
    const failures = new Map<number, string[]>();
    for (let i = 0; i < programs; i += 1) {
      const seed = base + i;
      const found = await runProgram(seed);
      if (found.length > 0) failures.set(seed, found);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    // The engine retries a deadlock, so most never reach an answer; each one is still two
    // writers that took their locks in different orders. Postgres flushes this counter
    // lazily: it is a lower bound.
    const [stat] = await db<{ deadlocks: string | number }>('pg_stat_database')
      .where('datname', db.raw('current_database()'))
      .select('deadlocks');
    console.log(
      `move-invariants: ${programs} programs in ${seconds} s; transitions ${JSON.stringify(Object.fromEntries(tally.transitions))}; ` +
        `customers planned ${tally.planned}, moved ${tally.moved}, excluded ${tally.excluded}; ` +
        `${tally.races} exclusions raced a last transfer; answers ${JSON.stringify(Object.fromEntries(tally.statuses))}; ` +
        `Postgres counted at least ${Number(stat?.deadlocks ?? 0)} deadlocks; ` +
        `the others stopped at ${JSON.stringify(Object.fromEntries(tally.stoppedAt))}`,
    );
    const report = [...failures].map(
      ([seed, found]) =>
        `seed ${seed} (${found.length} violations), replay: ${replayCommand(seed)}\n  ${found.slice(0, 40).join('\n  ')}`,
    );
    expect(
      [...failures.keys()],
      `${failures.size} of ${programs} programs broke a promise (base seed ${base}):\n${report.join('\n')}`,
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// The failures once reported, each replayed exactly

async function must(
  p: Program,
  server: number,
  role: Role,
  workflowId: string,
  body: Record<string, unknown> & { type: string },
  status = 200,
): Promise<Answer> {
  const answer = await send(p, server, role, 'POST', `/v1/workflows/${workflowId}/events`, body);
  expect(
    answer?.status,
    `${body.type} to ${workflowId} as ${role}: ${answer?.text ?? 'no answer'}`,
  ).toBe(status);
  return answer!;
}

async function newest(machine: string, p: Program, customerId: string): Promise<WorkflowView> {
  const found = await listWorkflows(
    0,
    `parentId=${p.transitionId}&customerId=${customerId}&machine=${machine}`,
  );
  expect(found.length, `${machine} of ${customerId}`).toBeGreaterThan(0);
  return found.at(-1)!;
}

/** A move with these customers imported, migrating; returns their ids in order. */
async function migratingWith(
  seed: number,
  build: (p: Program) => CustomerSpec[],
): Promise<[Program, string[]]> {
  const p = await startProgram(seed);
  const answer = await importCustomers(p, 0, 'manager', build(p));
  expect(answer?.status, answer?.text).toBe(201);
  await acceptInvitation(p, 1);
  return [p, p.imports.flatMap((i) => i.customerIds)];
}

/** Relationship by invitation, MCA settled, transfer submitted: its subscriptions are pending. */
async function toTransferring(
  p: Program,
  customerId: string,
  server: number,
): Promise<WorkflowView> {
  const rel = await newest('resellerRelationship', p, customerId);
  await must(p, server, 'manager', rel.id, { type: 'USE_INVITATION' });
  await must(p, 1 - server, 'manager', rel.id, { type: 'INVITATION_ACCEPTED' });
  const mca = await newest('mcaReacceptance', p, customerId);
  if (mca.status === 'active') {
    await must(p, server, 'manager', mca.id, { type: 'ACCEPTANCE_REQUESTED' });
    await must(p, 1 - server, 'provider', mca.id, acceptance);
  }
  const transfer = await newest('subscriptionTransfer', p, customerId);
  const subscriptionIds = p.subscriptionsOf(customerId);
  await must(p, server, 'manager', transfer.id, { type: 'CUSTOMER_AGREED' });
  await must(p, 1 - server, 'provider', transfer.id, {
    type: 'DETAILS_CONFIRMED',
    subscriptionIds,
  });
  await must(p, server, 'provider', transfer.id, {
    type: 'TRANSFER_REQUEST_CREATED',
    customerEmail: 'it@customer.example',
    sourcePartnerTenantId: p.partner.tenantId,
    partnerOnRecord: p.partner.mpnId,
  });
  await must(p, 1 - server, 'manager', transfer.id, {
    type: 'TRANSFER_SUBMITTED',
    subscriptionIds,
  });
  return transfer;
}

async function expectPromisesKept(p: Program): Promise<MoveObservation> {
  await quiesce(p);
  const observation = await observe(p);
  expect([...p.problems, ...checkMove(observation)], `${p.label} the move's invariants`).toEqual(
    [],
  );
  return observation;
}

describe('regressions: each reported break of a move, replayed exactly', () => {
  for (const ending of ['EXCLUDE_CUSTOMER', 'CANCEL'] as const) {
    it(`when the customers' workflows were cancelled by ${ending}, then no event moves them and their consent link records nothing`, async () => {
      const [p, [a, b]] = await migratingWith(1001, (p) => [
        p.newCustomer(p.rng, {
          acquiredAs: 'direct_bill',
          mcaAcceptance: 'none',
          providerNeedsAdmin: false,
        }),
        p.newCustomer(p.rng, {
          acquiredAs: 'direct_bill',
          mcaAcceptance: 'none',
          providerNeedsAdmin: false,
        }),
      ]);
      // a: relationship still choosing, MCA requested. b: relationship awaiting consent
      // with an open link, MCA not requested yet.
      const relA = await newest('resellerRelationship', p, a!);
      const mcaA = await newest('mcaReacceptance', p, a!);
      const relB = await newest('resellerRelationship', p, b!);
      const mcaB = await newest('mcaReacceptance', p, b!);
      await must(p, 0, 'manager', mcaA.id, { type: 'ACCEPTANCE_REQUESTED' });
      await must(p, 1, 'manager', relB.id, { type: 'USE_EXTENSION' });
      const link = await send(
        p,
        0,
        'manager',
        'POST',
        `/v1/workflows/${relB.id}/consent-requests`,
        {},
        [201],
      );
      const path = new URL((link!.body as { url: string }).url).pathname;

      if (ending === 'CANCEL')
        await must(p, 1, 'global_admin', p.transitionId, { type: 'CANCEL', reason: 'stop' });
      else
        for (const c of [a!, b!])
          await must(p, 1, 'manager', p.transitionId, {
            type: 'EXCLUDE_CUSTOMER',
            customerId: c,
            reason: 'stays direct',
          });

      for (const [server, type] of [
        [0, 'USE_INVITATION'],
        [1, 'INVITATION_ACCEPTED'],
      ] as const) {
        const refused = await must(p, server, 'manager', relA.id, { type }, 409);
        expect(refused.body, `${type} on a cancelled relationship`).toMatchObject({
          code: 'event_not_allowed',
          nextEvents: [],
        });
      }
      await must(p, 0, 'manager', mcaB.id, { type: 'ACCEPTANCE_REQUESTED' }, 409);
      await must(p, 1, 'provider', mcaA.id, acceptance, 409);
      await must(p, 0, 'manager', mcaA.id, { type: 'ACCEPTANCE_REQUESTED' }, 409);

      const historyBefore = (await historyOf(db, [relB.id])).length;
      for (const server of [0, 1]) {
        const page = await fetch(`${apis[server]!.base}${path}`);
        expect(page.status, 'the consent page of a cancelled relationship').toBe(409);
        expect(await page.text()).toContain('No answer needed');
      }
      const posted = await fetch(`${apis[1]!.base}${path}`, {
        method: 'POST',
        body: new URLSearchParams(consentForm('consent')),
      });
      expect(posted.status, 'answering the consent link of a cancelled relationship').toBe(409);
      expect(await posted.text()).toContain('No answer needed');

      const consents = await read<{ items: unknown[] }>(0, `/v1/consents?workflowId=${relB.id}`);
      expect(consents.items, 'consents recorded through the closed link').toEqual([]);
      expect(
        (await historyOf(db, [relB.id])).length,
        'history rows written by the closed link',
      ).toBe(historyBefore);
      expect(await read<WorkflowView>(1, `/v1/workflows/${relA.id}`)).toMatchObject({
        state: 'choosingMethod',
        status: 'cancelled',
        nextEvents: [],
      });
      expect(await read<WorkflowView>(0, `/v1/workflows/${relB.id}`)).toMatchObject({
        state: 'awaitingConsent',
        status: 'cancelled',
      });
      expect(await read<WorkflowView>(0, `/v1/workflows/${mcaA.id}`)).toMatchObject({
        state: 'requested',
        status: 'cancelled',
      });
      expect(await read<WorkflowView>(1, `/v1/workflows/${mcaB.id}`)).toMatchObject({
        state: 'awaitingAcceptance',
        status: 'cancelled',
      });
      await expectPromisesKept(p);
    });
  }

  it("when 16 customers are excluded at the moment of each one's last subscription transfer, then none is both moved and excluded and the transition completes with true counts", async () => {
    const [p, customers] = await migratingWith(1002, (p) =>
      Array.from({ length: 16 }, () =>
        p.newCustomer(p.rng, {
          acquiredAs: 'direct_bill',
          mcaAcceptance: 'admin_center',
          providerNeedsAdmin: false,
        }),
      ),
    );
    const transfers = new Map<string, WorkflowView>();
    await pool(customers, 4, async (c) => {
      const transfer = await toTransferring(p, c, customers.indexOf(c) % 2);
      const [, ...others] = p.subscriptionsOf(c);
      for (const id of others)
        await must(p, 0, 'provider', transfer.id, {
          type: 'SUBSCRIPTION_TRANSFERRED',
          subscriptionId: id,
          newSubscriptionId: `new-${id}`,
        });
      transfers.set(c, transfer);
    });
    const answers = await Promise.all(
      customers.map(async (c, i) => {
        const [last] = p.subscriptionsOf(c);
        return Promise.all([
          send(p, i % 2, 'provider', 'POST', `/v1/workflows/${transfers.get(c)!.id}/events`, {
            type: 'SUBSCRIPTION_TRANSFERRED',
            subscriptionId: last,
            newSubscriptionId: `new-${last}`,
          }),
          send(p, (i + 1) % 2, 'manager', 'POST', `/v1/workflows/${p.transitionId}/events`, {
            type: 'EXCLUDE_CUSTOMER',
            customerId: c,
            reason: 'race',
          }),
        ]);
      }),
    );
    answers.forEach(([transferred, excluded], i) =>
      expect(
        [transferred?.status, excluded?.status].filter((s) => s === 200),
        `customer ${i}: the last transfer answered ${transferred?.status}, the exclusion ${excluded?.status}; exactly one may win`,
      ).toHaveLength(1),
    );
    const observation = await expectPromisesKept(p);
    expect(observation.outcomes).toHaveLength(16);
    const moved = observation.outcomes.filter((o) => o.outcome === 'moved').length;
    expect(observation.transition).toMatchObject({
      state: 'completed',
      output: { customersMoved: moved, customersExcluded: 16 - moved },
    });
  });

  it('when the move is cancelled while its transfers settle, then no transfer ends done after it was cancelled', async () => {
    for (let round = 0; round < 3; round += 1) {
      const [p, customers] = await migratingWith(1003 + round, (p) =>
        Array.from({ length: 8 }, () =>
          p.newCustomer(p.rng, {
            acquiredAs: 'direct_bill',
            mcaAcceptance: 'admin_center',
            providerNeedsAdmin: false,
          }),
        ),
      );
      const transfers = await Promise.all(customers.map((c, i) => toTransferring(p, c, i % 2)));
      // The first customer's last subscription stays pending: the move cannot complete
      // before the CANCEL, which must then win against every other transfer it meets.
      const settles = transfers.flatMap((t, i) =>
        p
          .subscriptionsOf(customers[i])
          .slice(0, i === 0 ? -1 : undefined)
          .map(
            (id, j) => () =>
              send(p, (i + j) % 2, 'provider', 'POST', `/v1/workflows/${t.id}/events`, {
                type: 'SUBSCRIPTION_TRANSFERRED',
                subscriptionId: id,
                newSubscriptionId: `new-${id}`,
              }),
          ),
      );
      const cancel = () =>
        send(p, round % 2, 'global_admin', 'POST', `/v1/workflows/${p.transitionId}/events`, {
          type: 'CANCEL',
          reason: 'the partner stops',
        });
      // The cancellation goes out in the middle of the settling requests.
      const middle = Math.floor(settles.length / 2);
      settles.splice(middle, 0, cancel);
      const answered = await Promise.all(settles.map((go) => go()));
      expect(answered[middle]?.status, `round ${round}: CANCEL`).toBe(200);

      const observation = await expectPromisesKept(p);
      expect(observation.transition.state).toBe('cancelled');
      const rows = observation.history.filter((h) => h.workflowId === p.transitionId);
      const cancelledAt = rows.find((h) => h.type === 'CANCEL' && h.outcome === 'applied')!.seq;
      for (const transfer of observation.children.filter(
        (c) => c.machine === 'subscriptionTransfer',
      )) {
        const own = observation.history.filter((h) => h.workflowId === transfer.id);
        const ended = endingRow('subscriptionTransfer', own);
        if (transfer.status === 'done') {
          const report = rows.find(
            (h) =>
              h.type === 'CHILD_DONE' &&
              h.outcome === 'applied' &&
              h.payload.childId === transfer.id,
          );
          expect(
            report?.seq ?? Infinity,
            `round ${round}: transfer ${transfer.id} completed after the CANCEL`,
          ).toBeLessThan(cancelledAt);
        } else {
          expect(transfer.status, `round ${round}: transfer ${transfer.id}`).toBe('cancelled');
          expect(ended?.type, `round ${round}: what ended transfer ${transfer.id}`).toBe(
            'PARENT_CANCELLED',
          );
        }
      }
    }
  });

  it('when customers are imported while the provider invitation is being accepted, 6 rounds of 6, then every one of them is planned', async () => {
    for (let round = 0; round < 6; round += 1) {
      const p = await startProgram(2000 + round);
      const first = await importCustomers(p, 0, 'manager', [
        p.newCustomer(p.rng, { acquiredAs: 'direct_bill', providerNeedsAdmin: false }),
      ]);
      expect(first?.status).toBe(201);
      const imports = Array.from(
        { length: 6 },
        (_, i) => () =>
          importCustomers(p, i % 2, 'manager', [
            p.newCustomer(p.rng, { acquiredAs: 'direct_bill', mcaAcceptance: 'admin_center' }),
          ]),
      );
      imports.splice(round % 7, 0, () => acceptInvitation(p, round % 2));
      const answers = await Promise.all(imports.map((go) => go()));
      expect(
        answers.map((a) => a?.status ?? 0).sort((x, y) => x - y),
        `round ${round}: the accept and the imports`,
      ).toEqual([200, 201, 201, 201, 201, 201, 201]);
      const observation = await expectPromisesKept(p);
      const planned = (machine: string) =>
        new Set(observation.children.filter((c) => c.machine === machine).map((c) => c.customerId))
          .size;
      expect(planned('resellerRelationship'), `round ${round}: customers with a relationship`).toBe(
        7,
      );
      expect(planned('mcaReacceptance'), `round ${round}: customers with an MCA`).toBe(7);
      expect(observation.transition.context.customersTotal, `round ${round}: customersTotal`).toBe(
        7,
      );
    }
  });

  it('when 32 customers are imported by 16 concurrent requests, then positions are unique and the cursor walk returns each once', async () => {
    const p = await startProgram(3000);
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        importCustomers(p, i % 2, i % 3 === 0 ? 'global_admin' : 'manager', [
          p.newCustomer(p.rng),
          p.newCustomer(p.rng),
        ]),
      ),
    );
    expect(answers.map((a) => a?.status)).toEqual(Array.from({ length: 16 }, () => 201));
    const [customers, walk] = await Promise.all([
      customersOf(db, p.partner.id),
      customerWalk(reader(), p.partner.id),
    ]);
    expect(customers).toHaveLength(32);
    expect(walk).toHaveLength(32);
    expect(new Set(walk).size).toBe(32);
    const listing = checkCustomerListing({
      label: p.label,
      partnerId: p.partner.id,
      customers,
      customerWalk: walk,
    });
    expect([...p.problems, ...listing]).toEqual([]);
  });
});
