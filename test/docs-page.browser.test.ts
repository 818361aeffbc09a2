import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness();
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium('docs page');
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise((resolve) => server?.close(resolve));
  await h?.close();
});

describe('the API docs in a real browser', () => {
  it('when /docs is opened under its Content-Security-Policy, then Swagger UI lists the operations and nothing is refused', async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    // Chromium reports each refusal of the policy on the console as it happens.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${base}/docs`);
    await expect
      .poll(() => page.locator('.opblock-summary-path').count(), { timeout: 15_000 })
      .toBeGreaterThan(10);
    expect(await page.locator('.opblock-summary-path').allInnerTexts()).toContain(
      '/v1/audit/events',
    );
    expect(refused).toEqual([]);
    await page.close();
  });
});
