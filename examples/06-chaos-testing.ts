/**
 * 6. Chaos testing your own pipeline with `self-healing/testing`. /inventory is healthy; the
 *    chaos wrappers make it look flaky: a seeded 40 % of calls fail with a 503 (fault injection)
 *    and, in a second run, every call hangs (hang injection). The pipeline must heal the first
 *    with retries and cut the second short with its timeout, serving the fallback.
 */
import { HealingPipeline } from '../src/index.js';
import { injectFault, injectHang, seededRandom } from '../src/testing/index.js';
import { serviceAdmin } from './flaky-service.js';
import { getJson } from './http-json.js';
import { formatResult } from './print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from './scenario.js';

interface Stock { sku: string; inStock: number }

export async function chaosTesting(baseUrl: string, options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const getStock = (_args: unknown, { signal }: { signal: AbortSignal }) => getJson<Stock>(`${baseUrl}/inventory`, signal);
  const admin = serviceAdmin(baseUrl);
  const hitsBefore = await admin.hits('/inventory'); // the demo's scenario 5 used /inventory too
  const pipeline = new HealingPipeline({ retry: { maxAttempts: 6, minDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 100 });

  // Fault injection: the same seed gives the same faults on every run.
  const flaky = injectFault(getStock, {
    rate: 0.4,
    random: seededRandom(6),
    error: () => Object.assign(new Error('HTTP 503: injected'), { status: 503 }),
  });
  const results = [];
  for (let call = 0; call < 10; call++) results.push(await pipeline.execute(flaky, undefined));
  log(`fault injection: ${flaky.stats.injected} of ${flaky.stats.calls} calls failed on purpose`);
  log(formatResult(results.find((result) => result.attempts > 1) ?? results[0]!));

  // Hang injection: without a timeout this would wait forever.
  const stuck = injectHang(getStock);
  const hung = await pipeline.execute(stuck, undefined, { retry: { maxAttempts: 2 }, timeoutMs: 50, fallback: () => ({ sku: 'A-100', inStock: -1 }) });
  log(formatResult(hung));

  const expect = new Expectations();
  expect.that('all 10 calls end ok despite the injected faults', results.every((result) => result.status === 'ok'), results.map((result) => result.status));
  expect.that('some faults were injected, and healed by retries', flaky.stats.injected > 0 && results.some((result) => result.healed),
    flaky.stats);
  expect.equal('server hits on /inventory (only calls the chaos let through)', await admin.hits('/inventory') - hitsBefore,
    flaky.stats.calls - flaky.stats.injected);
  expect.equal('hung calls: actions', hung.healingActions.map((a) => a.kind), ['timeout', 'retry', 'timeout', 'fallback']);
  expect.equal('hung calls: the fallback served', hung.result, { sku: 'A-100', inStock: -1 });
  return expect.report('chaos: injected faults are healed, injected hangs are cut short');
}
