import express from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAssets } from '../src/console/bundle.ts';
import { createConsoleRouter } from '../src/console/console.router.ts';
import { errorHandler } from '../src/http/errors.ts';
import { createLogger } from '../src/logger.ts';
import { startHarness, type Harness } from './harness.ts';

const policy =
  "default-src 'none';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none'";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('the console is served by the app', () => {
  it('when / is asked, then it sends the browser to /console', async () => {
    const res = await supertest(h.app).get('/');
    expect(res.status).toBe(302);
    expect(res.get('Location')).toBe('/console');
  });

  it('when the page, its script or its stylesheet is asked, then each comes with the strict policy and no inline code', async () => {
    const page = await supertest(h.app).get('/console');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('<script type="module" src="/console/app.js"></script>');
    expect(page.text).not.toMatch(/<script>|<style|style="/);
    const script = await supertest(h.app).get('/console/app.js');
    expect(script.type).toBe('text/javascript');
    // One bundle: the typed client and openapi-fetch are inside it, nothing left to import.
    expect(script.text).not.toMatch(/\bimport\s*[{*"']|from\s*"openapi-fetch"/);
    expect(script.text).toContain('/v1/workflows/{id}/events');
    const style = await supertest(h.app).get('/console/console.css');
    expect(style.type).toBe('text/css');
    for (const res of [page, script, style]) {
      expect(res.get('Content-Security-Policy')).toBe(policy);
      expect(res.get('Cache-Control')).toBe('no-cache');
    }
  });

  it('when the console is asked for many times, then it is bundled once for the process', async () => {
    expect(consoleAssets()).toBe(consoleAssets());
    const [first, second] = await Promise.all([consoleAssets(), consoleAssets()]);
    expect(first).toBe(second);
  });

  it('when the bundle cannot be built, then its files answer 503 console_unavailable, never a 500', async () => {
    const app = express();
    app.use(createConsoleRouter({ assets: () => Promise.reject(new Error('no sources')) }));
    app.use(errorHandler(createLogger('silent'), 1024));
    const res = await supertest(app).get('/console/app.js');
    expect(res.status).toBe(503);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'console_unavailable' });
    expect((await supertest(app).get('/console')).status).toBe(200);
  });
});
