// What the headless-Chromium tests of the status page share: where the browser is, whether the
// suite runs, and the console watcher that turns script errors and CSP violations into failures.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's chromium, installed by .ci/run; CHROMIUM_PATH overrides. */
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(executablePath);
const inCi = process.env.CI === 'true';
/** Locally a missing browser skips (with a warning); in CI the suite runs and fails loudly. */
export const browserTestsRun = available || inCi;
if (!available && !inCi) {
  console.warn(`status page tests skipped: no Chromium at ${executablePath} (apt-get install -y chromium, or set CHROMIUM_PATH); CI always runs them`);
}

export async function launchBrowser(): Promise<Browser> {
  // In CI a missing browser fails here, loudly, instead of skipping.
  if (!available) throw new Error(`Chromium is missing at ${executablePath}: .ci/run must install it (apt-get install -y chromium)`);
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

/** One browser for the tests of the enclosing describe: launched before them, closed after. */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** Collects the page's console errors and uncaught exceptions; the test asserts the list stays empty. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // /health answers 503 while a circuit is open (by design, for load balancers); the browser
    // logs that response. Every other console error is a problem.
    const expected503 = message.location().url.endsWith('/health') && message.text().includes('status of 503');
    if (message.type() === 'error' && !expected503) problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}
