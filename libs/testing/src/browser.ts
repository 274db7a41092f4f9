import { type Browser, chromium } from 'playwright-core';

/**
 * Starts the system's headless Chromium (the Debian `chromium` package, or CHROMIUM_PATH) for
 * page tests: no browser download, no network beyond the app under test.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
