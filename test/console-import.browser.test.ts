import type { Browser, Page } from 'playwright-core';
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
  // A small body limit, so that a file over it is quick to make.
  rig = await startBrowserRig('console import', { bodyLimitBytes: 256 * 1024 });
  ({ h, base, browser } = rig);
});

afterAll(async () => {
  await rig?.close();
});

/** A signed-in page, recording every refusal of the Content-Security-Policy. */
async function signedIn(token: string, width = 1280): Promise<{ page: Page; refused: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  await page.goto(`${base}/console`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { page, refused };
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const main = (page: Page) => page.locator('main');
const csvFile = (name: string, text: string) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(text, 'utf8'),
});

const header =
  'Record,Name,Tenant ID,Acquired as,MCA acceptance,billTo.companyName,billTo.email,billTo.country,billTo.address,subscriptionId,offer,kind,quantity,baseSubscriptionId';

/** A customer row of the one-file layout, and its subscriptions' rows. */
function customerRows(
  name: string,
  tenantId: string,
  subscriptions: string[],
  email = `ap@${name.toLowerCase()}.example`,
): string[] {
  return [
    `customer,${name},${tenantId},direct_bill,partner_attestation,"${name}, GmbH",${email},de,"Street 1\nBerlin",,,,,`,
    ...subscriptions.map(
      (id, i) =>
        `subscription,,${tenantId},,,,,,,${id},Microsoft 365 E3,nce_license,${10 + i},${i > 0 ? subscriptions[0] : ''}`,
    ),
  ];
}

async function storedCustomers(move: Move) {
  const res = await as(h.app, move.team.manager).get(
    `/v1/partners/${move.team.partnerId}/customers`,
  );
  expect(res.status).toBe(200);
  return (res.body as { items: Array<{ tenantId: string; subscriptions: unknown[] }> }).items;
}

