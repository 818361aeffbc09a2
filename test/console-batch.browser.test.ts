import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, startBrowserRig, type BrowserRig } from './browser-rig.ts';
import { buildCustomer, buildPartner } from './factories.ts';
import type { Harness } from './harness.ts';
import { Move } from './move.ts';

const customerCount = 6;

let h: Harness;
let rig: BrowserRig;
let base: string;
let browser: Browser;
let move: Move;
let partnerName: string;

beforeAll(async () => {
  rig = await startBrowserRig('console batch');
  ({ h, base, browser } = rig);
  partnerName = `Batchwerk ${Date.now()}`;
  move = await Move.start(h.app, h.adminToken, buildPartner({ name: partnerName }));
  await move.importCustomers(
    Array.from({ length: customerCount }, (_, i) => buildCustomer({ name: `Kunde ${i + 1}` })),
  );
  await move.toMigrating();
});

afterAll(async () => {
  await rig?.close();
});

async function openAs(token: string): Promise<{ page: Page; refused: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(8000);
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  await page.goto(`${base}/`);
  await page.getByLabel('API token').fill(token);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto(`${base}/console#/workflows/${move.transitionId}`);
  await expect
    .poll(() => page.locator('.match-count').innerText())
    .toBe(`${customerCount} customers`);
  return { page, refused };
}

const batchStatus = (page: Page) => page.locator('.batch-status');

describe('one event to many customers from the console, in a real browser', () => {
  it('when a manager sends a request for acceptance to the MCAs of the chosen customers, then each applies or shows why not', async () => {
    const mcas = await move.children('machine=mcaReacceptance');
    // Asked already: this one will refuse the same request.
    await move.send(move.team.manager, mcas[0]!.id, { type: 'ACCEPTANCE_REQUESTED' });
    const { page, refused } = await openAs(move.team.manager);

    await page.getByLabel('Select all on this page').check();
    await page.getByLabel('Act on').selectOption('mcaReacceptance');
    await page.getByRole('button', { name: 'Send an event to the selection…' }).click();
    const panel = page.locator('section.batch');
    expect(await panel.getByRole('heading').innerText()).toBe(
      `One event to the ${customerCount} chosen MCA re-acceptance workflows`,
    );
    // Only what a manager may send to an MCA is offered.
    const offered = await panel
      .getByLabel('Event', { exact: true })
      .locator('option')
      .allInnerTexts();
    expect(offered).toContain('Acceptance requested');
    expect(offered).not.toContain('Acceptance recorded');
    await panel
      .getByLabel('Event', { exact: true })
      .selectOption({ label: 'Acceptance requested' });
    await panel.getByRole('button', { name: 'Send: Acceptance requested' }).click();

    await expect
      .poll(() => batchStatus(page).innerText())
      .toBe(`Done: ${customerCount - 1} applied, 1 refused, of ${customerCount} sent.`);
    expect(await panel.locator('progress').getAttribute('value')).toBe(String(customerCount));
    const refusal = panel.locator('table tbody tr');
    expect(await refusal.count()).toBe(1);
    expect(await refusal.innerText()).toMatch(/not|cannot|takes/i);
    await page.screenshot({ path: `${artifacts}/console-batch.png`, fullPage: true });
    await page
      .locator('.customer-table')
      .screenshot({ path: `${artifacts}/console-batch-panel.png` });

    for (const mca of mcas) expect((await move.get(mca.id)).state).toBe('requested');
    // Each asked MCA now waits for its reminder, and its page says when.
    await page.goto(`${base}/console#/workflows/${mcas[1]!.id}`);
    const timers = page.locator('section[aria-labelledby=timers-heading]');
    const due = new Date(h.clock.now().getTime() + 7 * 24 * 3600 * 1000);
    const exactly = `${due.toISOString().slice(0, 10)} ${due.toISOString().slice(11, 16)} UTC`;
    await expect.poll(() => timers.innerText()).toContain('Reminder due REMINDER_DUE due ');
    expect(await timers.innerText()).toContain(exactly);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a Global admin chooses every customer that matches a filter, then the event reaches each of their workflows and the table shows where they went', async () => {
    const { page, refused } = await openAs(move.team.globalAdmin);
    await page.getByLabel('Workflow', { exact: true }).selectOption('resellerRelationship');
    const states = page.getByLabel('State', { exact: true });
    await expect.poll(() => states.locator('option').count()).toBeGreaterThan(2);
    await states.selectOption('choosingMethod');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('.match-count').innerText())
      .toBe(`${customerCount} match`);
    await page.getByRole('button', { name: `Select all ${customerCount} that match` }).click();
    await page.getByLabel('Act on').selectOption('resellerRelationship');
    await page.getByRole('button', { name: 'Send an event to the selection…' }).click();
    const panel = page.locator('section.batch');
    await panel.getByLabel('Event', { exact: true }).selectOption({ label: 'Use extension' });
    await panel.getByRole('button', { name: 'Send: Use extension' }).click();
    await expect
      .poll(() => batchStatus(page).innerText())
      .toBe(`Done: ${customerCount} applied, 0 refused, of ${customerCount} sent.`);
    expect(await panel.innerText()).toContain('None was refused.');
    // The table is read again: none is left in the state it was filtered on.
    await expect.poll(() => page.locator('.match-count').innerText()).toBe('0 match');

    const relationships = await move.children('machine=resellerRelationship');
    expect(relationships.map((r) => r.state)).toEqual(Array(customerCount).fill('awaitingConsent'));
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when an auditor opens the transition, then nothing can be selected or sent', async () => {
    const { page } = await openAs(move.team.auditor);
    expect(await page.getByLabel('Select all on this page').count()).toBe(0);
    expect(
      await page.getByRole('button', { name: 'Send an event to the selection…' }).count(),
    ).toBe(0);
    await page.close();
  });
});
