import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let h: Harness;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The docs page test needs Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH).`,
    );
  }
  h = await startHarness();
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
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
