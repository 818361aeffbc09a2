import type { Express } from 'express';
import type http from 'node:http';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { ensureAdmin } from '../src/auth/bootstrap.ts';
import { Engine } from '../src/engine/engine.ts';
import { Lifecycle } from '../src/lifecycle.ts';
import { createLogger } from '../src/logger.ts';
import { createMetrics, type Metrics } from '../src/observability/metrics.ts';
import { listenMetrics } from '../src/observability/metrics.router.ts';
import type { Database } from '../src/store/database.ts';
import { startWebhookWorker } from '../src/webhooks/webhook-worker.ts';
import { ManualClock } from './clock.ts';
import { buildCustomer } from './factories.ts';
import { as } from './harness.ts';
import { Move } from './move.ts';
import { ownDatabase } from './own-database.ts';
import { eventually, quickWorkerConfig, WebhookReceiver } from './webhook-receiver.ts';
import { testSecrets } from './secrets.ts';

let own: { db: Database; drop(): Promise<void> };
let db: Database;
let clock: ManualClock;
let metrics: Metrics;
let lifecycle: Lifecycle;
let app: Express;
let adminToken: string;
let engine: Engine;

// The timer figures count every timer of the database: one of its own keeps them exact.
beforeAll(async () => {
  own = await ownDatabase('metrics');
  db = own.db;
  clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  metrics = createMetrics({ db, now: () => clock.now() });
  engine = new Engine({
    db,
    clock,
    observer: metrics.observer,
    timerRetry: { maxAttempts: 1, baseMs: 1000, maxMs: 1000 },
  });
  adminToken = `admin-${crypto.randomUUID()}`;
  await ensureAdmin(db, adminToken, clock.now());
  lifecycle = new Lifecycle();
  app = createApp({
    db,
    engine,
    logger: createLogger('silent'),
    secrets: testSecrets(),
    lifecycle,
    metrics,
    config: {
      BODY_LIMIT_BYTES: 1024 * 1024,
      RATE_LIMIT_PER_MIN: 1_000_000,
      RATE_LIMIT_PER_IP_PER_MIN: 1_000_000,
      PUBLIC_URL: 'http://127.0.0.1:3000',
      WEBHOOK_ALLOW_INSECURE: true,
    },
  });
});
afterAll(async () => own.drop());

async function scrape(token = adminToken): Promise<string> {
  const res = await as(app, token).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.type).toBe('text/plain');
  return res.text;
}

