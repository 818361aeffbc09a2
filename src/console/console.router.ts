import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { ConsoleUnavailable, NotFound } from '../errors.ts';
import { consoleAssets, type ConsoleAssets } from './bundle.ts';
import { statechartLayout } from './statecharts.ts';
import type { StatechartLayout } from './ui/statechart-layout.ts';

/** The page the script draws the console into; everything it shows comes from the API. */
const shell = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tiershift console</title>
<link rel="stylesheet" href="/console/console.css">
<script type="module" src="/console/app.js"></script>
</head>
<body>
<div id="app">
<p class="loading">Loading the console…</p>
<noscript><p>The console needs JavaScript. The API is described at <a href="/docs">/docs</a>.</p></noscript>
</div>
</body>
</html>
`;

/** A new release must reach browsers at their next load; nothing here depends on the caller. */
function revalidated(res: Response): Response {
  return res.set('Cache-Control', 'no-cache');
}

/**
 * The web console: one page, its script and its stylesheet. Not part of the API document:
 * the console is a client of the API like any other, and calls it with the caller's token.
 * Its Content-Security-Policy is set with the others, in security-headers.ts.
 */
export function createConsoleRouter({
  assets = consoleAssets,
  statechart = statechartLayout,
}: {
  assets?: () => Promise<ConsoleAssets>;
  statechart?: (machine: string) => Promise<StatechartLayout> | undefined;
} = {}): Router {
  const router = Router();
  const built = async () => assets().catch(() => Promise.reject(new ConsoleUnavailable()));

  router.get('/', (_req, res) => {
    res.redirect(302, '/console');
  });
  router.get('/console', (_req, res) => {
    revalidated(res).type('html').send(shell);
  });
  router.get('/console/app.js', async (_req, res) => {
    const { script } = await built();
    revalidated(res).type('text/javascript').send(script);
  });
  router.get('/console/console.css', async (_req, res) => {
    const { style } = await built();
    revalidated(res).type('text/css').send(style);
  });
  // A machine's statechart, laid out on the server once: the layout engine stays off the page.
  // The machines are the code's, not anyone's data, so it is served like the script.
  router.get('/console/diagrams/:name.json', async (req, res) => {
    const layout = statechart(req.params.name);
    if (!layout) throw new NotFound('machine');
    const drawn = JSON.stringify(
      await layout.catch(() => Promise.reject(new ConsoleUnavailable())),
    );
    // Its own ETag (the app sets none): a browser asking again gets 304 and no body.
    const etag = `"${createHash('sha256').update(drawn).digest('base64url').slice(0, 27)}"`;
    revalidated(res).set('ETag', etag).type('application/json').send(drawn);
  });
  return router;
}
