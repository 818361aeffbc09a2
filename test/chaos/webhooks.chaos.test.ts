import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import {
  createPartnerTeam,
  createProvider,
  importCustomers,
  moveEveryCustomer,
  partnerInEnrolling,
  startMigrating,
  type PartnerTeam,
} from '../../bench/scenario.ts';
import { freePort, ServerProcess } from '../../bench/server-process.ts';
import {
  eventsOfStep,
  webhookEventTypes,
  type WebhookEventType,
} from '../../src/webhooks/events.ts';
import { eventually, WebhookReceiver, type Received } from '../webhook-receiver.ts';
import { freshDatabase, type FreshDatabase } from './fresh-database.ts';

/**
 * Webhooks leave through the outbox, which lives in Postgres beside the steps that write it:
 * whatever kills a server, a committed step that announces something reaches its subscribers
 * at least once, each event under one id; and instances sharing the database share the
 * deliveries without sending any twice.
 */
const adminToken = `chaos-admin-${crypto.randomUUID()}`;

/** Loopback receivers, a short time-out (and so a lease of 8 s), retries within a second. */
const webhookEnv = {
  WEBHOOK_ALLOW_INSECURE: 'true',
  WEBHOOK_TIMEOUT_MS: '1500',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '1000',
  OUTBOX_INTERVAL_MS: '50',
  OUTBOX_CONCURRENCY: '32',
};

const servers: ServerProcess[] = [];
const receivers: WebhookReceiver[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill('SIGKILL')));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A database of this test's own: the deliveries are compared with everything its history
 * announces, which another file's workflows, or its unfinished notices, would swell.
 */
async function ownDatabase(prefix: string): Promise<FreshDatabase> {
  const fresh = await freshDatabase(prefix);
  cleanups.push(fresh.drop);
  return fresh;
}

async function startServer(options: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const server = await ServerProcess.start({
    databaseUrl: options.databaseUrl,
    adminToken,
    port: options.port,
    env: { ...webhookEnv, ...options.env },
  });
  servers.push(server);
  return server;
}

async function startReceiver(): Promise<WebhookReceiver> {
  const receiver = await WebhookReceiver.start();
  receivers.push(receiver);
  return receiver;
}

/** Names one event of one step: what a subscriber must hear at least once. */
function eventKey(workflowId: string, seq: number, type: string): string {
  return `${workflowId} #${seq} ${type}`;
}

interface Body {
  id: string;
  type: string;
  data: { workflow: { id: string }; step: { seq: number } };
}

/** What a receiver took in, after the standardwebhooks library verified its signature. */
interface Heard {
  webhookId: string;
  key: string;
  bodyId: string;
  request: Received;
}

/**
 * Whether the receiver acknowledged it: a 2xx answer that left while the sender still
 * listened. A 500, or a sender killed before the answer, leaves the event to a retry.
 */
function acknowledged({ request }: Heard): boolean {
  return request.answered !== undefined && request.answered >= 200 && request.answered < 300;
}

/**
 * Makes `receiver` verify every request with the subscription's secret (400 for one that
 * fails, which is counted) and answer the others with `reply`.
 */
function verifying(
  receiver: WebhookReceiver,
  secret: string,
  reply: () => number | Promise<number>,
): { heard: Heard[]; forged: () => number } {
  const hook = new Webhook(secret);
  const heard: Heard[] = [];
  let forged = 0;
  receiver.answer = (request) => {
    let body: Body;
    try {
      body = hook.verify(request.body, request.headers) as Body;
    } catch {
      forged += 1;
      return 400;
    }
    heard.push({
      webhookId: request.headers['webhook-id'] ?? '',
      key: eventKey(body.data.workflow.id, body.data.step.seq, body.type),
      bodyId: body.id,
      request,
    });
    return reply();
  };
  return { heard, forged: () => forged };
}

async function subscribe(
  api: Api,
  token: string,
  url: string,
  events: readonly WebhookEventType[],
): Promise<string> {
  const created = await api.call<{ secret: string }>(token, 'POST', '/v1/webhooks', {
    url,
    events,
  });
  return created.secret;
}

/**
 * What the history says was announced: each event of every applied step, as `eventsOfStep`
 * names them, among `types`, with the partner whose workflow took the step.
 */
async function announced(
  db: Knex,
  types: readonly WebhookEventType[],
): Promise<Map<string, { partnerId: string }>> {
  const rows: Array<{
    workflow_id: string;
    seq: number;
    type: string;
    from_state: string | null;
    to_state: string;
    machine: string;
    partner_id: string;
  }> = await db('history as h')
    .join('workflows as w', 'w.id', 'h.workflow_id')
    .where('h.outcome', 'applied')
    .select(
      'h.workflow_id',
      'h.seq',
      'h.type',
      'h.from_state',
      'h.to_state',
      'w.machine',
      'w.partner_id',
    );
  const events = new Map<string, { partnerId: string }>();
  for (const row of rows) {
    const step = { machine: row.machine, type: row.type, from: row.from_state, to: row.to_state };
    for (const type of eventsOfStep(step)) {
      if (types.includes(type))
        events.set(eventKey(row.workflow_id, row.seq, type), { partnerId: row.partner_id });
    }
  }
  return events;
}

