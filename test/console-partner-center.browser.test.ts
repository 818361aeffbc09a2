import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionSteps } from '../src/engine/automation.ts';
import {
  artifacts,
  openConsole,
  signInAs,
  startBrowserRig,
  type BrowserRig,
} from './browser-rig.ts';
import { buildCustomer, buildPartner } from './factories.ts';
import type { Harness } from './harness.ts';
import { connectPartnerCenter } from './partner-center-fixtures.ts';
import { Move } from './move.ts';

/**
 * A transition connected to Partner Center and one that is not, as their people see them: the
 * transition's Partner Center section, and the steps marked automated on a customer's workflow.
 */

let h: Harness;
let rig: BrowserRig;

interface Setup {
  move: Move;
  partnerName: string;
  /** The customer's relationship, its invitation sent: it waits for the customer to accept. */
  relationshipId: string;
}
let connected: Setup;
let byHand: Setup;

const connect = (kind: 'partner' | 'provider', id: string) =>
  connectPartnerCenter(h.app, h.adminToken, kind, id);

async function setUp(name: string): Promise<Setup> {
  const partnerName = `${name} ${Date.now()}`;
  const move = await Move.start(h.app, h.adminToken, buildPartner({ name: partnerName }));
  const [customerId] = await move.importCustomers([buildCustomer()]);
  await move.toMigrating();
  const relationship = await move.childOf('resellerRelationship', customerId!);
  await move.send(move.team.manager, relationship.id, { type: 'USE_INVITATION' });
  return { move, partnerName, relationshipId: relationship.id };
}

beforeAll(async () => {
  rig = await startBrowserRig('console Partner Center');
  ({ h } = rig);
  connected = await setUp('Verbunden IT');
  await connect('partner', connected.move.team.partnerId);
  await connect('provider', connected.move.provider.id);
  byHand = await setUp('Handarbeit IT');
});

afterAll(async () => {
  await rig?.close();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const section = (page: Page) => page.getByRole('region', { name: 'Partner Center' });
const group = (page: Page, name: RegExp) => section(page).getByRole('group', { name });

async function openTransition(page: Page, setup: Setup): Promise<void> {
  await page.goto(`${rig.base}/console#/workflows/${setup.move.transitionId}`);
  await expect.poll(() => heading(page).innerText()).toBe(`Transition of ${setup.partnerName}`);
  await section(page).locator('.step-groups').waitFor();
}

const automatedCount = transitionSteps(true).filter((s) => s.automated).length;

describe("a transition's Partner Center steps in a real browser", () => {
  it('when the partner and the provider are connected, then the steps Partner Center takes are listed apart from those attested by hand', async () => {
    const { page, refused } = await openConsole(rig);
    await signInAs(page, connected.move.team.manager);
    await openTransition(page, connected);

    expect(await section(page).locator('.mode').innerText()).toMatch(/^Connected/);
    const automated = group(page, /^Carried out by Partner Center/);
    const hand = group(page, /^Attested by hand/);
    expect(await automated.getByRole('heading').innerText()).toBe(
      `Carried out by Partner Center (${automatedCount})`,
    );
    expect(await automated.innerText()).toContain('Subscription transfer: Transfer submitted');
    expect(await automated.innerText()).toContain('Reseller relationship: GDAP approved');
    expect(await hand.innerText()).toContain('Reseller relationship: Consent granted');
    expect(await hand.innerText()).not.toContain('Transfer submitted');
    expect(
      await hand.getByRole('listitem').filter({ hasText: 'Acceptance recorded' }).innerText(),
    ).toContain('recorded in Partner Center as well');
    await page.screenshot({ path: `${artifacts}/partner-center-connected.png`, fullPage: true });
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when the transition is not connected, then every step is attested by hand', async () => {
    const { page } = await openConsole(rig, { width: 390 });
    await signInAs(page, byHand.move.team.manager);
    await openTransition(page, byHand);

    expect(await section(page).locator('.mode').innerText()).toMatch(/^By hand/);
    expect(
      await group(page, /^Carried out by Partner Center/)
        .getByRole('heading')
        .innerText(),
    ).toBe('Carried out by Partner Center (0)');
    expect(
      await group(page, /^Attested by hand/)
        .getByRole('heading')
        .innerText(),
    ).toBe(`Attested by hand (${transitionSteps(false).length})`);
    expect(await section(page).innerText()).toContain('Not connected');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      390,
    );
    await page.close();
  });

  it('when a customer workflow offers a step Partner Center reports, then it is marked so only where connected', async () => {
    const { page } = await openConsole(rig);
    await signInAs(page, connected.move.team.manager);
    await page.goto(`${rig.base}/console#/workflows/${connected.relationshipId}`);
    const accept = page.getByRole('button', { name: 'Invitation accepted' });
    await accept.waitFor();
    const marked = page.locator('ul.events li', { has: accept }).locator('.automated');
    await expect.poll(() => marked.innerText()).toBe('Partner Center reports this');
    // The mark is part of what the button says to a screen reader.
    expect(await accept.getAttribute('aria-describedby')).toContain(
      await marked.getAttribute('id'),
    );
    await page.screenshot({ path: `${artifacts}/partner-center-step-marked.png` });

    await signInAs(page, byHand.move.team.manager);
    await page.goto(`${rig.base}/console#/workflows/${byHand.relationshipId}`);
    await page.getByRole('button', { name: 'Invitation accepted' }).waitFor();
    // Wait for the read of the transition to settle before looking for a mark it must not add.
    await page.waitForLoadState('networkidle');
    expect(await page.locator('ul.events .automated').count()).toBe(0);
    await page.close();
  });
});
