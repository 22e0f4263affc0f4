/**
 * A retry budget during an outage (offline, in memory).
 *
 * 300 requests hit a dependency that is down. With plain retry (3 attempts), the dependency
 * sees three times the traffic just when it can least take it. With `retryBudget` (retries at
 * most 10 % of recent calls, plus a floor of 5), it sees barely more than the base traffic, and
 * the calls the budget refused end at once with the give-up reason `budget`.
 *
 * Run it: `npx tsx examples/recovery/retry-budget.ts`
 */
import { HealingPipeline, type HealingOptions } from '../../src/index.js';
import { Expectations, noLog, type ScenarioOptions, type ScenarioReport } from '../scenario.js';
import { runStandalone } from './run-standalone.js';

async function outage(options: HealingOptions): Promise<{ load: number; budgetGiveUps: number }> {
  let load = 0;
  const callDependency = async () => {
    load++;
    throw Object.assign(new Error('Service Unavailable'), { status: 503 });
  };
  const pipeline = new HealingPipeline({ retry: { maxAttempts: 3, minDelayMs: 1, maxDelayMs: 5 }, ...options });
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => pipeline.execute(callDependency, { request: i })));
  return { load, budgetGiveUps: results.filter((r) => r.healingActions.at(-1)?.reason === 'budget').length };
}

export async function retryBudgetOutage(options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const log = options.log ?? noLog;
  const plain = await outage({});
  const budgeted = await outage({ retryBudget: { ratio: 0.1, minRetries: 5 } });
  log(`  300 requests during an outage: plain retry sent ${plain.load} calls (${(plain.load / 300).toFixed(2)}x),`);
  log(`  with retryBudget { ratio: 0.1, minRetries: 5 }: ${budgeted.load} calls (${(budgeted.load / 300).toFixed(2)}x); ` +
    `${budgeted.budgetGiveUps} requests gave up with reason "budget"`);
  const expect = new Expectations();
  expect.equal('calls with plain retry', plain.load, 900);
  expect.that('calls with the budget are at most 300 + 10 % + 5', budgeted.load <= 300 + 30 + 5, budgeted.load);
  expect.that('most requests gave up on the budget', budgeted.budgetGiveUps >= 250, budgeted.budgetGiveUps);
  return expect.report('a retry budget keeps an outage from tripling the load');
}

runStandalone(import.meta.url, retryBudgetOutage);
