import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../src/logger.ts';
import type { Database } from '../src/store/database.ts';
import type { OutboxWorker } from '../src/webhooks/outbox-worker.ts';
import type { Resolve } from '../src/webhooks/target.ts';
import { startWebhookWorker, type WebhookWorkerDeps } from '../src/webhooks/webhook-worker.ts';
import { testSecrets } from './secrets.ts';

/** A worker for tests: loopback targets, short time-outs, retries within milliseconds. */
export const quickWorkerConfig: WebhookWorkerDeps['config'] = {
  PUBLIC_URL: 'https://tiershift.example.com',
  WEBHOOK_ALLOW_INSECURE: true,
  WEBHOOK_TIMEOUT_MS: 2000,
  WEBHOOK_RETRY_FOR_MS: 60_000,
  WEBHOOK_RETRY_BASE_MS: 20,
  WEBHOOK_RETRY_MAX_MS: 100,
  WEBHOOK_DISABLE_AFTER: 5,
  OUTBOX_INTERVAL_MS: 20,
  OUTBOX_CONCURRENCY: 8,
};

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
  /** The status sent back; unset while the answer waits, or when the sender left first. */
  answered?: number;
}

/**
 * A real HTTP receiver on loopback that records every request. `answer` decides each
 * response: a status, a promise of one (an answer that takes its time), or 'hang' to accept
 * the request and never answer.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: (request: Received, index: number) => number | Promise<number> | 'hang' = () => 204;
  readonly #server: http.Server;
  readonly #hanging = new Set<http.ServerResponse>();

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: Received = {
          headers: Object.fromEntries(
            Object.entries(req.headers).map(([k, v]) => [
              k,
              Array.isArray(v) ? v.join(', ') : (v ?? ''),
            ]),
          ),
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        const index = receiver.received.length;
        receiver.received.push(request);
        const answer = receiver.answer(request, index);
        if (answer === 'hang') {
          receiver.#hanging.add(res);
          return;
        }
        const reply = (status: number) => {
          // The sender may have gone meanwhile (killed, or out of time): nobody to answer.
          if (res.destroyed) return;
          res.writeHead(status).end();
          request.answered = status;
        };
        if (typeof answer === 'number') reply(answer);
        else void answer.then(reply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }

  bodies<T = Record<string, unknown>>(): T[] {
    return this.received.map((r) => JSON.parse(r.body) as T);
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Workers and receivers a test file starts, stopped after each test: `startWorker` runs a
 * quick worker on the file's database with the real clock.
 */
export function webhookRig(
  db: () => Database,
  defaults: { config?: Partial<WebhookWorkerDeps['config']>; resolve?: Resolve } = {},
) {
  const workers: OutboxWorker[] = [];
  const receivers: WebhookReceiver[] = [];
  return {
    startWorker: (
      config: Partial<WebhookWorkerDeps['config']> = {},
      resolve = defaults.resolve,
    ): OutboxWorker => {
      const worker = startWebhookWorker({
        db: db(),
        config: { ...quickWorkerConfig, ...defaults.config, ...config },
        logger: createLogger('silent'),
        secrets: testSecrets(),
        now: () => new Date(),
        resolve,
      });
      workers.push(worker);
      return worker;
    },
    receiver: async (): Promise<WebhookReceiver> => {
      const receiver = await WebhookReceiver.start();
      receivers.push(receiver);
      return receiver;
    },
    stopAll: async (): Promise<void> => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await Promise.all(receivers.splice(0).map((r) => r.close()));
    },
  };
}
