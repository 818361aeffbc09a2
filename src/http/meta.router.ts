import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../store/database.ts';
import { migrationsComplete } from '../store/database.ts';
import type { Lifecycle } from '../lifecycle.ts';
import { apiSchema } from './api-schema.ts';
import type { ApiCatalog } from './openapi.ts';

const swaggerUiDir = path.dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tiershift API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const docsInit = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });`;

const readyTimeoutMs = 2000;

const health = apiSchema('Health', z.object({ status: z.literal('ok') }));
const readiness = apiSchema(
  'Readiness',
  z.object({
    ready: z.boolean(),
    database: z.enum(['ok', 'unavailable', 'not checked']),
    draining: z.literal(true).optional().describe('the process is shutting down'),
  }),
);
const html = { 'text/html': { schema: { type: 'string' } } };

/** Public routes: liveness, readiness, and the API's own description. */
export function createMetaRouter({
  db,
  catalog,
  lifecycle,
  publicUrl,
}: {
  db: Database;
  catalog: ApiCatalog;
  lifecycle: Lifecycle;
  /** Where clients reach this deployment: the document's server. */
  publicUrl: string;
}): Router {
  const router = Router();
  let document: Record<string, unknown> | undefined;

  catalog.add({
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tag: 'Administration',
    summary: 'Liveness: the process answers',
    roles: 'anyone, no token',
    public: true,
    response: { status: 200, schema: health },
  });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  catalog.add({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    tag: 'Administration',
    summary: 'Readiness: the database answers and its migrations are applied; 503 while stopping',
    roles: 'anyone, no token',
    public: true,
    response: { status: 200, schema: readiness },
    otherResponses: [
      {
        status: 503,
        description: 'Not ready: the database is out of reach, or the process is stopping',
        types: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } },
      },
    ],
  });
  router.get('/readyz', async (_req, res) => {
    if (lifecycle.draining) {
      res.status(503).json({ ready: false, database: 'not checked', draining: true });
      return;
    }
    // A database that hangs rather than refuses must not hang the probe with it.
    const ready = await Promise.race([
      migrationsComplete(db).catch(() => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), readyTimeoutMs).unref()),
    ]);
    res.status(ready ? 200 : 503).json({ ready, database: ready ? 'ok' : 'unavailable' });
  });

  catalog.add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'Administration',
    summary: 'This document',
    roles: 'anyone, no token',
    public: true,
    response: {
      status: 200,
      schema: z.looseObject({ openapi: z.string() }).describe('OpenAPI 3.1'),
    },
  });
  router.get('/openapi.json', (_req, res) => {
    document ??= catalog.document(publicUrl);
    res.json(document);
  });

  catalog.add({
    method: 'get',
    path: '/docs',
    operationId: 'getDocs',
    tag: 'Administration',
    summary: 'This document, to read in a browser',
    roles: 'anyone, no token',
    public: true,
    otherResponses: [{ status: 200, description: 'A page', types: html }],
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(docsPage);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(docsInit);
  });
  router.use('/docs/assets', express.static(swaggerUiDir, { index: false }));
  return router;
}
