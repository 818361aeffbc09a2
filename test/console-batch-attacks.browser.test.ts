import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, type BrowserRig } from './browser-rig.ts';
import { buildCustomer } from './factories.ts';
import type { Harness } from './harness.ts';
import { Move } from './move.ts';

/** One more than the console asks for per call, so a run takes two calls. */
const customerCount = 51;

let h: Harness;
let rig: BrowserRig;
let base: string;
let browser: Browser;
let move: Move;

beforeAll(async () => {
  rig = await startBrowserRig('console batch attacks');
  ({ h, base, browser } = rig);
  move = await Move.start(h.app, h.adminToken);
  await move.importCustomers(Array.from({ length: customerCount }, () => buildCustomer()));
  await move.toMigrating();
});

afterAll(async () => {
  await rig?.close();
});

async function openTransition(page: Page): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('API token').fill(move.team.manager);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto(`${base}/console#/workflows/${move.transitionId}`);
}

describe('a batch run from the console, when things go wrong', () => {
  it('when a later page of the run is answered with an error, then the run says it broke off and how many were not reached, not that it is done', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8000);
    let calls = 0;
    await page.route(
      (url) => url.pathname.endsWith('/events:batch'),
      async (route) => {
        calls += 1;
        if (calls === 1) return route.continue();
        // The page is sent once more after a second; both times it fails.
        return route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'https://tiershift.dev/problems/unavailable',
            title: 'Unavailable',
            status: 503,
            code: 'nothing_applied',
            detail: 'The database cannot be reached; nothing was applied.',
          }),
        });
      },
    );
    await page.goto(`${base}/`);
    await page.getByLabel('API token').fill(move.team.manager);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${base}/console#/workflows/${move.transitionId}`);
    await page.getByRole('button', { name: `Select all ${customerCount} that match` }).click();
    await page.getByLabel('Act on').selectOption('mcaReacceptance');
    await page.getByRole('button', { name: 'Send an event to the selection…' }).click();
    const panel = page.locator('section.batch');
    await panel
      .getByLabel('Event', { exact: true })
      .selectOption({ label: 'Acceptance requested' });
    await panel.getByRole('button', { name: 'Send: Acceptance requested' }).click();

    await expect
      .poll(() => panel.locator('.batch-status').innerText(), { timeout: 5000 })
      .toMatch(/^Broke off: 50 applied, 0 refused, of 50 sent; 1 not reached\./);
    expect(await panel.locator('.batch-status').innerText()).toContain(
      'The database cannot be reached',
    );
    expect(calls).toBe(3);
    await page.close();
  });

  it('when the selection changes while a run is refused, then the panel of the old selection closes once the run ends, so a second send cannot aim at it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8000);
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(
      (url) => url.pathname.endsWith('/events:batch'),
      async (route) => {
        await released;
        await route.fulfill({
          status: 429,
          contentType: 'application/problem+json',
          headers: { 'Retry-After': '60' },
          body: JSON.stringify({
            type: 'https://tiershift.dev/problems/rate_limited',
            title: 'Too many requests',
            status: 429,
            code: 'rate_limited',
            detail: 'Too many requests; try again in 60 seconds.',
          }),
        });
      },
    );
    await openTransition(page);
    await page.getByLabel('Select all on this page').check();
    await page.getByLabel('Act on').selectOption('mcaReacceptance');
    await page.getByRole('button', { name: 'Send an event to the selection…' }).click();
    const panel = page.locator('section.batch');
    await panel
      .getByLabel('Event', { exact: true })
      .selectOption({ label: 'Acceptance requested' });
    await panel.getByRole('button', { name: 'Send: Acceptance requested' }).click();
    await page.locator('section.batch[data-running]').waitFor();
    // Another selection while the run waits for its answer.
    await page.getByLabel('Select all on this page').uncheck();
    await page.locator('td.pick input').first().check();
    release();

    await expect.poll(() => panel.count()).toBe(0);
    await page.getByRole('button', { name: 'Send an event to the selection…' }).waitFor();
    await page.close();
  });

  it('when a page of the run gets a 503 once, then it is sent again under the same key and the run finishes with none applied twice', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8000);
    let calls = 0;
    await page.route(
      (url) => url.pathname.endsWith('/events:batch'),
      async (route) => {
        calls += 1;
        if (calls !== 1) return route.continue();
        // The first page is handled by the server, but its answer is lost as a 503.
        const handled = await route.fetch();
        expect(handled.status()).toBe(200);
        return route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          headers: { 'Retry-After': '1' },
          body: JSON.stringify({
            type: 'https://tiershift.dev/problems/unavailable',
            title: 'Service unavailable',
            status: 503,
            code: 'unavailable',
            detail: 'The database cannot be reached; nothing was applied.',
          }),
        });
      },
    );
    await openTransition(page);
    await page.getByRole('button', { name: `Select all ${customerCount} that match` }).click();
    await page.getByLabel('Act on').selectOption('resellerRelationship');
    await page.getByRole('button', { name: 'Send an event to the selection…' }).click();
    const panel = page.locator('section.batch');
    await panel.getByLabel('Event', { exact: true }).selectOption({ label: 'Use extension' });
    await panel.getByRole('button', { name: 'Send: Use extension' }).click();
    await expect
      .poll(() => panel.locator('.batch-status').innerText(), { timeout: 5000 })
      .toBe(`Done: ${customerCount} applied, 0 refused, of ${customerCount} sent.`);
    expect(calls).toBe(3);
    for (const relationship of await move.children('machine=resellerRelationship')) {
      const history = await h
        .db('history')
        .where({ workflow_id: relationship.id, type: 'USE_EXTENSION' });
      expect(history.map((row: { outcome: string }) => row.outcome)).toEqual(['applied']);
    }
    await page.close();
  });
});