/** How many customers the partner has, page after page. */
async function customerCount(move: Move): Promise<number> {
  let count = 0;
  let cursor: string | null = '';
  while (cursor !== null) {
    const res = await as(h.app, move.team.manager).get(
      `/v1/partners/${move.team.partnerId}/customers?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    const body = res.body as { items: unknown[]; nextCursor: string | null };
    count += body.items.length;
    cursor = body.nextCursor;
  }
  return count;
}

describe('customers imported from CSV in the console', () => {
  it('when a manager imports a file of customers with subscriptions into a migrating transition, then it previews, stores and plans them', async () => {
    const move = await Move.start(h.app, h.adminToken);
    // A transition with no customer completes as it starts migrating: it gets one first.
    const first = buildCustomer();
    await move.importCustomers([first]);
    await move.toMigrating();
    const tenants = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const suffix = tenants[0]!.slice(0, 8);
    const csv = [
      header,
      ...customerRows('Fabrikam', tenants[0]!, [`fab-e3-${suffix}`, `fab-phone-${suffix}`]),
      ...customerRows('Tailspin', tenants[1]!, [`tail-e3-${suffix}`]),
      ...customerRows('Contoso', tenants[2]!, []),
    ].join('\r\n');

    const { page, refused } = await signedIn(move.team.manager);
    await page.goto(`${base}/console#/workflows/${move.transitionId}`);
    await expect.poll(() => heading(page).innerText()).toMatch(/^Transition of /);
    await page.getByRole('link', { name: 'Import customers from a CSV file' }).click();
    await expect.poll(() => heading(page).innerText()).toMatch(/^Import customers into /);
    expect(await page.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);

    await page.getByLabel('Customers file (CSV)').setInputFiles(csvFile('customers.csv', csv));
    await expect
      .poll(() => page.locator('.import-counts').innerText())
      .toBe('3 customers, 3 subscriptions.');
    const rows = page.locator('main table tbody tr');
    expect(await rows.count()).toBe(3);
    // The address's line break stays in its cell: Tailspin is on row 5 of the spreadsheet.
    expect(await rows.nth(1).innerText()).toMatch(/^5\s+Tailspin/);
    expect(await rows.nth(0).innerText()).toContain('Fabrikam, GmbH');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: `${artifacts}/console-import-preview.png`, fullPage: true });

    await page.getByRole('button', { name: 'Import 3 customers' }).click();
    await expect
      .poll(() => page.locator('.notice').innerText())
      .toContain('Stored 3 customers, planned 3.');
    await page.screenshot({ path: `${artifacts}/console-import-done.png`, fullPage: true });

    const stored = await storedCustomers(move);
    expect(stored.map((c) => c.tenantId)).toEqual([first.tenantId, ...tenants]);
    expect(stored.map((c) => c.subscriptions.length)).toEqual([1, 2, 1, 0]);
    expect(await move.children('machine=resellerRelationship')).toHaveLength(4);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a file has a bad row, then the row is named, nothing is sent, and a refusal by the server lands on its row too', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const existing = buildCustomer();
    await move.importCustomers([existing]);
    const fresh = crypto.randomUUID();
    const customers = [
      'name,tenantId,acquiredAs,mcaAcceptance,billTo.companyName,billTo.email,billTo.country',
      `Fabrikam,${fresh},direct_bill,none,Fabrikam GmbH,ap@fabrikam.example,DE`,
      `Tailspin,${crypto.randomUUID()},direct_bill,none,Tailspin AG,not an email,DE`,
    ].join('\n');

    // At 390 pixels wide: the list of problems and the preview fit the screen.
    const { page, refused } = await signedIn(move.team.globalAdmin, 390);
    await page.goto(`${base}/console#/partners/${move.team.partnerId}/import`);
    await expect.poll(() => heading(page).innerText()).toMatch(/^Import customers into /);
    await page
      .getByLabel('Customers file (CSV)')
      .setInputFiles(csvFile('customers.csv', customers));
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('Not sent.');
    expect(await alert.locator('li').allInnerTexts()).toEqual([
      'Row 3, billTo.email: must be an email address such as ap@fabrikam.example',
    ]);
    expect(await page.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.screenshot({ path: `${artifacts}/console-import-bad-row.png`, fullPage: true });

    // The mended file, with its subscriptions in a second file: one repeats the partner's
    // existing tenant, which only the server knows; its refusal names that row.
    const mended = [
      'name,tenantId,acquiredAs,mcaAcceptance,billTo.companyName,billTo.email,billTo.country',
      `Fabrikam,${fresh},direct_bill,none,Fabrikam GmbH,ap@fabrikam.example,DE`,
      `Again,${existing.tenantId.toUpperCase()},direct_bill,none,Again AG,ap@again.example,DE`,
    ].join('\n');
    await page.getByLabel('Customers file (CSV)').setInputFiles(csvFile('mended.csv', mended));
    await page
      .getByLabel('Subscriptions file (CSV, optional)')
      .setInputFiles(
        csvFile(
          'subscriptions.csv',
          `tenantId,subscriptionId,offer,kind,quantity\n${fresh},sub-${fresh},E3,nce_license,5\n`,
        ),
      );
    await expect
      .poll(() => page.locator('.import-counts').innerText())
      .toBe('2 customers, 1 subscription.');
    await page.getByRole('button', { name: 'Import 2 customers' }).click();
    await expect.poll(() => alert.innerText()).toContain('These rows repeat them');
    expect(await alert.locator('li').allInnerTexts()).toEqual([
      'Row 3, tenantId: the partner already has a customer with this tenantId',
    ]);
    // What was chosen stays chosen, to be sent again once mended.
    expect(await page.evaluate("document.getElementById('customers-file').files[0].name")).toBe(
      'mended.csv',
    );
    expect(await page.getByRole('button', { name: 'Import 2 customers' }).isEnabled()).toBe(true);
    expect((await storedCustomers(move)).map((c) => c.tenantId)).toEqual([existing.tenantId]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a file has hundreds of customers, then the page shows the rows checked and the bytes sent as it goes', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const lines = Array.from(
      { length: 600 },
      (_, i) =>
        `Customer ${i},${crypto.randomUUID()},direct_bill,none,Customer ${i} Ltd,ap${i}@example.com,GB`,
    );
    const customers = `name,tenantId,acquiredAs,mcaAcceptance,billTo.companyName,billTo.email,billTo.country\n${lines.join('\n')}`;
    const { page } = await signedIn(move.team.manager);
    await page.goto(`${base}/console#/partners/${move.team.partnerId}/import`);
    await page.getByLabel('Customers file (CSV)').waitFor();
    // Every text the status line shows, recorded as it changes (scripts run in the page as text).
    await page.evaluate(`
      window.statuses = [];
      const status = document.querySelector('.import-status');
      new MutationObserver(() => window.statuses.push(status.textContent)).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    `);
    await page.getByLabel('Customers file (CSV)').setInputFiles(csvFile('many.csv', customers));
    await page.getByRole('button', { name: 'Import 600 customers' }).click();
    await expect
      .poll(() => page.locator('.notice').innerText())
      .toContain('Stored 600 customers, planned 0.');
    const statuses = await page.evaluate<string[]>('window.statuses');
    expect(statuses).toContain('Checking rows: 500 of 600…');
    expect(statuses.some((s) => /^Sending: \d+\.\d of 0\.\d MB…$/.test(s))).toBe(true);
    expect(statuses).toContain('Sent; the server is storing and planning the customers…');
    expect(await customerCount(move)).toBe(600);
    await page.close();
  });

  it('when a file is larger than the server takes, then the page says so and nothing is stored', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const lines = Array.from(
      { length: 1_500 },
      (_, i) =>
        `Customer ${i},${crypto.randomUUID()},direct_bill,none,Customer ${i} Ltd,ap${i}@example.com,GB`,
    );
    const customers = `name,tenantId,acquiredAs,mcaAcceptance,billTo.companyName,billTo.email,billTo.country\n${lines.join('\n')}`;
    const { page } = await signedIn(move.team.manager);
    await page.goto(`${base}/console#/partners/${move.team.partnerId}/import`);
    await page.getByLabel('Customers file (CSV)').setInputFiles(csvFile('big.csv', customers));
    await page.getByRole('button', { name: 'Import 1,500 customers' }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toContain('larger than the server takes in one request');
    expect(await storedCustomers(move)).toEqual([]);
    await page.close();
  });

  it('when an auditor, an admin or a provider opens the transition, then no import is offered', async () => {
    const move = await Move.start(h.app, h.adminToken);
    await move.toPartnering();
    await move.toInvitationSent();
    for (const token of [move.team.auditor, h.adminToken, move.provider.token]) {
      const { page } = await signedIn(token);
      await page.goto(`${base}/console#/workflows/${move.transitionId}`);
      await expect.poll(() => heading(page).innerText()).toMatch(/^Transition of |^Transition$/);
      expect(await page.getByRole('link', { name: /Import customers/ }).count()).toBe(0);
      // Typed into the address bar, the page says why and offers no file to choose.
      await page.goto(`${base}/console#/partners/${move.team.partnerId}/import`);
      await expect.poll(() => main(page).innerText()).toMatch(/may not import customers|not yours/);
      expect(await page.locator('input[type=file]').count()).toBe(0);
      await page.close();
    }
  });
});

