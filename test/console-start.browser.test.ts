import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, type BrowserRig } from './browser-rig.ts';
import { buildPartner, createPartnerTeam, type PartnerTeam } from './factories.ts';
import { as, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
let rig: BrowserRig;
let base: string;
let browser: Browser;
let team: PartnerTeam;
let partnerName: string;

beforeAll(async () => {
  rig = await startBrowserRig('console start');
  ({ h, base, browser } = rig);
  partnerName = `Neustart ${Date.now()}`;
  team = await createPartnerTeam(h.app, h.adminToken, buildPartner({ name: partnerName }));
});

afterAll(async () => {
  await rig?.close();
});

async function signedIn(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
  page.setDefaultTimeout(8000);
  await page.goto(`${base}/`);
  await page.getByLabel('API token').fill(token);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Transitions');
  return page;
}

describe('starting a transition from the console, in a real browser', () => {
  it('when a manager starts its partner’s transition, then it opens, and a second start leads to the open one', async () => {
    const page = await signedIn(team.manager);
    await page.getByText('Start the transition of your partner').click();
    await page.getByLabel('Tenant', { exact: true }).selectOption('new_tenant');
    await page.getByLabel('Migration deadline (optional)').fill('2027-03-31');
    await page.getByRole('button', { name: 'Start the transition' }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).innerText())
      .toBe(`Transition of ${partnerName}`);
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/workflows/', ''));
    const stored = await as(h.app, h.adminToken).get(`/v1/workflows/${id}`);
    expect(stored.body).toMatchObject({
      machine: 'transition',
      partnerId: team.partnerId,
      context: { tenantStrategy: 'new_tenant', migrationDeadline: '2027-03-31' },
    });

    await page.goto(`${base}/console#/`);
    await page.getByText('Start the transition of your partner').click();
    await page.getByRole('button', { name: 'Start the transition' }).click();
    const open = page.getByRole('link', { name: 'Open the transition in progress' });
    await open.waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/Not done/);
    await open.click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/workflows/${id}`);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
    await page.close();
  });

  it('when an auditor or a provider lists transitions, then starting one is not offered', async () => {
    const provider = await Move.provider(h.app, h.adminToken, 'DE');
    for (const token of [team.auditor, provider.token]) {
      const page = await signedIn(token);
      expect(await page.getByText('Start the transition of your partner').count()).toBe(0);
      await page.close();
    }
  });
});
