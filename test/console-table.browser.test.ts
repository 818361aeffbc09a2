import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifacts,
  openConsole as openRigConsole,
  signInAs,
  startBrowserRig,
  type BrowserRig,
} from './browser-rig.ts';
import { buildCustomer, buildPartner } from './factories.ts';
import type { Harness } from './harness.ts';
import { Move } from './move.ts';

/** More than a page of the table (50), so that it pages. */
const customerCount = 55;
const names = Array.from(
  { length: customerCount },
  (_, i) => `Kunde ${String(i + 1).padStart(2, '0')}`,
);
/** Customers whose relationship waits for consent, in the order they started waiting. */
const waiting = ['Kunde 07', 'Kunde 03', 'Kunde 11'];

let h: Harness;
let rig: BrowserRig;
let base: string;
let move: Move;
let partnerName: string;

beforeAll(async () => {
  rig = await startBrowserRig('console table');
  ({ h, base } = rig);

  partnerName = `Lindenhof IT ${Date.now()}`;
  move = await Move.start(h.app, h.adminToken, buildPartner({ name: partnerName }));
  const ids = await move.importCustomers(names.map((name) => buildCustomer({ name })));
  await move.toMigrating();
  for (const name of waiting) {
    h.clock.advanceHours(1);
    const relationship = await move.childOf('resellerRelationship', ids[names.indexOf(name)]!);
    await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
  }
});

afterAll(async () => {
  await rig?.close();
});

const openConsole = (width = 1280) => openRigConsole(rig, { width });

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const matchCount = (page: Page) => page.locator('.match-count');
const bodyRows = (page: Page) => page.locator('table.customers tbody tr');
/** The names of the rows shown, without the tenant id under each (a script run in the page). */
const rowNames = (page: Page) =>
  page.evaluate<string[]>(
    "[...document.querySelectorAll('table.customers tbody th')].map((cell) => (cell.firstChild?.textContent ?? '').trim())",
  );
const selectionStatus = (page: Page) => page.locator('.selection-status');

/** A provider may not read the partner, so its heading names no partner. */
async function openTransition(page: Page, title = `Transition of ${partnerName}`): Promise<void> {
  await page.goto(`${base}/console#/workflows/${move.transitionId}`);
  await expect.poll(() => heading(page).innerText()).toBe(title);
  await expect.poll(() => matchCount(page).innerText()).toBe(`${customerCount} customers`);
}

