import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
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

let h: Harness;
let rig: BrowserRig;
let base: string;

beforeAll(async () => {
  rig = await startBrowserRig('console history');
  ({ h, base } = rig);
});

afterAll(async () => {
  await rig?.close();
});

const openConsole = () => openRigConsole(rig, { acceptDownloads: true });

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const entry = (page: Page, seq: number) => page.locator(`li.entry[data-seq="${seq}"]`);
const badge = (page: Page) => page.locator('.verdict');
const buttonNames = (page: Page) => page.locator('main').getByRole('button').allInnerTexts();

/** Runs `change` as a database superuser could: with history's append-only trigger off. */
async function asAttacker(change: (db: Harness['db']) => Promise<unknown>): Promise<void> {
  await h.db.transaction(async (tx) => {
    await tx.raw('ALTER TABLE history DISABLE TRIGGER USER');
    await change(tx);
    await tx.raw('ALTER TABLE history ENABLE TRIGGER USER');
  });
}

interface ExportLine {
  workflowId: string;
  seq: number;
  type: string;
  outcome: string;
  reason: { code: string; reasons?: string[] } | null;
  hash: string;
}

describe('the history in the console', () => {
  it('when an auditor opens an enrollment’s history, then it sees every event with the refusal’s reasons, a verified badge, the past state and an export, and no event buttons; a tampered row turns the badge to broken', async () => {
    const partner = buildPartner({
      profile: buildProfile({ maicppMember: false, businessEmail: 'info@gmail.com' }),
    });
    const move = await Move.start(h.app, h.adminToken, partner);
    const { team } = move;
    await move.send(team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await move.send(team.globalAdmin, move.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const [enrollment] = await move.children('machine=enrollment');
    const enrollmentId = enrollment!.id;
    // Refused with two unmet requirements: row 2 of the enrollment's history.
    await move.send(team.globalAdmin, enrollmentId, { type: 'SUBMIT' }, 422);

    // The manager completes the profile with the form, then reads the history: the refusal
    // is there, and so is the export; checking the chain is not the manager's.
    const { page, refused } = await openConsole();
    await signInAs(page, team.manager);
    await page.goto(`${base}/console#/workflows/${enrollmentId}`);
    await expect.poll(() => heading(page).innerText()).toBe('Enrollment');
    await page.getByRole('button', { name: 'Update profile' }).click();
    await page.getByLabel('AI Cloud Partner Program member', { exact: true }).selectOption('yes');
    await page.getByLabel('Business email', { exact: true }).fill('partner.ops@contoso-it.com');
    await page.getByRole('button', { name: 'Send: Update profile' }).click();
    await expect
      .poll(() => page.locator('.notice').innerText())
      .toBe('Update profile applied: now Draft.');
    await page.getByRole('link', { name: 'History' }).click();
    await expect.poll(() => heading(page).innerText()).toBe('History of Enrollment');
    await entry(page, 3).waitFor();
    expect(await entry(page, 2).getAttribute('data-outcome')).toBe('rejected');
    expect(await page.locator('main').innerText()).toContain(
      'Checking the hash chain is for auditors and operators',
    );
    expect(await badge(page).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Download CSV' }).count()).toBe(1);

    await move.send(team.globalAdmin, enrollmentId, { type: 'SUBMIT' });

    // The auditor: from the enrollment, by the link, to its history.
    await signInAs(page, team.auditor);
    await expect.poll(() => heading(page).innerText()).toBe('History of Enrollment');
    await page.goto(`${base}/console#/workflows/${enrollmentId}`);
    await expect.poll(() => heading(page).innerText()).toBe('Enrollment');
    expect(await page.locator('main').getByRole('button').count()).toBe(0);
    await page.getByRole('link', { name: 'History' }).click();
    await expect.poll(() => heading(page).innerText()).toBe('History of Enrollment');
    await entry(page, 4).waitFor();
    expect(await page.locator('li.entry').count()).toBe(4);
    expect(await page.locator('main').innerText()).toContain('4 entries shown, 1 refused.');

    // Every event, in order, with who sent it, when, and where it took the workflow.
    expect(await entry(page, 1).innerText()).toMatch(/#1 Created[\s\S]*Created in Draft/);
    const submitted = await entry(page, 4).innerText();
    expect(submitted).toMatch(/#4 Submit SUBMIT\s+Applied/);
    expect(submitted).toContain('Draft draft → Pending approval, on time pendingApproval.onTime');
    expect(submitted).toMatch(/By Global_admin .+ \(Global admin\) · 2026-03-02 09:00 UTC \(.+\)/i);
    expect(await entry(page, 3).innerText()).toContain('partner.ops@contoso-it.com');

    // The refusal stands apart, with its code and each reason in words.
    const refusal = entry(page, 2);
    expect(await refusal.getAttribute('class')).toContain('rejected');
    const refusalText = await refusal.innerText();
    expect(refusalText).toMatch(/#2 Submit SUBMIT\s+Refused/);
    expect(refusalText).toContain('Stayed in Draft');
    expect(refusalText).toContain('Refused: 2 requirements were not met: 422 requirement_unmet');
    expect(await refusal.locator('ul.reasons li').allInnerTexts()).toEqual([
      'The partner is not an active AI Cloud Partner Program member.',
      'The business email is not a monitored business address (not personal, disposable or generic such as info@).',
    ]);

    // The badge: verified, with the count and the head hash the chain ends on.
    const verify = await fetch(`${base}/v1/workflows/${enrollmentId}/history/verify`, {
      headers: { Authorization: `Bearer ${team.auditor}` },
    });
    const verdict = (await verify.json()) as { headHash: string };
    await expect.poll(() => badge(page).innerText()).toContain('History verified');
    expect(await badge(page).innerText()).toContain(
      `4 entries checked; the chain ends on ${verdict.headHash.slice(0, 12)}…`,
    );
    expect(await badge(page).getAttribute('role')).toBe('status');

    // Nothing here changes the workflow: only time travel, the export and paging.
    expect(new Set(await buttonNames(page))).toEqual(
      new Set(['Download CSV', 'Download NDJSON', 'State after this event']),
    );
    await page.screenshot({ path: `${artifacts}/console-history.png`, fullPage: true });

    // Time travel to the first entry, and back to now.
    const travel = entry(page, 1).getByRole('button', { name: 'State after this event' });
    await travel.click();
    const panel = page.locator('.time-travel');
    await expect.poll(() => panel.innerText()).toContain('What it held');
    const past = await panel.innerText();
    expect(past).toContain('As it was after #1 Created');
    expect(past).toMatch(/State\s+Draft draft/);
    expect(past).toMatch(/Version\s+1\b/);
    expect(past).toContain('info@gmail.com');
    await page.screenshot({ path: `${artifacts}/console-history-time-travel.png`, fullPage: true });
    await panel.getByRole('button', { name: 'Back to now' }).click();
    expect(await panel.count()).toBe(0);
    // Scripts run in the page, written as text: this project's types have no DOM.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(
      'State after this event',
    );
    expect(await page.evaluate("document.activeElement?.closest('li')?.dataset.seq")).toBe('1');

    // The export, as a file: the same four rows, the refusal with its reasons.
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toBe(`history-${enrollmentId}.csv`);
    const rows = parse<Record<string, string>>(readFileSync(await csvDownload.path()), {
      columns: true,
    });
    expect(rows.map((r) => [r.workflowId, r.seq, r.type, r.outcome])).toEqual([
      [enrollmentId, '1', 'CREATED', 'applied'],
      [enrollmentId, '2', 'SUBMIT', 'rejected'],
      [enrollmentId, '3', 'UPDATE_PROFILE', 'applied'],
      [enrollmentId, '4', 'SUBMIT', 'applied'],
    ]);
    expect(rows[3]!.hash).toBe(verdict.headHash);
    expect(JSON.parse(rows[1]!.reason!)).toMatchObject({
      code: 'requirement_unmet',
      reasons: ['maicpp_membership_missing', 'business_email_invalid'],
    });
    const [ndjsonDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download NDJSON' }).click(),
    ]);
    expect(ndjsonDownload.suggestedFilename()).toBe(`history-${enrollmentId}.ndjson`);
    const lines = readFileSync(await ndjsonDownload.path(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ExportLine);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    expect(lines.every((l) => l.workflowId === enrollmentId)).toBe(true);
    expect(lines[1]!.reason?.reasons).toHaveLength(2);

    // Someone with the database's keys rewrites row 3: the badge says so, where, and loud.
    await asAttacker((db) =>
      db('history')
        .where({ workflow_id: enrollmentId, seq: 3 })
        .update({ payload: JSON.stringify({ type: 'UPDATE_PROFILE', maicppMember: true }) }),
    );
    await page.reload();
    await expect.poll(() => badge(page).innerText()).toContain('History broken at entry 3');
    expect(await badge(page).getAttribute('role')).toBe('alert');
    expect(await badge(page).getAttribute('class')).toContain('broken');
    expect(await badge(page).locator('li').first().innerText()).toMatch(
      /^Entry 3: A row was changed, removed, added or reordered — its content no longer hashes/,
    );
    await expect.poll(() => entry(page, 3).innerText()).toContain('Broken here');
    expect(await entry(page, 2).getAttribute('class')).not.toContain('untrusted');
    expect(await entry(page, 4).getAttribute('class')).toContain('untrusted');
    await page.screenshot({ path: `${artifacts}/console-history-broken.png`, fullPage: true });

    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a provider reads a transition, then it is offered only what its role may do, and a long history comes a page at a time', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const { team, provider } = move;
    await move.toPartnering();
    await move.send(team.manager, move.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: provider.id,
    });
    // Refusals enough to fill more than a page: registering a tenant is not the manager's.
    for (let i = 0; i < 24; i += 1) {
      await move.send(team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' }, 409);
    }

    // The provider sends its invitation in its own name: the form does not ask for its id.
    const { page, refused } = await openConsole();
    await signInAs(page, provider.token);
    await page.goto(`${base}/console#/workflows/${move.transitionId}`);
    await expect.poll(() => heading(page).innerText()).toMatch(/^Transition/);
    await page.getByRole('button', { name: 'Provider invitation sent' }).click();
    await expect
      .poll(() => page.locator('.notice').innerText())
      .toMatch(/^Provider invitation sent applied/);
    expect(await page.getByLabel(/Provider ID/).count()).toBe(0);

    // Its history: time travel, but neither the chain check nor the export (both refused to it).
    await page.getByRole('link', { name: 'History' }).click();
    await expect.poll(() => heading(page).innerText()).toMatch(/^History of Transition/);
    await entry(page, 25).waitFor();
    expect(await page.locator('li.entry').count()).toBe(25);
    expect(await badge(page).count()).toBe(0);
    expect(new Set(await buttonNames(page))).toEqual(
      new Set(['State after this event', 'Show more']),
    );
    await page.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => page.locator('li.entry').count()).toBeGreaterThan(25);
    expect(await page.getByRole('button', { name: 'Show more' }).isVisible()).toBe(false);
    const last = page.locator('li.entry').last();
    expect(await last.innerText()).toMatch(
      /Provider invitation sent PROVIDER_INVITATION_SENT\s+Applied/,
    );
    expect(await last.innerText()).toContain('(provider)');
    await last.getByRole('button', { name: 'State after this event' }).click();
    await expect.poll(() => page.locator('.time-travel').innerText()).toContain('invited');
    // On a phone's width the timeline and the past state fit without scrolling sideways.
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await page.keyboard.press('Escape');
    expect(await page.locator('.time-travel').count()).toBe(0);

    expect(refused).toEqual([]);
    await page.close();
  });
});
