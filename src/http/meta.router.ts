import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import type { Database } from '../store/database.ts';
import { migrationsComplete } from '../store/database.ts';
import type { Lifecycle } from '../lifecycle.ts';
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

/** Public routes: liveness, readiness, and the API's own description. */
export function createMetaRouter({
  db,
  catalog,
  lifecycle,
}: {
  db: Database;
  catalog: ApiCatalog;
  lifecycle: Lifecycle;
}): Router {
  const router = Router();
  let document: Record<string, unknown> | undefined;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
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

  router.get('/openapi.json', (_req, res) => {
    document ??= catalog.document();
    res.json(document);
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
