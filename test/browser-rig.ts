import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { startHarness, type Harness, type HarnessOptions } from './harness.ts';

/** Where the browser tests leave their screenshots (ignored by git). */
export const artifacts = 'test-artifacts';

/** What each browser test file stands on: the app on a port of its own, and Chromium. */
export interface BrowserRig {
  h: Harness;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the app, serves it on a free port and launches Chromium; `what` names the test. */
export async function startBrowserRig(
  what: string,
  options: HarnessOptions = {},
): Promise<BrowserRig> {
  const h = await startHarness(options);
  let server: Server | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server?.close(resolve));
    await h.close();
  };
  try {
    server = createServer(h.app);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(what);
    mkdirSync(artifacts, { recursive: true });
    return { h, base, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface PageOptions extends BrowserContextOptions {
  width?: number;
  /** A script run in the page before its own (a stand-in for a browser API, say). */
  beforeLoad?: string;
}

/**
 * A page in a context of its own, at `path`, that records every refusal of the
 * Content-Security-Policy Chromium reports.
 */
export async function openPage(
  rig: BrowserRig,
  path: string,
  { width = 1280, beforeLoad, ...options }: PageOptions = {},
): Promise<{ page: Page; refused: string[] }> {
  const context = await rig.browser.newContext({ viewport: { width, height: 900 }, ...options });
  const page = await context.newPage();
  if (beforeLoad) await page.addInitScript(beforeLoad);
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  await page.goto(`${rig.base}${path}`);
  return { page, refused };
}

/** The console's sign-in page, ready for a token. */
export async function openConsole(
  rig: BrowserRig,
  options: PageOptions = {},
): Promise<{ page: Page; refused: string[] }> {
  const opened = await openPage(rig, '/', options);
  await opened.page.getByLabel('API token').waitFor();
  return opened;
}

/** Signs out whoever is signed in, then in with `token`, from the keyboard. */
export async function signInAs(page: Page, token: string): Promise<void> {
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (await signOut.isVisible()) await signOut.click();
  await page.getByLabel('API token').focus();
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await signOut.waitFor();
}