/** The value of the one sample of `name` with exactly these labels, or undefined. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1] ?? '',
        m[2] ?? '',
      ]),
    );
    if (
      JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())
    )
      return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('when a timer is due, then its count and lag are shown; once given up, it is counted as failed', async () => {
    const move = await Move.start(app, adminToken);
    const [customer] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'none' })]);
    await move.toMigrating();
    const mca = await move.childOf('mcaReacceptance', customer!);
    await move.send(move.team.manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });
    let text = await scrape();
    expect(sample(text, 'tiershift_timers_due')).toBe(0);
    expect(sample(text, 'tiershift_timers_lag_seconds')).toBe(0);

    clock.advanceDays(7);
    clock.advanceHours(2);
    text = await scrape();
    expect(sample(text, 'tiershift_timers_due')).toBe(1);
    expect(sample(text, 'tiershift_timers_lag_seconds')).toBe(2 * 60 * 60);
    expect(sample(text, 'tiershift_timers_failed')).toBe(0);

    // Stored by a version this build does not run: its one allowed attempt fails.
    await db('workflows')
      .where({ id: mca.id })
      .update({ machine_version: db.raw('machine_version + 100') });
    await engine.fireDueTimers();
    text = await scrape();
    expect(sample(text, 'tiershift_timers_due')).toBe(0);
    expect(sample(text, 'tiershift_timers_failed')).toBe(1);
  });

  it('when steps wait in the outbox, then they are counted as due with their lag; delivered attempts are counted by outcome', async () => {
    const pending = async () =>
      Number(
        ((await db('outbox').where('status', 'pending').count({ n: '*' }).first()) as { n: string })
          .n,
      );
    const move = await Move.start(app, adminToken);
    const receiver = await WebhookReceiver.start();
    try {
      const created = await as(app, move.team.manager).post('/v1/webhooks', {
        url: receiver.url,
        events: ['workflow.state_changed'],
      });
      expect(created.status).toBe(201);
      await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
      clock.advanceHours(1);
      let text = await scrape();
      expect(sample(text, 'tiershift_outbox_due')).toBe(await pending());
      expect(sample(text, 'tiershift_outbox_due')).toBeGreaterThan(0);
      expect(sample(text, 'tiershift_outbox_lag_seconds')).toBeGreaterThanOrEqual(60 * 60);

      const worker = startWebhookWorker({
        db,
        config: quickWorkerConfig,
        logger: createLogger('silent'),
        secrets: testSecrets(),
        now: () => clock.now(),
        metrics,
      });
      try {
        await eventually(async () => (await pending()) === 0, 'an empty outbox');
      } finally {
        await worker.stop();
      }
      text = await scrape();
      expect(sample(text, 'tiershift_outbox_due')).toBe(0);
      expect(sample(text, 'tiershift_outbox_lag_seconds')).toBe(0);
      expect(
        sample(text, 'tiershift_webhook_attempts_total', { outcome: 'delivered' }),
      ).toBeGreaterThanOrEqual(1);
      expect(receiver.received.length).toBeGreaterThanOrEqual(1);
    } finally {
      await receiver.close();
    }
  });

  it('when requests and events were handled, then they are counted by route pattern and by machine, type and code', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(app, adminToken);
    const { manager } = move.team;
    const before = await scrape();
    const count = (text: string, name: string, labels: Record<string, string>) =>
      sample(text, name, labels) ?? 0;

    await move.send(manager, relationship.id, { type: 'NO_SUCH_EVENT_7f3a' }, 422);
    await move.send(manager, relationship.id, { type: 'USE_EXTENSION' }, 409);
    await move.get(relationship.id);
    await move.get(relationship.id);
    const link = await as(app, manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      {},
    );
    expect(link.status).toBe(201);
    const consentPath = new URL((link.body as { url: string }).url).pathname;
    expect((await supertest(app).get(consentPath)).status).toBe(200);
    expect((await supertest(app).get('/v1/workflows')).status).toBe(401);

    const text = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      count(text, name, labels) - count(before, name, labels);
    const requests = 'tiershift_http_requests_total';
    expect(delta(requests, { route: '/v1/workflows/:id', method: 'GET', status: '200' })).toBe(2);
    expect(
      delta(requests, { route: '/v1/workflows/:id/events', method: 'POST', status: '422' }),
    ).toBe(1);
    expect(delta(requests, { route: '/consent/:token', method: 'GET', status: '200' })).toBe(1);
    expect(delta(requests, { route: '(unmatched)', method: 'GET', status: '401' })).toBe(1);
    expect(
      delta('tiershift_http_request_duration_seconds_count', {
        route: '/v1/workflows/:id',
        method: 'GET',
        status: '200',
      }),
    ).toBe(2);

    const refused = 'tiershift_events_refused_total';
    expect(
      delta(refused, {
        machine: 'resellerRelationship',
        type: '(other)',
        code: 'validation_failed',
      }),
    ).toBe(1);
    expect(
      delta(refused, {
        machine: 'resellerRelationship',
        type: 'USE_EXTENSION',
        code: 'event_not_allowed',
      }),
    ).toBe(1);
    expect(
      count(text, 'tiershift_events_applied_total', {
        machine: 'resellerRelationship',
        type: 'USE_EXTENSION',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count(text, 'tiershift_events_applied_total', {
        machine: 'transition',
        type: 'CONFIRM_PROFILE',
      }),
    ).toBeGreaterThanOrEqual(1);

    // No id, token or client-chosen string becomes a label.
    expect(text).not.toContain(relationship.id);
    expect(text).not.toContain(consentPath.split('/').at(-1));
    expect(text).not.toContain('NO_SUCH_EVENT');
  });

  it('when the database pool is read, then connections in use and waiting are shown', async () => {
    const text = await scrape();
    expect(sample(text, 'tiershift_db_pool_connections_in_use')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'tiershift_db_pool_acquires_waiting')).toBe(0);
    expect(sample(text, 'tiershift_db_pool_connections_max')).toBeGreaterThanOrEqual(1);
  });

  it('when callers other than admins and auditors ask, then they are refused', async () => {
    const move = await Move.start(app, adminToken);
    expect((await as(app, move.team.auditor).get('/metrics')).status).toBe(200);
    expect((await as(app, move.team.manager).get('/metrics')).status).toBe(403);
    expect((await as(app, move.provider.token).get('/metrics')).status).toBe(403);
    expect((await supertest(app).get('/metrics')).status).toBe(401);
    expect((await as(app, 'not-a-token-at-all-000000').get('/metrics')).status).toBe(401);
  });

  it('when the instance answers 503, then the answers are counted', async () => {
    const route = { route: '/readyz' };
    const before = sample(await scrape(), 'tiershift_http_unavailable_total', route) ?? 0;
    lifecycle.drain();
    expect((await supertest(app).get('/readyz')).status).toBe(503);
    expect(sample(await scrape(), 'tiershift_http_unavailable_total', route)).toBe(before + 1);
  });
});

describe('the metrics listener', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = await listenMetrics(
      createMetrics({ db, now: () => clock.now(), processMetrics: true }),
      {
        port: 0,
        host: '127.0.0.1',
      },
    );
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  it('when /metrics is asked without a token, then it answers with the process figures too', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'tiershift_timers_failed')).toBe(1);
  });

  it('when METRICS_PORT is taken, then the error names METRICS_PORT', async () => {
    const taken = Number(new URL(base).port);
    await expect(
      listenMetrics(createMetrics({ db, now: () => clock.now() }), {
        port: taken,
        host: '127.0.0.1',
      }),
    ).rejects.toThrow(`METRICS_PORT ${taken} is already in use on 127.0.0.1`);
  });

  it('when anything else is asked, then it answers 404', async () => {
    expect((await fetch(`${base}/v1/workflows`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});
