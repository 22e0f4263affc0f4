/**
 * A bulkhead in front of a slow dependency (offline, in memory, real time in milliseconds).
 *
 * 10 requests for a slow report arrive at once. The bulkhead lets 2 run, queues 3, and refuses
 * the other 5 at once with a typed `BulkheadRejectedError`; here a fallback answers them with
 * "busy, try again", so the service never has more than 2 reports in progress.
 *
 * Run it: `npx tsx examples/recovery/bulkhead.ts`
 */
import { HealingPipeline } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

export async function bulkheadOverload(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  let running = 0;
  let maxRunning = 0;
  const buildReport = async ({ id }: { id: number }) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, 10));
    running--;
    return `report ${id}`;
  };
  const reports = new HealingPipeline({
    bulkhead: { maxConcurrent: 2, maxQueue: 3, queueTimeoutMs: 1_000 },
    fallback: { name: 'busy', value: 'busy, try again' },
  });
  const results = await Promise.all(Array.from({ length: 10 }, (_, id) => reports.execute(buildReport, { id })));
  results.forEach((result, id) => log(`  request ${id}: ${String(result.result)}${result.servedBy ? ` (served by ${result.servedBy})` : ''}`));
  log(`  at most ${maxRunning} reports ran at once`);

  const expect = new Expectations();
  expect.equal('built by the service', results.filter((r) => r.servedBy === undefined).length, 5);
  expect.equal('refused by the bulkhead, answered by the fallback', results.filter((r) => r.servedBy === 'busy').length, 5);
  expect.equal('refusals recorded as bulkhead actions', results.filter((r) => r.healingActions[0]?.kind === 'bulkhead').length, 5);
  expect.equal('most reports at once', maxRunning, 2);
  return expect.report('a bulkhead caps concurrency and refuses the overflow, typed and recorded');
}

runStandalone(import.meta.url, bulkheadOverload);
