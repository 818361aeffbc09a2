import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, type BrowserRig } from './browser-rig.ts';

let rig: BrowserRig;
let base: string;
let browser: Browser;

beforeAll(async () => {
  rig = await startBrowserRig('docs page');
  ({ base, browser } = rig);
});

afterAll(async () => {
  await rig?.close();
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
