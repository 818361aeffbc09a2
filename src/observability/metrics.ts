import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { findDefinition } from '../../machines/registry.ts';
import type { EngineObserver, RecordedEvent } from '../engine/observer.ts';
import type { Database } from '../store/database.ts';
import { outboxStats } from '../store/outbox.ts';
import { timerStats } from '../store/timers.ts';

export interface MetricsDeps {
  db: Database;
  /** The service's clock: the timers' lag is measured against it. */
  now: () => Date;
  /** Process figures (CPU, memory, event loop, GC): once per process, not per test app. */
  processMetrics?: boolean;
}

/** What one instance exposes at `/metrics`, in a registry of its own. */
export interface Metrics {
  readonly registry: Registry;
  /** Counts the events the engine records; give it to the engine. */
  readonly observer: EngineObserver;
  /** Counts and times every request; mount it before anything can answer. */
  readonly http: RequestHandler;
  /** Counts a webhook delivery attempt by how it ended; give it to the outbox worker. */
  webhookAttempt(outcome: 'delivered' | 'retry' | 'failed'): void;
  /** The Prometheus text, with the figures read from the database at this moment. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** A label value for requests that matched no route: never the raw path, which may hold ids. */
const unmatched = '(unmatched)';
/** A label value for an event type or machine this build does not declare. */
const other = '(other)';

/** Written by the engine itself when a parent is cancelled, not declared by any machine. */
const engineEventTypes = new Set(['PARENT_CANCELLED']);

/**
 * Label values from what a client sent are bounded: an undeclared event type is refused and
 * recorded, and would otherwise add a series per distinct string any caller cares to send.
 */
function eventLabels(event: RecordedEvent): { machine: string; type: string } {
  const definition = findDefinition(event.machine);
  if (!definition) return { machine: other, type: other };
  const declared = Object.hasOwn(definition.events, event.type) || engineEventTypes.has(event.type);
  return { machine: definition.name, type: declared ? event.type : other };
}

/**
 * The route pattern a request matched (`/v1/workflows/:id`), so that ids and consent tokens
 * never become label values and the number of series stays that of the routes.
 */
function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? `${req.baseUrl}${route}` : unmatched;
}

interface PoolLike {
  numUsed(): number;
  numPendingAcquires(): number;
  max?: number;
}

/** knex's connection pool (tarn), for both databases; undefined before the first query. */
function poolOf(db: Database): PoolLike | undefined {
  const pool = (db.client as { pool?: Partial<PoolLike> | null }).pool;
  return pool && typeof pool.numUsed === 'function' && typeof pool.numPendingAcquires === 'function'
    ? (pool as PoolLike)
    : undefined;
}

/** The metrics of one app instance; tests build several, each with its own registry. */
export function createMetrics({ db, now, processMetrics = false }: MetricsDeps): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: '' });

  const requests = new Counter({
    name: 'tiershift_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'tiershift_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being written, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const unavailable = new Counter({
    name: 'tiershift_http_unavailable_total',
    help: 'Answers 503: the database out of reach or too slow, or the instance stopping',
    labelNames: ['route'] as const,
    registers,
  });
  const applied = new Counter({
    name: 'tiershift_events_applied_total',
    help: 'Events applied to workflows, by machine and event type',
    labelNames: ['machine', 'type'] as const,
    registers,
  });
  const refused = new Counter({
    name: 'tiershift_events_refused_total',
    help: 'Events refused and recorded in the history, by machine, event type and problem code',
    labelNames: ['machine', 'type', 'code'] as const,
    registers,
  });
  const timersDue = new Gauge({
    name: 'tiershift_timers_due',
    help: 'Timers due now and not yet fired, retries included, given-up ones not',
    registers,
  });
  const timersLag = new Gauge({
    name: 'tiershift_timers_lag_seconds',
    help: 'How long the oldest due timer has been due; 0 when none is',
    registers,
  });
  const timersFailed = new Gauge({
    name: 'tiershift_timers_failed',
    help: 'Timers given up after repeated failures, waiting for an admin to retry them',
    registers,
  });
  const outboxDue = new Gauge({
    name: 'tiershift_outbox_due',
    help: 'Outbox messages (webhook notices and deliveries) due now and not yet carried out',
    registers,
  });
  const outboxLag = new Gauge({
    name: 'tiershift_outbox_lag_seconds',
    help: 'How long the oldest due outbox message has been due; 0 when none is',
    registers,
  });
  const outboxFailed = new Gauge({
    name: 'tiershift_outbox_failed',
    help: 'Outbox messages given up after their retries ran out',
    registers,
  });
  const webhookAttempts = new Counter({
    name: 'tiershift_webhook_attempts_total',
    help: 'Webhook delivery attempts, by outcome: delivered, retry (failed, to be tried again) or failed (given up)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const collectionErrors = new Counter({
    name: 'tiershift_metrics_collection_errors_total',
    help: 'Scrapes whose database figures could not be read; those figures are left out',
    registers,
  });
  new Gauge({
    name: 'tiershift_db_pool_connections_in_use',
    help: 'Database connections lent out to a query or transaction',
    registers,
    collect() {
      this.set(poolOf(db)?.numUsed() ?? 0);
    },
  });
  new Gauge({
    name: 'tiershift_db_pool_acquires_waiting',
    help: 'Queries and transactions waiting for a database connection',
    registers,
    collect() {
      this.set(poolOf(db)?.numPendingAcquires() ?? 0);
    },
  });
  new Gauge({
    name: 'tiershift_db_pool_connections_max',
    help: 'The most connections the pool opens (1 for the embedded database)',
    registers,
    collect() {
      const max = poolOf(db)?.max;
      if (typeof max === 'number') this.set(max);
    },
  });

  const observer: EngineObserver = {
    eventRecorded(event) {
      const labels = eventLabels(event);
      if (event.outcome === 'applied') applied.inc(labels);
      else refused.inc({ ...labels, code: event.code ?? 'unknown' });
    },
  };

  const http = (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const labels = {
        route: routeOf(req),
        method: req.method,
        // A client that went away before the answer was written got none.
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      if (res.statusCode === 503) unavailable.inc({ route: labels.route });
    });
    next();
  };

  const lagSeconds = (at: Date, oldest: Date | null) =>
    oldest ? Math.max(0, (at.getTime() - oldest.getTime()) / 1000) : 0;
  const readTimers = async () => {
    try {
      const at = now();
      const stats = await timerStats(db, at);
      timersDue.set(stats.due);
      timersFailed.set(stats.failed);
      timersLag.set(lagSeconds(at, stats.oldestDueAt));
      const outbox = await outboxStats(db, at);
      outboxDue.set(outbox.due);
      outboxFailed.set(outbox.failed);
      outboxLag.set(lagSeconds(at, outbox.oldestDueAt));
    } catch {
      // The scrape still answers, with the process and HTTP figures; the timers' stay as last
      // read, and this counter says they are stale.
      collectionErrors.inc();
    }
  };

  return {
    registry,
    observer,
    http,
    webhookAttempt: (outcome) => webhookAttempts.inc({ outcome }),
    async render() {
      await readTimers();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
