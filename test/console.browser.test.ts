import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifacts,
  openConsole as openRigConsole,
  signInAs,
  startBrowserRig,
  type BrowserRig,
} from './browser-rig.ts';
import { buildPartner, buildProfile } from './factories.ts';
import type { Harness } from './harness.ts';
import { Move } from './move.ts';

const consolePolicy =
  "default-src 'none';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none'";

let h: Harness;
let rig: BrowserRig;
let base: string;

beforeAll(async () => {
  rig = await startBrowserRig('console');
  ({ h, base } = rig);
});

afterAll(async () => {
  await rig?.close();
});

const openConsole = (width = 1280) => openRigConsole(rig, { width });

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const notice = (page: Page) => page.locator('.notice');
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

describe('the console in a real browser', () => {
  it('when a manager and the Global admin walk an enrollment with the buttons, then a refused submit lists its reasons and the enrollment ends active', async () => {
    const partner = buildPartner({
      profile: buildProfile({ maicppMember: false, businessEmail: 'info@gmail.com' }),
    });
    const move = await Move.start(h.app, h.adminToken, partner);
    const { team } = move;
    const { page, refused } = await openConsole();
    expect(page.url()).toBe(`${base}/console`);
    const served = await page.request.get(`${base}/console`);
    expect(served.headers()['content-security-policy']).toBe(consolePolicy);

    // The manager signs in, sees who it is, and opens its transition from the list.
    await signInAs(page, team.manager);
    await expect
      .poll(() => page.locator('header .who').innerText())
      .toMatch(/^Signed in as manager /);
    expect(await page.locator('header .who').innerText()).toContain(
      `onboarding manager · partner ${partner.name}`,
    );
    expect(page.url()).not.toContain(team.manager);
    expect(await page.evaluate("sessionStorage.getItem('tiershift.token')")).toBe(team.manager);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await expect.poll(() => heading(page).innerText()).toBe('Transitions');
    const row = page.getByRole('row', { name: new RegExp(partner.name) });
    expect(await row.innerText()).toMatch(/Preparation/);
    await row.getByRole('link', { name: partner.name }).click();
    await expect.poll(() => heading(page).innerText()).toBe(`Transition of ${partner.name}`);

    await page.getByRole('button', { name: 'Confirm profile' }).click();
    await expect
      .poll(() => notice(page).innerText())
      .toBe('Confirm profile applied: now Awaiting new tenant.');
    // Registering the new tenant is the Global admin's: the manager is not offered it.
    expect(await page.getByRole('button', { name: 'New tenant registered' }).count()).toBe(0);

    // The Global admin registers the tenant: a value the API refuses stays in the field, with
    // the refusal beside it, and the corrected one goes through.
    await signInAs(page, team.globalAdmin);
    await expect.poll(() => heading(page).innerText()).toBe(`Transition of ${partner.name}`);
    await page.getByRole('button', { name: 'New tenant registered' }).click();
    await field(page, 'Tenant ID (required)').fill('not-a-tenant-id');
    await page.getByRole('button', { name: 'Send: New tenant registered' }).click();
    const refusal = page.getByRole('alert');
    await expect.poll(() => refusal.innerText()).toContain('Some fields need attention');
    expect(await field(page, 'Tenant ID (required)').inputValue()).toBe('not-a-tenant-id');
    expect(await field(page, 'Tenant ID (required)').getAttribute('aria-invalid')).toBe('true');
    await field(page, 'Tenant ID (required)').fill(crypto.randomUUID());
    await page.getByRole('button', { name: 'Send: New tenant registered' }).click();
    await expect
      .poll(() => notice(page).innerText())
      .toBe('New tenant registered applied: now Enrolling.');

    // The enrollment, from the transition's list of workflows: submitting is refused with
    // every unmet requirement, in words.
    await page.getByRole('link', { name: 'Enrollment' }).click();
    await expect.poll(() => heading(page).innerText()).toBe('Enrollment');
    await page.getByRole('button', { name: 'Submit' }).press('Enter');
    await expect.poll(() => refusal.innerText()).toContain('2 requirements are not met yet');
    expect(await refusal.locator('li').allInnerTexts()).toEqual([
      'The partner is not an active AI Cloud Partner Program member.',
      'The business email is not a monitored business address (not personal, disposable or generic such as info@).',
    ]);
    await page.screenshot({ path: `${artifacts}/console-refused-submit.png`, fullPage: true });

    // The manager completes the profile; submitting is not its to do.
    await signInAs(page, team.manager);
    await expect.poll(() => heading(page).innerText()).toBe('Enrollment');
    expect(await page.getByRole('button', { name: 'Submit' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Update profile' }).click();
    await field(page, 'AI Cloud Partner Program member').selectOption('yes');
    await field(page, 'Business email').fill('partner.ops@contoso-it.com');
    await page.getByRole('button', { name: 'Send: Update profile' }).click();
    await expect.poll(() => notice(page).innerText()).toBe('Update profile applied: now Draft.');

    await signInAs(page, team.globalAdmin);
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect
      .poll(() => notice(page).innerText())
      .toBe('Submit applied: now Pending approval, on time.');

    await signInAs(page, h.adminToken);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => notice(page).innerText())
      .toBe('Approve applied: now Awaiting agreement.');

    await signInAs(page, team.globalAdmin);
    await page.getByRole('button', { name: 'Accept agreement' }).click();
    await field(page, 'Agreement version (required)').fill('MPA-2026');
    await page.getByRole('button', { name: 'Send: Accept agreement' }).click();
    await expect.poll(() => notice(page).innerText()).toBe('Accept agreement applied: now Active.');
    expect(await page.locator('main').innerText()).toContain(
      'This workflow is done; it takes no more events.',
    );
    await page.screenshot({ path: `${artifacts}/console-enrollment-active.png`, fullPage: true });

    const [enrollment] = await move.children('machine=enrollment');
    expect(enrollment).toMatchObject({ state: 'active', status: 'done' });
    expect((await move.get(move.transitionId)).state).toBe('partnering');

    // An auditor reads the transition and is offered nothing to send.
    await signInAs(page, team.auditor);
    await page.getByRole('link', { name: 'Its transition' }).click();
    await expect.poll(() => heading(page).innerText()).toBe(`Transition of ${partner.name}`);
    expect(await page.locator('header .who').innerText()).toContain('auditor · every partner');
    expect(await page.locator('main').innerText()).toContain(
      'Auditors read everything and change nothing.',
    );
    expect(await page.locator('main').getByRole('button').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('Partnering');
    await page.screenshot({ path: `${artifacts}/console-auditor.png`, fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when the console is 390 pixels wide, then nothing scrolls sideways and the forms are labelled', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const { page, refused } = await openConsole(390);
    // Scripts run in the page, written as text: this project's types have no DOM.
    const fitsWidth = () =>
      page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    expect(await fitsWidth()).toBe(true);
    await signInAs(page, move.team.globalAdmin);
    await expect.poll(() => heading(page).innerText()).toBe('Transitions');
    await page.locator('tbody tr').first().waitFor();
    expect(await fitsWidth()).toBe(true);
    await page.screenshot({ path: `${artifacts}/console-transitions-narrow.png`, fullPage: true });
    await page.goto(`${base}/console#/workflows/${move.transitionId}`);
    await expect.poll(() => heading(page).innerText()).toMatch(/^Transition of /);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await field(page, 'Reason (required)').waitFor();
    expect(await fitsWidth()).toBe(true);
    await page.screenshot({ path: `${artifacts}/console-narrow.png`, fullPage: true });
    // Every field the console draws has a label a screen reader announces.
    const unlabelled = await page.evaluate(
      "[...document.querySelectorAll('input, select, textarea')].filter((c) => c.labels.length === 0).length",
    );
    expect(unlabelled).toBe(0);
    expect(refused).toEqual([]);
    await page.close();
  });
});
