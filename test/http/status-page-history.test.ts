// The status page with a HealingHistory, in headless Chromium: an outage and its recovery on the
// manual clock, followed by the page without a reload. Its screenshot is the CI artefact
// test-output/status-page-history.png; with UPDATE_SCREENSHOT=1 it also refreshes docs/status-page.png.
import { copyFileSync, mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createHealingHandler, HealingHistory } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingPipeline, HealingStatistics, HealthMonitor } from '../../src/index.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { callTaking } from '../helpers/timed-call.js';
import { browserTestsRun, sharedBrowser, watchProblems } from './browser.js';
import { serve } from './serve.js';

const BUCKET_MS = 10_000;
const POLL = { timeout: 5_000 };

/** The values and the drawn line of one sparkline: what changes when the series moves. */
async function sparkline(row: Locator, series: 'rate' | 'calls') {
  const svg = row.locator(`svg[data-series="${series}"]`);
  const values = (await svg.getAttribute('data-values'))!.split(' ');
  const points = (await svg.locator('polyline').getAttribute('points'))!.split(' ').map((p) => Number(p.split(',')[0]));
  const markers = await svg.locator('line.marker').evaluateAll((lines) => lines.map((l) => ({ to: l.getAttribute('data-to'), x: Number(l.getAttribute('x1')) })));
  return { values, points, markers };
}

