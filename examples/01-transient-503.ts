/**
 * 1. A transient 503, healed by retry. The service fails the first 2 requests to /orders/42
 *    with 503 Service Unavailable, then answers. 503 is `transient`, so the pipeline backs off
 *    (exponential, with jitter) and tries again.
 */
import { executeWithHealing } from '../src/index.js';
import { serviceAdmin } from './flaky-service.js';
import { getJson } from './http-json.js';
import { formatResult } from './print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from './scenario.js';

interface Order { id: number; status: string }

export async function transient503(baseUrl: string, options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const result = await executeWithHealing(
    ({ id }: { id: number }, { signal }) => getJson<Order>(`${baseUrl}/orders/${id}`, signal),
    { id: 42 },
    { retry: { maxAttempts: 4, minDelayMs: 50, maxDelayMs: 200, jitter: 'equal' }, timeoutMs: 2_000 },
  );
  log(formatResult(result));

  const expect = new Expectations();
  expect.equal('status', result.status, 'ok');
  expect.equal('result', result.result, { id: 42, status: 'shipped' });
  expect.equal('attempts', result.attempts, 3);
  expect.equal('healed', result.healed, true);
  expect.equal('action kinds', result.healingActions.map((a) => a.kind), ['retry', 'retry']);
  expect.that('every retry is for category "unavailable" with a delay of at most 200 ms',
    result.healingActions.every((a) => a.category === 'unavailable' && a.delayMs !== undefined && a.delayMs <= 200),
    result.healingActions.map((a) => ({ category: a.category, delayMs: a.delayMs })));
  expect.equal('server hits on /orders/42', await serviceAdmin(baseUrl).hits('/orders/42'), 3);
  return expect.report('a transient 503 is healed by retry');
}
