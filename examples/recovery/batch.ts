/**
 * A batch with a concurrency limit (offline, in memory).
 *
 * 12 addresses are geocoded, 3 at a time. Two fail once with a 503 (healed by a retry), one is
 * not found (404: fails for good). Every item gets its own HealingResult, in order, and the
 * totals say how the batch went; the failed item loses nothing for the others.
 *
 * Run it: `npx tsx examples/recovery/batch.ts`
 */
import { executeBatch } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

export async function batchGeocode(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const addresses = Array.from({ length: 12 }, (_, i) => `${i + 1} Main Street`);
  const flakyOnce = new Set(['3 Main Street', '8 Main Street']);
  let running = 0;
  let maxRunning = 0;
  const geocode = async (address: string) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (flakyOnce.delete(address)) throw Object.assign(new Error('Service Unavailable'), { status: 503 });
      if (address === '11 Main Street') throw Object.assign(new Error('Not Found'), { status: 404 });
      return { address, lat: 59.9, lon: 10.7 };
    } finally {
      running--;
    }
  };
  const batch = await executeBatch(addresses, geocode, { concurrency: 3, retry: { maxAttempts: 3, minDelayMs: 1, maxDelayMs: 5 } });
  batch.results.forEach((result, i) => {
    log(`  ${addresses[i]!.padEnd(15)} ${result.status === 'ok' ? 'ok   ' : 'error'} attempts ${result.attempts}` +
      (result.status === 'error' ? `  (${result.error.message})` : ''));
  });
  log(`  totals: ${JSON.stringify(batch.totals)}; at most ${maxRunning} at once`);

  const expect = new Expectations();
  expect.equal('totals', batch.totals, { total: 12, succeeded: 11, failed: 1, healed: 2, successRate: 11 / 12 });
  // Rows are numbered from 1, as printed above.
  expect.equal('failed row', batch.results.findIndex((r) => r.status === 'error') + 1, 11);
  expect.that('at most 3 ran at once', maxRunning <= 3, maxRunning);
  return expect.report('a batch heals each item and keeps every result');
}

runStandalone(import.meta.url, batchGeocode);
