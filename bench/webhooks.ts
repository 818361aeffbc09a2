import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { Api } from './api.ts';
import {
  createProvider,
  importCustomers,
  moveEveryCustomer,
  partnerInEnrolling,
  startMigrating,
} from './scenario.ts';
import { webhookEventTypes } from '../src/webhooks/events.ts';

export interface WebhookFigures {
  customers: number;
  /** The move with nobody subscribed: its steps still write their notices. */
  moveWithoutSubscriberSeconds: number;
  /** The same move while one subscription hears every event type. */
  moveWithSubscriberSeconds: number;
  deliveries: number;
  /** From the move's last answer until the outbox had nothing left pending. */
  drainSeconds: number;
  /** Deliveries received per second, from the first to the last. */
  deliveriesPerSecond: number;
}

/** A receiver that acknowledges at once and counts what it got. */
async function countingReceiver() {
  const times: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      times.push(performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    times,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function oneMove(api: Api, admin: string, customers: number): Promise<number> {
  const provider = await createProvider(api, admin);
  const partner = await partnerInEnrolling(api, admin);
  await importCustomers(api, partner, customers, 3);
  const start = performance.now();
  await startMigrating(api, admin, partner, provider);
  await moveEveryCustomer(api, partner, provider, 3, 32);
  return (performance.now() - start) / 1000;
}

async function pendingMessages(db: Knex): Promise<number> {
  const row = (await db('outbox').where('status', 'pending').count({ n: '*' }).first()) as
    { n: string } | undefined;
  return Number(row?.n ?? 0);
}

/**
 * The cost of webhooks on a whole move: once with nobody subscribed (each announcing step
 * still writes its notice, fanned out to nobody), once with an admin's subscription to every
 * event type, acknowledged at once by a local receiver; then how long the outbox takes to
 * drain. The server must allow loopback targets (WEBHOOK_ALLOW_INSECURE=true).
 */
export async function webhookPhase(
  api: Api,
  admin: string,
  db: Knex,
  customers: number,
  log: (line: string) => void,
): Promise<WebhookFigures> {
  log(`Webhooks: a move of ${customers} customers without, then with, a subscriber`);
  const withoutSubscriber = await oneMove(api, admin, customers);
  log(`  without a subscriber: ${withoutSubscriber.toFixed(1)} s`);
  const receiver = await countingReceiver();
  try {
    await api.call(admin, 'POST', '/v1/webhooks', {
      url: receiver.url,
      events: webhookEventTypes,
    });
    const withSubscriber = await oneMove(api, admin, customers);
    const moveEnded = performance.now();
    log(`  with one subscriber hearing every event: ${withSubscriber.toFixed(1)} s`);
    while ((await pendingMessages(db)) > 0) await new Promise((r) => setTimeout(r, 100));
    const drainSeconds = (performance.now() - moveEnded) / 1000;
    const { times } = receiver;
    const span = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    const figures = {
      customers,
      moveWithoutSubscriberSeconds: withoutSubscriber,
      moveWithSubscriberSeconds: withSubscriber,
      deliveries: times.length,
      drainSeconds,
      deliveriesPerSecond: span > 0 ? times.length / span : 0,
    };
    log(`  ${webhookLine(figures)}`);
    return figures;
  } finally {
    await receiver.close();
  }
}

export function webhookLine(r: WebhookFigures): string {
  return `Webhooks, ${r.customers} customers: move ${r.moveWithoutSubscriberSeconds.toFixed(1)} s without a subscriber, ${r.moveWithSubscriberSeconds.toFixed(1)} s with one hearing every event; ${r.deliveries} deliveries at ${r.deliveriesPerSecond.toFixed(0)}/s, outbox drained ${r.drainSeconds.toFixed(1)} s after the move`;
}
