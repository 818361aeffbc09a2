import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifacts,
  openConsole as openRigConsole,
  signInAs,
  startBrowserRig,
  type BrowserRig,
} from './browser-rig.ts';
import { as, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
let rig: BrowserRig;
let base: string;

beforeAll(async () => {
  rig = await startBrowserRig('console diagram');
  ({ h, base } = rig);
});

afterAll(async () => {
  await rig?.close();
});

const openConsole = (width = 1280, options: BrowserContextOptions = {}, beforeLoad?: string) =>
  openRigConsole(rig, { width, ...options, ...(beforeLoad ? { beforeLoad } : {}) });

async function openWorkflow(page: Page, id: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${base}/console#/workflows/${id}`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toMatch(heading);
}

/** The states drawn with a class (every state without one), by their dotted paths. */
const statesWith = (page: Page, cls = '') =>
  page.evaluate<string[]>(
    `[...document.querySelectorAll('svg .state${cls ? `.${cls}` : ''}')].map((n) => n.getAttribute('data-state'))`,
  );

const fitsWidth = (page: Page) =>
  page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

const consentLinks = (page: Page) => page.getByRole('region', { name: 'Consent links' });

describe('the statechart on a workflow page', () => {
  it('when a manager opens an enrollment pending approval, then its machine is drawn with pendingApproval.onTime marked inside the state holding it', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const { manager, globalAdmin } = move.team;
    await move.send(manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await move.send(globalAdmin, move.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const [enrollment] = await move.children('machine=enrollment');
    await move.send(globalAdmin, enrollment!.id, { type: 'SUBMIT' });

    const { page, refused } = await openConsole();
    await signInAs(page, manager);
    await openWorkflow(page, enrollment!.id, 'Enrollment');
    const name =
      'Statechart of the enrollment workflow; it is now in Pending approval, on time (pendingApproval.onTime).';
    const drawing = page.getByRole('img', { name });
    await drawing.waitFor();
    expect(await page.locator('svg.statechart-drawing > title').textContent()).toBe(name);
    expect(await page.getByRole('heading', { name: 'Where it stands' }).count()).toBe(1);

    expect(await statesWith(page, 'current')).toEqual(['pendingApproval.onTime']);
    expect(await statesWith(page, 'holds-current')).toEqual(['pendingApproval']);
    expect(await statesWith(page, 'compound')).toEqual(['pendingApproval']);
    expect(await statesWith(page, 'final')).toEqual(['active', 'withdrawn']);
    expect((await statesWith(page)).sort()).toEqual(
      [
        'active',
        'awaitingAgreement',
        'draft',
        'pendingApproval',
        'pendingApproval.onTime',
        'pendingApproval.overdue',
        'rejected',
        'withdrawn',
      ].sort(),
    );
    // Each arrow carries its events; a dot marks where the machine and pendingApproval start.
    const events = await page.locator('svg .transition text.events').allTextContents();
    for (const event of ['SUBMIT', 'APPROVE', 'APPROVAL_OVERDUE', 'ACCEPT_AGREEMENT', 'REVISE']) {
      expect(events.join(' ')).toContain(event);
    }
    expect(
      await page.evaluate(
        "[...document.querySelectorAll('svg .start')].map((n) => n.getAttribute('data-starts')).sort()",
      ),
    ).toEqual(['', 'pendingApproval']);
    // The box that holds the current state is drawn in the page's accent, not by markup.
    const fill = await page.evaluate(
      "getComputedStyle(document.querySelector('svg .state.current > rect')).fill",
    );
    expect(fill).toBe('rgb(11, 92, 173)');
    await page.screenshot({ path: `${artifacts}/console-statechart.png`, fullPage: true });

    // The served script carries no layout engine: the drawing came laid out from the server.
    const script = await page.request.get(`${base}/console/app.js`);
    expect((await script.text()).length).toBeLessThan(300_000);
    expect(await script.text()).not.toContain('org.eclipse.elk');
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('when the console is 390 pixels wide, then the statechart scrolls in its own box, with the current state in view, and the page does not scroll sideways', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    const { page, refused } = await openConsole(390);
    await signInAs(page, move.team.manager);
    await openWorkflow(page, move.transitionId, /^Transition of /);
    await page.getByRole('img', { name: /it is now in Migrating customers/ }).waitFor();
    expect(await statesWith(page, 'current')).toEqual(['migratingCustomers']);
    expect(await fitsWidth(page)).toBe(true);
    const box = page.locator('.statechart-box');
    const sizes = await page.evaluate<{
      scroll: number;
      client: number;
      overflow: string;
      focusable: number;
    }>(`(() => {
      const box = document.querySelector('.statechart-box');
      return {
        scroll: box.scrollWidth,
        client: box.clientWidth,
        overflow: getComputedStyle(box).overflowX,
        focusable: box.tabIndex,
      };
    })()`);
    expect(sizes.overflow).toBe('auto');
    expect(sizes.focusable).toBe(0);
    // Wider than the screen: it scrolls inside its box and not smaller than 70% of its size.
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    const current = await page.locator('svg .state.current > rect').first().boundingBox();
    const shown = await box.boundingBox();
    expect(current!.x).toBeGreaterThanOrEqual(shown!.x);
    expect(current!.x + current!.width).toBeLessThanOrEqual(shown!.x + shown!.width);
    await page.screenshot({ path: `${artifacts}/console-statechart-narrow.png`, fullPage: true });

    await openWorkflow(page, relationship.id, 'Reseller relationship');
    await page.getByRole('img', { name: /\(awaitingConsent\)\.$/ }).waitFor();
    expect(await statesWith(page, 'current')).toEqual(['awaitingConsent']);
    expect(await statesWith(page, 'holds-current')).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    expect(refused).toEqual([]);
    await page.context().close();
  });
});

describe('consent links on a reseller relationship', () => {
  it('when a manager creates a link, copies it and revokes it, then the list shows it open and then revoked, and the link no longer works', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    const { manager } = move.team;
    const { page, refused } = await openConsole(1280, {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await signInAs(page, manager);
    await openWorkflow(page, relationship.id, 'Reseller relationship');
    const section = consentLinks(page);
    await expect.poll(() => section.locator('p.muted').innerText()).toBe('No links yet.');

    // A value the API refuses is shown against its field, and the field keeps it.
    const days = page.getByLabel('Valid for (days)');
    expect(await days.inputValue()).toBe('14');
    await days.fill('90');
    await page.getByRole('button', { name: 'Create link' }).click();
    const refusal = section.getByRole('alert');
    await expect.poll(() => refusal.innerText()).toContain('Valid for (days)');
    expect(await days.inputValue()).toBe('90');
    expect(await days.getAttribute('aria-invalid')).toBe('true');

    await days.fill('7');
    await page.getByRole('button', { name: 'Create link' }).click();
    const shownLink = page.getByLabel('Consent link', { exact: true });
    await shownLink.waitFor();
    const url = await shownLink.inputValue();
    expect(url).toMatch(/\/consent\/[A-Za-z0-9_-]{43}$/);
    // The keyboard is put on the next thing to do: copying.
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Copy link');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => section.getByRole('status').innerText())
      .toBe('Copied to the clipboard.');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(url);

    const listed = await as(h.app, manager).get(
      `/v1/workflows/${relationship.id}/consent-requests`,
    );
    const [link] = (listed.body as { items: Array<{ id: string; expiresAt: string }> }).items;
    const row = section.locator(`tr[data-link="${link!.id}"]`);
    await expect.poll(() => row.locator('td').nth(1).innerText()).toBe('Open');
    expect(await row.innerText()).toContain(link!.expiresAt.slice(0, 10));
    await page.screenshot({ path: `${artifacts}/console-consent-link.png`, fullPage: true });

    // Revoking asks first; keeping it changes nothing.
    await row.getByRole('button', { name: `Revoke link ${link!.id}` }).click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect(await row.locator('td').nth(1).innerText()).toBe('Open');
    await row.getByRole('button', { name: `Revoke link ${link!.id}` }).click();
    await page.getByLabel('Reason (optional)').fill('sent to the wrong person');
    await page.getByRole('button', { name: 'Revoke link', exact: true }).click();
    await expect.poll(() => row.locator('td').nth(1).innerText()).toBe('Revoked');
    expect(await row.innerText()).toContain('sent to the wrong person');
    expect(await row.getByRole('button').count()).toBe(0);
    expect(await section.locator('p.muted').innerText()).toBe('1 link, 0 open.');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('1 link, 0 open.');

    const after = await as(h.app, manager).get(`/v1/workflows/${relationship.id}/consent-requests`);
    expect(after.body).toMatchObject({
      items: [{ id: link!.id, status: 'revoked', revocationReason: 'sent to the wrong person' }],
    });
    // The customer opening it now is told no answer is needed.
    // (The link carries PUBLIC_URL's address; this server listens on a port of its own.)
    expect((await page.request.get(`${base}${new URL(url).pathname}`)).status()).toBe(409);
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('when the clipboard cannot be written, then the link is selected to copy by hand, and the section fits 390 pixels', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    // A page served over plain HTTP from another computer has no clipboard API at all.
    const { page, refused } = await openConsole(
      390,
      {},
      'Object.defineProperty(navigator, "clipboard", { value: undefined })',
    );
    await signInAs(page, move.team.globalAdmin);
    await openWorkflow(page, relationship.id, 'Reseller relationship');
    await page.getByRole('button', { name: 'Create link' }).click();
    const shownLink = page.getByLabel('Consent link', { exact: true });
    await shownLink.waitFor();
    await page.getByRole('button', { name: 'Copy link' }).click();
    const section = consentLinks(page);
    await expect
      .poll(() => section.getByRole('status').innerText())
      .toMatch(/^The link is selected: press Ctrl\+C/);
    const url = await shownLink.inputValue();
    expect(
      await page.evaluate(`(() => {
        const input = document.activeElement;
        return { label: input.labels[0].textContent, selected: input.value.slice(input.selectionStart, input.selectionEnd) };
      })()`),
    ).toEqual({ label: 'Consent link', selected: url });
    await expect.poll(() => section.locator('td').nth(1).innerText()).toContain('Open');
    expect(await fitsWidth(page)).toBe(true);
    await page.screenshot({ path: `${artifacts}/console-consent-link-narrow.png`, fullPage: true });
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('when an auditor opens the relationship, then it sees the links and no button; a provider sees no links at all', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    const created = await as(h.app, move.team.manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      { expiresInDays: 3 },
    );
    expect(created.status).toBe(201);
    const { page, refused } = await openConsole();
    await signInAs(page, move.team.auditor);
    await openWorkflow(page, relationship.id, 'Reseller relationship');
    const section = consentLinks(page);
    await expect.poll(() => section.locator('p.muted').innerText()).toBe('1 link, 1 open.');
    expect(await section.locator('tbody td').nth(1).innerText()).toBe('Open');
    expect(await section.locator('thead th').allInnerTexts()).toEqual([
      'Link',
      'Status',
      'Created',
      'Expires',
      'Closed',
    ]);
    expect(await page.getByLabel('Valid for (days)').count()).toBe(0);
    expect(await page.locator('main').getByRole('button').count()).toBe(0);

    // The provider reads the relationship, but its consent links are the partner's affair.
    await signInAs(page, move.provider.token);
    await openWorkflow(page, relationship.id, 'Reseller relationship');
    await page.getByRole('img', { name: /awaitingConsent/ }).waitFor();
    expect(await page.getByRole('heading', { name: 'Consent links' }).count()).toBe(0);
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
