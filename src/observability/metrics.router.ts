import http from 'node:http';
import { Router } from 'express';
import { authenticate, requireRole } from '../auth/authenticate.ts';
import { NotFound, Unavailable, type ProblemError } from '../errors.ts';
import type { ApiCatalog } from '../http/openapi.ts';
import { callerScoped } from '../http/security-headers.ts';
import type { Database } from '../store/database.ts';
import type { Metrics } from './metrics.ts';

/**
 * `/metrics` on the main port, for admin and auditor tokens: the figures say how busy the
 * service is and how its moves go, which is not for every partner's manager to read.
 */
export function createMetricsRouter({
  db,
  metrics,
  catalog,
  now,
}: {
  db: Database;
  metrics: Metrics;
  catalog: ApiCatalog;
  now: () => Date;
}): Router {
  const router = Router();
  catalog.add({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tag: 'Administration',
    summary:
      'Metrics in the Prometheus text format: requests, events, timers, database pool, process. Also served without a token on METRICS_PORT when set',
    roles: 'admin, auditor',
    otherResponses: [
      {
        status: 200,
        description: 'The metrics',
        types: {
          'text/plain': {
            schema: { type: 'string' },
            example:
              'tiershift_events_total{machine="transition",type="CONFIRM_PROFILE",outcome="applied",code=""} 1\n',
          },
        },
      },
    ],
    errors: [401, 403],
  });
  router.get('/metrics', callerScoped, authenticate(db, now), async (req, res) => {
    requireRole(req, ['admin', 'auditor']);
    const { contentType, body } = await metrics.render();
    res.type(contentType).send(body);
  });
  return router;
}

/**
 * A listener of its own that serves only `/metrics`, without a token: for a port that only
 * the monitoring network reaches. Anything else answers 404.
 */
export async function listenMetrics(
  metrics: Metrics,
  options: { port: number; host: string },
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    // Refusals in the API's own problem+json, so that a client reads them the same way.
    const refuse = (problem: ProblemError) => {
      res.statusCode = problem.status;
      res.setHeader('Content-Type', 'application/problem+json');
      res.end(JSON.stringify(problem.toProblem()));
    };
    if (req.method !== 'GET' || path !== '/metrics') return refuse(new NotFound('route'));
    metrics.render().then(
      ({ contentType, body }) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
      },
      () => refuse(new Unavailable()),
    );
  });
  await new Promise<void>((resolve, reject) => {
    // Named here: the start-up report would otherwise blame PORT.
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `METRICS_PORT ${options.port} is already in use on ${options.host}; stop what holds it or set METRICS_PORT to a free port`
            : `METRICS_PORT ${options.port}: cannot listen on ${options.host} (${error.code ?? error.message})`,
        ),
      );
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return server;
}