describe.runIf(browserTestsRun)('status page history in headless Chromium', () => {
  const browser = sharedBrowser();

  it('moves the series after injected failures, marks the breaker opening and closing on its line, and shows the recovery without a reload', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('payments', { failureThreshold: 3, breakDurationMs: 30_000 });
    const statistics = new HealingStatistics({ recentLimit: 4 });
    const monitor = new HealthMonitor({ clock });
    const history = new HealingHistory({ clock, bucketMs: BUCKET_MS, buckets: 30 });
    history.observe(registry);
    const retry = { maxAttempts: 3, minDelayMs: 0 };
    const checkout = new HealingPipeline({ name: 'checkout', circuitName: 'payments', registry, clock, retry });
    const catalog = new HealingPipeline({ name: 'catalog', circuitName: 'search', registry, clock, retry });
    const stock = new HealingPipeline({ name: 'stock', circuitName: 'inventory', registry, clock, retry });
    for (const pipeline of [checkout, catalog, stock]) {
      statistics.track(pipeline);
      monitor.track(pipeline);
      history.track(pipeline);
    }

    const call = (pipeline: HealingPipeline, latencyMs: number, errors?: unknown[]) => callTaking(clock, pipeline, latencyMs, errors);
    const nextBucket = () => clock.advance(BUCKET_MS - (clock.now() % BUCKET_MS));
    async function healthyBucket(i: number) {
      for (const ms of [35, 42, 38, 120, 40]) await call(checkout, ms);
      if (i % 3 === 1) await call(checkout, 45, [httpError(503)]); // a transient 503, healed by a retry
      for (let n = 0; n < 4; n++) await call(catalog, 15 + n);
      if (i % 4 === 2) await call(catalog, 20, [networkError()]);
      for (let n = 0; n < 3; n++) await call(stock, 8);
      await nextBucket();
    }

    for (let i = 0; i < 12; i++) await healthyBucket(i);
    const server = await serve(createHealingHandler({ registry, statistics, monitor, history, refreshMs: 250 }));
    const page: Page = await browser().newPage({ viewport: { width: 1100, height: 900 } });
    const problems = watchProblems(page);
    try {
      await page.goto(`${server.url}/`);
      const payments = page.locator('tr[data-history-circuit="payments"]');
      await expect.poll(async () => (await sparkline(payments, 'calls')).values.filter((v) => Number(v) > 0).length, POLL).toBe(12);
      const before = await sparkline(payments, 'rate');
      expect(before.markers).toEqual([]);
      await page.evaluate(() => Object.assign(window, { notReloaded: true })); // gone if the page reloads

      // The outage: one more healed call, then three 503s in a row open the breaker; the calls
      // after it are refused for the whole break.
      await call(checkout, 45, [httpError(503)]);
      await call(checkout, 50, [httpError(503), httpError(503), httpError(503)]);
      expect(registry.get('payments').state).toBe('OPEN');
      for (let n = 0; n < 3; n++) await call(checkout, 40);
      for (let b = 0; b < 2; b++) {
        await nextBucket();
        for (let n = 0; n < 4; n++) await call(checkout, 40);
        for (let n = 0; n < 4; n++) await call(catalog, 16);
      }

      await expect.poll(() => payments.locator('td').nth(1).textContent(), POLL).toBe('OPEN');
      await expect.poll(async () => (await sparkline(payments, 'rate')).values.at(-1), POLL).toBe('1');
      const outage = await sparkline(payments, 'rate');
      expect(outage.values).not.toEqual(before.values);
      expect(outage.points).toEqual(before.points); // the same buckets' x, shifted values: the line moved
      expect(outage.markers.map((m) => m.to)).toEqual(['OPEN']);
      // The marker sits in the bucket where the breaker opened, which is now two buckets back.
      const opened = outage.values.length - 1 - 2;
      expect(outage.markers[0]!.x).toBeGreaterThanOrEqual(outage.points[opened]!);
      expect(outage.markers[0]!.x).toBeLessThan(outage.points[opened + 1]!);
      expect(await page.locator('tr[data-circuit="payments"] td[data-state]').getAttribute('data-state')).toBe('OPEN');
      // The totals over the pipelines, as the history reports them: the 11 calls refused during the
      // break (3 + 4 + 4), every call made, and the failed ones (the 11 refusals and the call whose
      // three attempts all failed).
      const outageTotals = history.snapshot().pipelines.map((e) => e.totals);
      const total = (key: 'calls' | 'errors' | 'refusals') => outageTotals.reduce((a, t) => a + t[key], 0);
      expect(total('refusals')).toBe(11);
      expect(total('calls')).toBe(172); // 12 buckets of 12 calls, 7 healed extras, then 5 + 2 × 8
      expect(total('errors')).toBe(12);
      await expect.poll(() => page.locator('#total-refusals').textContent(), POLL).toBe(String(total('refusals')));
      expect(await page.locator('#total-calls').textContent()).toBe(String(total('calls')));
      expect(await page.locator('#total-errors').textContent()).toBe(String(total('errors')));

      // The recovery: after the break the first call is a probe; it succeeds and the breaker closes.
      await nextBucket();
      await clock.advance(1_000);
      for (let i = 0; i < 6; i++) await healthyBucket(i);
      expect(registry.get('payments').state).toBe('CLOSED');

      await expect.poll(() => payments.locator('td').nth(1).textContent(), POLL).toBe('CLOSED');
      await expect.poll(async () => (await sparkline(payments, 'rate')).markers.map((m) => m.to), POLL).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
      const recovered = await sparkline(payments, 'rate');
      // Six healthy buckets, then the current one, still empty (null: no calls yet).
      expect(recovered.values.slice(-7)).toEqual(['0', '0', '0', '0', '0', '0', '']);
      expect(recovered.values).toContain('1'); // the outage is still in the window

      // The share healing saved, over the pipelines: healed / calls that needed healing.
      const totals = history.snapshot().pipelines.map((e) => e.totals);
      const healed = totals.reduce((a, t) => a + t.healed, 0);
      const needed = totals.reduce((a, t) => a + t.failedFirst, 0);
      expect(healed).toBeGreaterThan(0);
      await expect.poll(() => page.locator('#saved').textContent(), POLL).toContain(`(${healed} of ${needed})`);
      // Each component's health level with its p50 and p99 latency.
      const component = page.locator('tr[data-component="checkout"] td');
      const latency = monitor.componentHealth('checkout')!.latency;
      await expect.poll(() => component.allTextContents(), POLL)
        .toEqual(['checkout', monitor.componentHealth('checkout')!.level, expect.any(String), expect.any(String), `${Math.round(latency.p50!)} ms`, `${Math.round(latency.p99!)} ms`]);
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(problems).toEqual([]); // no script errors, no CSP violations

      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: 'test-output/status-page-history.png', fullPage: true });
      if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync('test-output/status-page-history.png', 'docs/status-page.png');
    } finally {
      await page.close();
      await server.close();
    }
  }, 60_000);

  it('shows the worst 15 of hundreds of circuits, and all of them on demand', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const history = new HealingHistory({ clock });
    const statistics = new HealingStatistics();
    history.observe(registry);
    for (let i = 0; i < 300; i++) {
      const pipeline = new HealingPipeline({ name: `p-${i}`, circuitName: `c-${String(i).padStart(3, '0')}`, registry, clock, retry: { maxAttempts: 1 } });
      history.track(pipeline);
      statistics.track(pipeline);
      await pipeline.execute(async () => {
        if (i === 123) throw httpError(503);
        return 'ok';
      }, {});
    }
    const server = await serve(createHealingHandler({ registry, history, statistics, refreshMs: 250 }));
    const page = await browser().newPage({ viewport: { width: 1100, height: 900 } });
    const problems = watchProblems(page);
    let refreshes = 0;
    page.on('requestfinished', (request) => { if (request.url().endsWith('/history')) refreshes++; });
    try {
      await page.goto(`${server.url}/`);
      const rows = page.locator('#history-circuits tr');
      await expect.poll(() => rows.count(), POLL).toBe(15);
      expect(await rows.first().getAttribute('data-history-circuit')).toBe('c-123'); // worst first
      expect(await page.locator('#circuits tr').count()).toBe(15);
      const more = page.locator('#more-circuits');
      expect(await more.textContent()).toBe('show all 300 (285 more)');
      await more.click();
      await expect.poll(() => rows.count(), POLL).toBe(300);
      expect(await page.locator('#circuits tr').count()).toBe(15); // each table pages on its own
      const seen = refreshes;
      await expect.poll(() => refreshes, POLL).toBeGreaterThanOrEqual(seen + 2);
      expect(await rows.count()).toBe(300); // the choice survives the refreshes
      await more.click();
      await expect.poll(() => rows.count(), POLL).toBe(15);
      await page.locator('#more-now').click();
      await expect.poll(() => page.locator('#circuits tr').count(), POLL).toBe(300);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  }, 30_000);
});
