import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's headless Chromium, never a downloaded one. `what` names the test in the error a
 * machine without it gets.
 */
export async function launchChromium(what: string): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `The ${what} test needs Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH).`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