describe('the transitions list and a transition’s customer table in a real browser', () => {
  it('when an operator lists transitions, then each row shows its progress, and the filters narrow it', async () => {
    await Move.start(h.app, h.adminToken);
    const { page, refused } = await openConsole();
    await signInAs(page, h.adminToken);
    await expect.poll(() => heading(page).innerText()).toBe('Transitions');
    // Any case, any part: the timestamp of this run's partner, lower-cased.
    await page.getByLabel('Partner name').fill(partnerName.slice(3).toLowerCase());
    await page.getByLabel('State', { exact: true }).selectOption('migratingCustomers');
    await page.getByRole('button', { name: 'Apply filters' }).press('Enter');
    const row = page.getByRole('row', { name: new RegExp(partnerName) });
    await expect.poll(() => page.locator('table.transitions tbody tr').count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('Migrating customers');
    expect(text).toContain(`${customerCount} in progress`);
    expect(text).toContain(`${customerCount} in all`);
    expect(text).toContain('Active'); // the enrollment
    expect(text).toContain('Accepted'); // the partnership
    expect(text).toMatch(/ · \d{4}-\d\d-\d\d \d\d:\d\d UTC/);

    await page.getByLabel('Flag').selectOption('migrationOverdue');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('main').innerText())
      .toContain('No transition matches these filters.');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.locator('table.transitions tbody tr').count()).toBeGreaterThan(1);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a manager opens a transition, then it filters, sorts, pages and selects its customers', async () => {
    const { page, refused } = await openConsole();
    await signInAs(page, move.team.manager);
    await openTransition(page);
    const progress = page.locator('section[aria-labelledby=progress-heading]');
    await expect.poll(() => progress.innerText()).toContain('Active · open the enrollment');
    await expect.poll(() => progress.innerText()).toMatch(/Distributor .*: Accepted/);

    // Paged: 50, then the rest, and back.
    expect(await bodyRows(page).count()).toBe(50);
    expect((await rowNames(page))[0]).toBe('Kunde 01');
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => bodyRows(page).count()).toBe(5);
    expect(await page.locator('.customer-table .pager').innerText()).toContain('Page 2');
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => bodyRows(page).count()).toBe(50);

    // Who is stuck in awaitingConsent, and since when?
    await page.getByLabel('Workflow', { exact: true }).selectOption('resellerRelationship');
    await expect
      .poll(() => page.getByLabel('State', { exact: true }).locator('option').count())
      .toBeGreaterThan(2);
    await page.getByLabel('State', { exact: true }).selectOption('awaitingConsent');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => matchCount(page).innerText()).toBe('3 match');
    expect(await rowNames(page)).toEqual(['Kunde 03', 'Kunde 07', 'Kunde 11']);
    const firstRow = bodyRows(page).first();
    const state = firstRow.getByRole('link', { name: 'Awaiting consent' });
    expect(await state.getAttribute('href')).toMatch(/^#\/workflows\/wf_/);
    // Relative to the reader's clock, and exact.
    expect(await firstRow.locator('time').innerText()).toMatch(/ · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

    // Sorted: by name backwards, then by how long each has waited.
    const nameHeader = page.locator('th[data-sort=name]');
    expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
    await nameHeader.getByRole('button').click();
    await expect.poll(() => rowNames(page)).toEqual(['Kunde 11', 'Kunde 07', 'Kunde 03']);
    expect(await page.locator('th[data-sort=name]').getAttribute('aria-sort')).toBe('descending');
    await page.locator('th[data-sort=since]').getByRole('button').click();
    await expect.poll(() => rowNames(page)).toEqual(waiting);
    expect(await page.locator('th[data-sort=since]').getAttribute('aria-sort')).toBe('ascending');
    expect(await page.locator('th[data-sort=name]').getAttribute('aria-sort')).toBe('none');

    // Selected row by row, then the whole page.
    await page.getByLabel('Select Kunde 03').check();
    await expect
      .poll(() => selectionStatus(page).innerText())
      .toBe('1 selected: 1 reseller relationship workflows.');
    await page.getByLabel('Select all on this page').check();
    await expect
      .poll(() => selectionStatus(page).innerText())
      .toBe('3 selected: 3 reseller relationship workflows.');
    await page.getByLabel('Act on').selectOption('subscriptionTransfer');
    await expect
      .poll(() => selectionStatus(page).innerText())
      .toBe('3 selected: 0 subscription transfer workflows.');
    await page.screenshot({ path: `${artifacts}/console-transition.png`, fullPage: true });

    // Every customer that matches, beyond the page.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => matchCount(page).innerText()).toBe(`${customerCount} customers`);
    expect(await selectionStatus(page).innerText()).toBe('No customer selected.');
    await page.getByLabel('Select all on this page').check();
    await expect.poll(() => selectionStatus(page).innerText()).toMatch(/^50 selected/);
    await page.getByRole('button', { name: `Select all ${customerCount} that match` }).click();
    await expect
      .poll(() => selectionStatus(page).innerText())
      .toBe(
        `All ${customerCount} customers that match are selected (their subscription transfer workflows).`,
      );
    expect(await page.getByLabel('Select Kunde 01').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    expect(await selectionStatus(page).innerText()).toBe('No customer selected.');

    // A state links to its workflow.
    await bodyRows(page).first().getByRole('link').first().click();
    await expect.poll(() => heading(page).innerText()).toBe('Reseller relationship');
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a provider or an auditor opens it, then each sees its scope, and only those who act can select', async () => {
    const other = await Move.start(h.app, h.adminToken);
    const { page, refused } = await openConsole();
    await signInAs(page, move.provider.token);
    await expect.poll(() => heading(page).innerText()).toBe('Transitions');
    await page.getByRole('row', { name: new RegExp(partnerName) }).waitFor();
    await openTransition(page, 'Transition');
    await expect
      .poll(() => page.locator('section[aria-labelledby=progress-heading]').innerText())
      .toContain('Not started, or not yours to see');
    expect(await page.getByLabel('Select all on this page').count()).toBe(1);

    await signInAs(page, other.provider.token);
    await page.goto(`${base}/console#/workflows/${move.transitionId}`);
    await expect.poll(() => page.locator('main').innerText()).toContain('not yours to see');
    expect(await page.locator('table.customers').count()).toBe(0);

    await signInAs(page, move.team.auditor);
    await openTransition(page);
    expect(await page.getByLabel('Select all on this page').count()).toBe(0);
    expect(await page.locator('table.customers input[type=checkbox]').count()).toBe(0);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when the console is 390 pixels wide, then the list and the table do not scroll sideways', async () => {
    const { page, refused } = await openConsole(390);
    const fits = () => page.evaluate('document.documentElement.scrollWidth <= 390');
    await signInAs(page, move.team.manager);
    await page.locator('table.transitions tbody tr').first().waitFor();
    expect(await fits()).toBe(true);
    await openTransition(page);
    expect(await fits()).toBe(true);
    // The sort buttons stay on screen, and work.
    await page.locator('th[data-sort=name]').getByRole('button').click();
    await expect.poll(() => rowNames(page).then((n) => n[0])).toBe(`Kunde ${customerCount}`);
    expect(await fits()).toBe(true);
    await page.screenshot({ path: `${artifacts}/console-transition-narrow.png`, fullPage: true });
    const unlabelled = await page.evaluate(
      "[...document.querySelectorAll('input, select, textarea')].filter((c) => c.labels.length === 0).length",
    );
    expect(unlabelled).toBe(0);
    expect(refused).toEqual([]);
    await page.close();
  });
});
