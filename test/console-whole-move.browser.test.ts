import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifacts,
  openConsole,
  signInAs,
  startBrowserRig,
  type BrowserRig,
} from './browser-rig.ts';
import { buildPartner, createPartnerTeam } from './factories.ts';
import { as } from './harness.ts';
import { Move } from './move.ts';

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig('console whole move');
});

afterAll(async () => {
  await rig?.close();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A label as the form words it, with or without its "(required)". */
const labelled = (words: string) => new RegExp(`^${escape(words)}( \\(required\\))?$`);

/**
 * A field of the open event form, by its label; `Granted by › Email` reaches into a group.
 * A choice is picked by its value, anything else is typed.
 */
async function fill(form: Locator, path: string, value: string): Promise<void> {
  const steps = path.split(' › ');
  let scope = form;
  for (const group of steps.slice(0, -1))
    scope = scope.getByRole('group', { name: labelled(group) });
  const control = scope.getByLabel(labelled(steps.at(-1)!));
  if ((await control.locator('xpath=self::select').count()) > 0) {
    await control.selectOption(value);
  } else {
    await control.fill(value);
  }
}

/**
 * Presses an event's button under "What you can do"; with `fields`, fills the form it opens
 * and sends it. Either way, waits for the page to say the event was applied.
 */
async function press(page: Page, words: string, fields: Record<string, string> = {}) {
  const actions = page.locator('section[aria-labelledby=actions-heading]');
  await actions.getByRole('button', { name: words, exact: true }).click();
  if (Object.keys(fields).length > 0) {
    const form = page.locator('form.event-form');
    await form.waitFor();
    for (const [path, value] of Object.entries(fields)) await fill(form, path, value);
    await form.getByRole('button', { name: `Send: ${words}` }).click();
  }
  await expect
    .poll(() => page.locator('.notice').innerText())
    .toMatch(new RegExp(`^${escape(words)} applied`));
}

describe('a whole move in the console, in a real browser', () => {
  it('when a manager takes a partner through the move with its Global admin, the operator and the provider, then it completes and an auditor sees its verified history', async () => {
    const { h } = rig;
    // The operator's set-up, over the API: the partner with its people, and a provider.
    const partner = buildPartner({ name: `Whole Move ${Date.now()}` });
    const team = await createPartnerTeam(h.app, h.adminToken, partner);
    const provider = await Move.provider(h.app, h.adminToken, partner.cspRegion);
    const tenantId = crypto.randomUUID();
    const subscriptionId = `fab-e3-${tenantId.slice(0, 8)}`;

    const transitionTitle = new RegExp(`^Transition( of ${escape(partner.name)})?$`);
    const { page, refused } = await openConsole(rig);
    page.setDefaultTimeout(8000);

    /** Signs `token` in and opens the partner's transition from the list of transitions. */
    const openTransitionAs = async (token: string) => {
      await signInAs(page, token);
      await page.getByRole('link', { name: 'Tiershift console' }).click();
      await expect.poll(() => heading(page).innerText()).toBe('Transitions');
      // Found by name: on a database other tests share, an admin's first page may be full of
      // older transitions.
      await page.getByLabel('Partner name').fill(partner.name);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByRole('link', { name: partner.name, exact: true }).click();
      // A provider is not shown the partner's record, so its page is titled "Transition".
      await expect.poll(() => heading(page).innerText()).toMatch(transitionTitle);
    };
    /** From the transition's page, the customer's workflow in the column `machine`. */
    const openCustomerWorkflow = async (machine: string) => {
      const row = page.locator('table.customers tbody tr').first();
      await row.locator(`td[data-label="${machine}"] a`).click();
      await expect.poll(() => heading(page).innerText()).toContain(machine);
    };
    const backToTransition = async () => {
      await page.getByRole('link', { name: 'Its transition' }).click();
      await expect.poll(() => heading(page).innerText()).toMatch(transitionTitle);
    };
    const openEnrollment = async () => {
      await page.getByRole('link', { name: 'open the enrollment' }).click();
      await expect.poll(() => heading(page).innerText()).toContain('Enrollment');
    };

    // Preparation: the manager starts the transition and confirms the profile.
    await signInAs(page, team.manager);
    await page.getByText('Start the transition of your partner').click();
    await page.getByLabel('Tenant', { exact: true }).selectOption('new_tenant');
    await page.getByRole('button', { name: 'Start the transition' }).click();
    await expect.poll(() => heading(page).innerText()).toBe(`Transition of ${partner.name}`);
    const transitionId = decodeURIComponent(new URL(page.url()).hash.replace('#/workflows/', ''));
    await press(page, 'Confirm profile');

    // The Global admin registers the new tenant, submits the enrollment, accepts the agreement.
    await openTransitionAs(team.globalAdmin);
    await press(page, 'New tenant registered', { 'Tenant ID': crypto.randomUUID() });
    await openEnrollment();
    await press(page, 'Submit');
    await openTransitionAs(h.adminToken);
    await openEnrollment();
    await press(page, 'Approve');
    await openTransitionAs(team.globalAdmin);
    await openEnrollment();
    await press(page, 'Accept agreement', { 'Agreement version': 'MPA-2026' });

    // The manager imports the customer from a CSV file, then asks the provider.
    await openTransitionAs(team.manager);
    await page.getByRole('link', { name: 'Import customers from a CSV file' }).click();
    await expect.poll(() => heading(page).innerText()).toMatch(/^Import customers into /);
    const csv = [
      'Record,Name,Tenant ID,Acquired as,MCA acceptance,billTo.companyName,billTo.email,billTo.country,billTo.address,subscriptionId,offer,kind,quantity,baseSubscriptionId',
      `customer,Fabrikam,${tenantId},direct_bill,partner_attestation,"Fabrikam, GmbH",ap@fabrikam.example,de,"Street 1\nBerlin",,,,,`,
      `subscription,,${tenantId},,,,,,,${subscriptionId},Microsoft 365 E3,nce_license,25,`,
    ].join('\r\n');
    await page.getByLabel('Customers file (CSV)').setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    await expect
      .poll(() => page.locator('.import-counts').innerText())
      .toBe('1 customer, 1 subscription.');
    await page.getByRole('button', { name: 'Import 1 customer' }).click();
    await expect.poll(() => page.locator('.notice').innerText()).toContain('Stored 1 customer');

    await openTransitionAs(team.manager);
    await press(page, 'Partnership requested', { 'Provider ID': provider.id });
    await openTransitionAs(provider.token);
    await press(page, 'Provider invitation sent');
    await openTransitionAs(team.globalAdmin);
    await press(page, 'Provider invitation accepted', { 'Provider ID': provider.id });
    await expect.poll(() => page.locator('.notice').innerText()).toContain('Migrating customers');

    // The reseller relationship, through its consent checkpoint.
    await openTransitionAs(team.manager);
    await openCustomerWorkflow('Reseller relationship');
    await press(page, 'Use extension');
    await press(page, 'Consent granted', {
      'Granted by › Name': 'Carla Jung',
      'Granted by › Email': 'carla@fabrikam.example',
      Method: 'signed_form',
      'Statement version': 'rre-consent-v1',
      'Evidence ref': 'DMS-4411',
    });
    await openTransitionAs(team.globalAdmin);
    await openCustomerWorkflow('Reseller relationship');
    await press(page, 'Bill to sharing confirmed');
    await openTransitionAs(team.manager);
    await openCustomerWorkflow('Reseller relationship');
    await press(page, 'Relationship accepted');

    // The MCA: asked for by the manager, recorded by the provider.
    await backToTransition();
    await openCustomerWorkflow('MCA re-acceptance');
    await press(page, 'Acceptance requested');
    await openTransitionAs(provider.token);
    await openCustomerWorkflow('MCA re-acceptance');
    await press(page, 'Acceptance recorded', {
      'Accepted by › First name': 'Carla',
      'Accepted by › Last name': 'Jung',
      'Accepted by › Email': 'carla@fabrikam.example',
      'Date agreed': h.clock.now().toISOString().slice(0, 10),
    });

    // The transfer: agreed, confirmed and requested, submitted, transferred.
    await openTransitionAs(team.manager);
    await openCustomerWorkflow('Subscription transfer');
    await press(page, 'Customer agreed');
    await openTransitionAs(provider.token);
    await openCustomerWorkflow('Subscription transfer');
    await press(page, 'Details confirmed', { 'Subscription IDs': subscriptionId });
    await press(page, 'Transfer request created', {
      'Customer email': 'it@fabrikam.example',
      'Source partner tenant ID': partner.tenantId,
      'Partner on record': partner.mpnId,
    });
    await openTransitionAs(team.manager);
    await openCustomerWorkflow('Subscription transfer');
    await press(page, 'Transfer submitted', { 'Subscription IDs': subscriptionId });
    await openTransitionAs(provider.token);
    await openCustomerWorkflow('Subscription transfer');
    await press(page, 'Subscription transferred', {
      'Subscription ID': subscriptionId,
      'New subscription ID': `new-${subscriptionId}`,
    });

    // The manager sees the move completed.
    await openTransitionAs(team.manager);
    await expect.poll(() => page.locator('main').innerText()).toMatch(/Completed/);
    await page.screenshot({ path: `${artifacts}/console-whole-move.png`, fullPage: true });
    // A finished move plans no one: no import is offered any more.
    expect(await page.getByRole('link', { name: 'Import customers from a CSV file' }).count()).toBe(
      0,
    );

    // The auditor reviews it: verified history, and nothing to press.
    await openTransitionAs(team.auditor);
    const actions = page.locator('section[aria-labelledby=actions-heading]');
    await expect.poll(() => actions.innerText()).toContain('it takes no more events');
    expect(await actions.getByRole('button').count()).toBe(0);
    await page.getByRole('link', { name: 'History' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('History verified');
    expect(await page.locator('form.event-form, .events button').count()).toBe(0);

    const stored = await as(h.app, team.auditor).get(`/v1/workflows/${transitionId}`);
    expect(stored.body).toMatchObject({
      state: 'completed',
      status: 'done',
      output: { customersMoved: 1, customersExcluded: 0, subscriptionsTransferred: 1 },
    });
    expect(refused).toEqual([]);
    await page.close();
  });
});
