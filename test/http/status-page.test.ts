import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHealingHandler } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingPipeline, HealingStatistics, chooseByResults, reconfigure } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { browserTestsRun, sharedBrowser, watchProblems } from './browser.js';
import { serve } from './serve.js';

describe.runIf(browserTestsRun)('status page in headless Chromium', () => {
  const browser = sharedBrowser();

  it('shows each circuit\'s state and error rate and the recent healing actions, and follows a circuit as it opens', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const statistics = new HealingStatistics();
    registry.get('inventory');
    const payments = new HealingPipeline({ name: 'checkout', circuitName: 'payments', registry, retry: { maxAttempts: 3, minDelayMs: 0 } });
    registry.get('payments', { failureThreshold: 3 });
    statistics.track(payments);
    await payments.execute(async () => 'ok', {});
    const server = await serve(createHealingHandler({ registry, statistics, refreshMs: 250 }));
    const page = await browser().newPage({ viewport: { width: 1100, height: 640 } });
    const problems = watchProblems(page);
    try {
      await page.goto(`${server.url}/`);
      const paymentsState = page.locator('tr[data-circuit="payments"] td[data-state]');
      await expect.poll(() => paymentsState.getAttribute('data-state')).toBe('CLOSED');
      await expect.poll(() => page.locator('#recoveries').textContent()).toContain('no healing actions yet');

      // The dependency fails: three 503s open the circuit. The page follows without a reload.
      await payments.execute(failing([httpError(503), httpError(503), httpError(503, {}, 'HTTP 503 api_key=sk-live-abcdef1234567')], 'never'), {});
      expect(registry.get('payments').state).toBe('OPEN');
      await expect.poll(() => paymentsState.getAttribute('data-state'), { timeout: 5_000 }).toBe('OPEN');

      const row = page.locator('tr[data-circuit="payments"]');
      await expect.poll(() => row.locator('td').allTextContents()).toEqual(['payments', 'OPEN', '75.0 %', '1', '3', '0']);
      expect(await page.locator('tr[data-circuit="inventory"] td[data-state]').getAttribute('data-state')).toBe('CLOSED');
      expect(await page.locator('#system').textContent()).toBe('unhealthy');
      const recoveries = await page.locator('#recoveries').textContent();
      expect(recoveries).toContain('checkout');
      expect(recoveries).toMatch(/retry \(attempt 1\).*retry \(attempt 2\).*give_up \(attempt 3\)/s);
      expect(recoveries).not.toContain('sk-live-abcdef1234567');
      expect(problems).toEqual([]); // no script errors, no CSP violations

      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: 'test-output/status-page.png', fullPage: true });
    } finally {
      await page.close();
      await server.close();
    }
  }, 30_000);

  it('lists how each recovery strategy did per error category, best first, as chooseByResults tries them', async () => {
    const statistics = new HealingStatistics();
    const isContextLength = ({ classification }: { classification: { category: string } }) => classification.category === 'context_length';
    const trim = reconfigure<{ model: string }>({ name: 'trim-context', when: isContextLength, change: (args) => ({ ...args }) });
    const smaller = reconfigure<{ model: string }>({ name: 'smaller-model', when: isContextLength, change: () => ({ model: 'small' }) });
    const llm = new HealingPipeline({ name: 'llm', clock: new ManualClock(), retry: { maxAttempts: 1 }, strategies: [chooseByResults([trim, smaller])] });
    statistics.track(llm);
    const complete = async ({ model }: { model: string }) => {
      if (model === 'large') throw Object.assign(new Error('maximum context length exceeded'), { status: 400, code: 'context_length_exceeded' });
      return 'ok';
    };
    for (let i = 0; i < 3; i++) await llm.execute(complete, { model: 'large' });
    const server = await serve(createHealingHandler({ registry: new CircuitBreakerRegistry(), statistics, refreshMs: 250 }));
    const page = await browser().newPage({ viewport: { width: 1100, height: 640 } });
    const problems = watchProblems(page);
    try {
      await page.goto(`${server.url}/`);
      const rows = page.locator('#strategies tr');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.nth(0).locator('td').allTextContents()).toEqual(['llm', 'context_length', 'smaller-model', '3', '100 %', '0 ms']);
      expect(await rows.nth(1).locator('td').allTextContents()).toEqual(['llm', 'context_length', 'trim-context', '1', '0 %', '0 ms']);
      expect(await page.locator('#strategies-section').isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  }, 30_000);

  it('marks a breaker that is ramping up after a recovery with the share of calls it admits now', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const search = registry.get('search', { failureThreshold: 1, breakDurationMs: 5_000, ramp: { durationMs: 10_000, startPercent: 10 } });
    search.recordFailure();
    await clock.advance(5_000);
    expect(search.canExecute()).toBe(true);
    search.recordSuccess(); // the probe closes it: the ramp starts at 10 %
    await clock.advance(5_000);
    const server = await serve(createHealingHandler({ registry, statistics: new HealingStatistics(), refreshMs: 250 }));
    const page = await browser().newPage({ viewport: { width: 1100, height: 640 } });
    const problems = watchProblems(page);
    try {
      await page.goto(`${server.url}/`);
      const ramp = page.locator('tr[data-circuit="search"] .ramp');
      await expect.poll(() => ramp.textContent()).toBe('ramping 55 %');
      // The page follows the ramp without a reload, and drops the mark once it is over.
      await clock.advance(3_000);
      await expect.poll(() => ramp.textContent(), { timeout: 5_000 }).toBe('ramping 82 %');
      await clock.advance(2_000);
      await expect.poll(() => ramp.count(), { timeout: 5_000 }).toBe(0);
      expect(await page.locator('tr[data-circuit="search"] td[data-state]').getAttribute('data-state')).toBe('CLOSED');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  }, 30_000);
});
