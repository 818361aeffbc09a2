import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, startBrowserRig, type BrowserRig } from './browser-rig.ts';
import { buildCustomer } from './factories.ts';
import { as, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
let rig: BrowserRig;
let base: string;
let browser: Browser;

beforeAll(async () => {
  rig = await startBrowserRig('consent page');
  ({ h, base, browser } = rig);
});

afterAll(async () => {
  await rig?.close();
});

describe('the consent page in a real browser', () => {
  it('when the customer opens the link, reads the statement and consents, then it is recorded with evidence', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [customerId] = await move.importCustomers([buildCustomer()]);
    await move.toMigrating();
    const relationship = await move.childOf('resellerRelationship', customerId!);
    await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
    const created = await as(h.app, move.team.manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      {},
    );
    const url = `${base}${new URL((created.body as { url: string }).url).pathname}`;

    const page = await browser.newPage();
    await page.goto(url);
    await expect.poll(() => page.title()).toBe('Consent to a reseller relationship');
    const statement = await page.locator('#statement').innerText();
    expect(statement).toContain('receives no administrative rights');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain(
      'asks for your consent',
    );
    await page.getByLabel('Your name').fill('Carla Jung');
    await page.getByLabel('Your work email').fill('carla@fabrikam.example');
    await page.screenshot({ path: `${artifacts}/consent-page.png`, fullPage: true });
    await page.getByRole('button', { name: 'I consent' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain(
      'your consent is recorded',
    );
    await page.screenshot({ path: `${artifacts}/consent-recorded.png` });

    await page.goto(url);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      'This link was already used',
    );
    await page.close();

    expect((await move.get(relationship.id)).state).toBe('billToSharing');
    const consents = await as(h.app, move.team.auditor).get(
      `/v1/consents?workflowId=${relationship.id}`,
    );
    const [record] = (consents.body as { items: Array<Record<string, unknown>> }).items;
    expect(record).toMatchObject({
      decision: 'granted',
      method: 'customer_link',
      grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: expect.stringMatching(/Chrome/),
    });
  });
});