async function outboxCount(db: Knex, status: 'pending' | 'failed'): Promise<number> {
  const row = await db('outbox').where({ status }).count<{ n: string }[]>({ n: '*' });
  return Number(row[0]?.n ?? 0);
}

async function drained(db: Knex): Promise<void> {
  await eventually(
    async () => (await outboxCount(db, 'pending')) === 0,
    'the outbox to drain',
    90_000,
  );
}

/** A small move, start to end: every machine's steps, and most kinds of event announced. */
async function smallMove(api: Api, team?: PartnerTeam): Promise<void> {
  const provider = await createProvider(api, adminToken);
  const partner = await partnerInEnrolling(api, adminToken, team);
  await importCustomers(api, partner, 3, 1);
  await startMigrating(api, adminToken, partner, provider);
  await moveEveryCustomer(api, partner, provider, 1, 3);
}

/** The ids each event came under, and how many requests carried each id. */
function tally(heard: readonly Heard[]) {
  const idsOfEvent = new Map<string, Set<string>>();
  const eventsOfId = new Map<string, Set<string>>();
  const copies = new Map<string, number>();
  for (const h of heard) {
    idsOfEvent.set(h.key, (idsOfEvent.get(h.key) ?? new Set()).add(h.webhookId));
    eventsOfId.set(h.webhookId, (eventsOfId.get(h.webhookId) ?? new Set()).add(h.key));
    copies.set(h.webhookId, (copies.get(h.webhookId) ?? 0) + 1);
  }
  return { idsOfEvent, eventsOfId, copies };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhooks: chaos', () => {
  it('kill -9 under load: every committed event that should notify is delivered at least once', async () => {
    const clients = 4;
    const kills = 5;
    const { url: databaseUrl, db } = await ownDatabase('webhook_kill');
    let server = await startServer({ databaseUrl });
    const { port, base } = server;
    const setup = new Api(base);

    // An admin hears state changes and a few events of its choice everywhere; a partner's
    // manager hears everything, but only of its own partner's workflows.
    const adminEvents: WebhookEventType[] = [
      'workflow.state_changed',
      'partnership.requested',
      'mca.acceptance_requested',
      'transfer.request_needed',
      'transfer.completed',
    ];
    const watched = await createPartnerTeam(setup, adminToken);
    const adminReceiver = await startReceiver();
    const partnerReceiver = await startReceiver();
    const adminSecret = await subscribe(setup, adminToken, adminReceiver.url, adminEvents);
    const partnerSecret = await subscribe(
      setup,
      watched.manager,
      partnerReceiver.url,
      webhookEventTypes,
    );
    setup.close();

    // Slow answers and some 500s, so that every kill finds requests waiting on the receiver.
    let waiting = 0;
    const sluggish = async () => {
      waiting += 1;
      await sleep(randomInt(0, 300));
      waiting -= 1;
      return randomInt(10) === 0 ? 500 : 204;
    };
    const admin = verifying(adminReceiver, adminSecret, sluggish);
    const partner = verifying(partnerReceiver, partnerSecret, sluggish);

    let outages = 0;
    let up: Promise<void> = Promise.resolve();
    let loadOver = false;
    let moves = 0;
    let interrupted = 0;
    const drive = async (client: number) => {
      for (let n = 0; !loadOver; n += 1) {
        await up;
        const before = outages;
        const api = new Api(base);
        try {
          // The watched partner moves once, first: its transition then stays its only one.
          await smallMove(api, client === 0 && n === 0 ? watched : undefined);
          moves += 1;
        } catch (error) {
          // Cut off by a kill: what was committed is in the history, and counts.
          if (outages === before) throw error;
          interrupted += 1;
        } finally {
          api.close();
        }
      }
    };
    const load = Array.from({ length: clients }, (_, c) => drive(c));

    /** Deliveries the receivers were still answering when the server died. */
    const cutOff: number[] = [];
    const killAndRestart = async () => {
      outages += 1;
      let restarted!: () => void;
      up = new Promise((resolve) => (restarted = resolve));
      cutOff.push(waiting);
      await server.kill('SIGKILL');
      server = await startServer({ databaseUrl, port });
      restarted();
    };
    const loaded = Promise.all(load);
    for (let kill = 0; kill < kills; kill += 1) {
      // A client's error fails the test now, not after every kill is done.
      await Promise.race([sleep(randomInt(1000, 3000)), loaded]);
      await killAndRestart();
    }
    await sleep(randomInt(500, 1500));
    loadOver = true;
    await loaded;
    // Once more with the outbox behind: the claims of the dead worker lapse, and are retried.
    const backlog = await outboxCount(db, 'pending');
    await killAndRestart();
    await drained(db);

    expect(moves, 'moves finished').toBeGreaterThan(0);
    expect(interrupted, 'moves cut off by a kill').toBeGreaterThan(0);
    expect(
      cutOff.reduce((a, b) => a + b, 0),
      'deliveries in flight when the server died',
    ).toBeGreaterThan(0);
    expect(await outboxCount(db, 'failed'), 'deliveries given up').toBe(0);

    const everything = await announced(db, webhookEventTypes);
    const forAdmin = await announced(db, adminEvents);
    const forPartner = [...everything].filter(([, e]) => e.partnerId === watched.id);
    expect(forPartner.length, 'the watched partner moved').toBeGreaterThan(0);
    const cases = [
      { name: 'admin', ...admin, expected: [...forAdmin.keys()] },
      { name: 'partner', ...partner, expected: forPartner.map(([key]) => key) },
    ];
    for (const { name, heard, forged, expected } of cases) {
      expect(forged(), `${name}: requests failing verification`).toBe(0);
      const { idsOfEvent, eventsOfId } = tally(heard);
      const sorted = [...expected].sort();
      // Everything announced was acknowledged, and nothing else was even sent: no step that
      // was rolled back, no workflow the subscriber may not see.
      const acked = new Set(heard.filter(acknowledged).map((h) => h.key));
      expect([...acked].sort(), `${name}: events acknowledged`).toEqual(sorted);
      expect([...idsOfEvent.keys()].sort(), `${name}: events sent`).toEqual(sorted);
      // Every copy of an event carries the id of its first, and the body says it too.
      for (const [key, ids] of idsOfEvent)
        expect([...ids], `${name}: ids of ${key}`).toHaveLength(1);
      for (const [id, keys] of eventsOfId)
        expect([...keys], `${name}: events of ${id}`).toHaveLength(1);
      for (const h of heard) expect(h.bodyId).toBe(h.webhookId);
    }
    console.info(
      `webhooks under kill -9: ${moves} moves finished, ${interrupted} cut off; ` +
        `${admin.heard.length + partner.heard.length} requests for ` +
        `${forAdmin.size + forPartner.length} events; in flight at each kill: ${cutOff.join(', ')}; ` +
        `${backlog} pending at the last`,
    );
  });

  it('two server processes on one database deliver each message once', async () => {
    const clients = 6;
    const movesEach = 2;
    const { url: databaseUrl, db } = await ownDatabase('webhook_pair');
    const metricsPorts = [await freePort(), await freePort()];
    const pair: ServerProcess[] = [];
    // One after the other: the first migrates the new database.
    for (const metricsPort of metricsPorts) {
      pair.push(
        await startServer({
          databaseUrl,
          // Both look for work all the time, so that their claims meet on the same rows.
          env: {
            METRICS_PORT: String(metricsPort),
            OUTBOX_INTERVAL_MS: '5',
            OUTBOX_CONCURRENCY: '4',
          },
        }),
      );
    }
    const setup = new Api(pair[0]!.base);
    const receiver = await startReceiver();
    const secret = await subscribe(setup, adminToken, receiver.url, webhookEventTypes);
    setup.close();
    const { heard, forged } = verifying(receiver, secret, () => 204);

    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        const api = new Api(pair[c % pair.length]!.base);
        for (let n = 0; n < movesEach; n += 1) await smallMove(api);
        api.close();
      }),
    );
    await drained(db);

    const expected = await announced(db, webhookEventTypes);
    expect(forged()).toBe(0);
    expect(await outboxCount(db, 'failed')).toBe(0);
    const { idsOfEvent, copies } = tally(heard);
    const twice = [...copies].filter(([, n]) => n > 1);
    expect(twice, 'ids received more than once').toEqual([]);
    expect([...idsOfEvent.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(heard.length).toBe(expected.size);

    // Both instances took part, and their attempts add up to the requests received.
    const delivered = await Promise.all(
      metricsPorts.map(async (metricsPort) => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const line = /^tiershift_webhook_attempts_total\{outcome="delivered"\} (\d+)$/m.exec(text);
        return Number(line?.[1] ?? 0);
      }),
    );
    for (const n of delivered)
      expect(n, `deliveries per instance: ${delivered.join(', ')}`).toBeGreaterThan(0);
    expect(delivered.reduce((a, b) => a + b, 0)).toBe(heard.length);
    console.info(
      `webhooks on two instances: ${heard.length} events, delivered ${delivered.join(' + ')}`,
    );
  });
});
