import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

const artifacts = 'test-artifacts';

let h: Harness;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness();
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium('consent page');
  mkdirSync(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  // Without Chromium the setup stops before the server starts: nothing to close then.
  if (server) await new Promise((resolve) => server?.close(resolve));
  await h?.close();
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