describe('a field that names a provider, in an event form', () => {
  it('when a manager requests a partnership, then the providers are offered by name, not as an id to type', async () => {
    const move = await Move.start(h.app, h.adminToken);
    await move.toPartnering();
    const provider = await as(h.app, h.adminToken).get(`/v1/providers/${move.provider.id}`);
    const { name, region, mpnId } = provider.body as {
      name: string;
      region: string;
      mpnId: string;
    };
    const { page, refused } = await signedIn(move.team.manager);
    await page.goto(`${base}/console#/workflows/${move.transitionId}`);
    await page.getByRole('button', { name: 'Partnership requested' }).click();
    const choice = page.getByLabel('Provider ID (required)', { exact: true });
    await choice.waitFor();
    expect(await page.locator('form select[name="providerId"]').count()).toBe(1);
    await choice.selectOption({ label: `${name} (${region}, PartnerID ${mpnId})` });
    await page.getByRole('button', { name: 'Send: Partnership requested' }).click();
    await expect
      .poll(() => page.locator('.notice').innerText())
      .toMatch(/^Partnership requested applied/);
    expect((await move.get(move.transitionId)).context.partnerships).toEqual({
      [move.provider.id]: 'requested',
    });
    expect(refused).toEqual([]);
    await page.close();
  });
});
