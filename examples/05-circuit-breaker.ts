/**
 * 5. An outage opens the circuit; recovery goes through half-open.
 *
 *    /inventory is down (503). Each call makes one attempt (`retry.maxAttempts: 1`), so the
 *    breaker counts one failure per call and opens after `failureThreshold` (3). While open,
 *    calls are refused without reaching the server: the service's hit counter stays put.
 *    Then the service recovers; after `breakDurationMs` the breaker is HALF_OPEN, one probe
 *    goes through, succeeds, and closes it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CircuitBreakerRegistry, HealingPipeline, type HealingResult } from '../src/index.js';
import { serviceAdmin } from './flaky-service.js';
import { getJson } from './http-json.js';
import { formatResult } from './print-result.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from './scenario.js';

export interface CircuitBreakerOptions extends ScenarioOptions {
  /** How long the open breaker refuses calls. Default 1000 ms. */
  breakDurationMs?: number;
}

interface Stock { sku: string; inStock: number }

export async function circuitBreakerOutage(baseUrl: string, options: CircuitBreakerOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const breakDurationMs = options.breakDurationMs ?? 1_000;
  const admin = serviceAdmin(baseUrl);
  const registry = new CircuitBreakerRegistry();
  const breaker = registry.get('inventory', { failureThreshold: 3, breakDurationMs });
  const inventory = new HealingPipeline({ circuitName: 'inventory', registry, retry: { maxAttempts: 1 }, timeoutMs: 2_000 });
  const getStock = ({ sku }: { sku: string }, { signal }: { signal: AbortSignal }) =>
    getJson<Stock>(`${baseUrl}/inventory?sku=${sku}`, signal);

  const expect = new Expectations();
  let call = 0;
  const step = async (note: string): Promise<HealingResult<Stock>> => {
    call++;
    const before = await admin.hits('/inventory');
    const result = await inventory.execute(getStock, { sku: 'A-100' });
    const after = await admin.hits('/inventory');
    log(`  call ${call} (${note}): server hits ${before} -> ${after}, breaker ${breaker.state}`);
    log(formatResult(result, '      '));
    return result;
  };

  log(`  breaker "inventory" starts ${breaker.state} (failureThreshold 3, breakDurationMs ${breakDurationMs})`);
  await admin.setDown('/inventory', true);
  log('  -- the inventory service goes down (503) --');

  // Failures until the breaker opens.
  const failing: Array<{ result: HealingResult<Stock>; state: string }> = [];
  for (let i = 0; i < 3; i++) {
    const result = await step('service down');
    failing.push({ result, state: breaker.state });
  }
  expect.equal('the 3 failing calls: status', failing.map((f) => f.result.status), ['error', 'error', 'error']);
  expect.equal('the 3 failing calls: attempts', failing.map((f) => f.result.attempts), [1, 1, 1]);
  expect.equal('breaker state after each failing call', failing.map((f) => f.state), ['CLOSED', 'CLOSED', 'OPEN']);
  const hitsWhenOpened = await admin.hits('/inventory');
  expect.equal('server hits when the breaker opened', hitsWhenOpened, 3);

  // Open: refused without reaching the server.
  const refused: HealingResult<Stock>[] = [];
  for (let i = 0; i < 2; i++) refused.push(await step('breaker open'));
  expect.equal('refused calls: status', refused.map((r) => r.status), ['error', 'error']);
  expect.equal('refused calls: attempts (fn never called)', refused.map((r) => r.attempts), [0, 0]);
  expect.equal('refused calls: circuitBreakerTriggered', refused.map((r) => r.circuitBreakerTriggered), [true, true]);
  expect.that('refused calls record a circuit_open action',
    refused.every((r) => r.healingActions.some((a) => a.kind === 'circuit_open' && a.circuit === 'inventory')),
    refused.map((r) => r.healingActions.map((a) => a.kind)));
  expect.equal('server hits while open (unchanged)', await admin.hits('/inventory'), hitsWhenOpened);

  // Recovery.
  await admin.setDown('/inventory', false);
  log(`  -- the inventory service recovers; breaker is still ${breaker.state}; waiting ${breakDurationMs} ms --`);
  const stateBeforeWait = breaker.state;
  await delay(breakDurationMs + 20);
  const stateAfterWait = breaker.state;
  log(`  after ${breakDurationMs} ms the breaker is ${stateAfterWait}: the next call is a probe`);
  expect.equal('state right after the service recovered', stateBeforeWait, 'OPEN');
  expect.equal('state after breakDurationMs', stateAfterWait, 'HALF_OPEN');

  const probe = await step('half-open probe');
  const stateAfterProbe = breaker.state;
  const next = await step('closed again');
  expect.equal('probe: status / attempts / circuitBreakerTriggered',
    [probe.status, probe.attempts, probe.circuitBreakerTriggered], ['ok', 1, false]);
  expect.equal('state after the probe succeeded', stateAfterProbe, 'CLOSED');
  expect.equal('next call: status / result', [next.status, next.result], ['ok', { sku: 'A-100', inStock: 7 }]);
  expect.equal('server hits at the end (3 failures + probe + next call)', await admin.hits('/inventory'), 5);
  const stats = breaker.stats();
  log(`  breaker stats: ${JSON.stringify({ state: stats.state, successes: stats.successes, failures: stats.failures, rejections: stats.rejections })}`);
  expect.equal('breaker stats (successes, failures, rejections)', [stats.successes, stats.failures, stats.rejections], [2, 3, 2]);
  return expect.report('an outage opens the circuit, refusals fail fast, recovery goes through half-open');
}
