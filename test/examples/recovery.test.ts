/**
 * Runs the recovery examples (in memory, offline) and asserts the checks they print as PASS/FAIL.
 * The timeouts example runs on real time, scaled down to tens of milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { batchGeocode } from '../../examples/recovery/batch.js';
import { bulkheadOverload } from '../../examples/recovery/bulkhead.js';
import { gracefulDegradation } from '../../examples/recovery/graceful-degradation.js';
import { hedgingSlowCall } from '../../examples/recovery/hedging.js';
import { adaptiveHealing } from '../../examples/recovery/adaptive-healing.js';
import { fallbackChain } from '../../examples/recovery/fallback-chain.js';
import { retryBudgetOutage } from '../../examples/recovery/retry-budget.js';
import { rollbackAndTransaction } from '../../examples/recovery/rollback-and-transaction.js';
import { timeoutsAndDeadline } from '../../examples/recovery/timeouts-and-deadline.js';
import type { ScenarioReport } from '../../examples/scenario.js';

function expectPassed(report: ScenarioReport): void {
  expect(report.checks.length).toBeGreaterThan(0);
  expect(report.checks.filter((check) => !check.pass)).toEqual([]);
  expect(report.passed).toBe(true);
}

describe('recovery examples', () => {
  it('rollback restores state once; a transaction compensates in reverse order', async () => {
    expectPassed(await rollbackAndTransaction());
  });

  it('a retry budget keeps an outage from tripling the load', async () => {
    expectPassed(await retryBudgetOutage());
  });

  it('a fallback chain serves from the best source left and says which', async () => {
    expectPassed(await fallbackChain());
  });

  it('a batch heals each item and keeps every result', async () => {
    expectPassed(await batchGeocode());
  });

  it('a bulkhead caps concurrency and refuses the overflow, typed and recorded', async () => {
    expectPassed(await bulkheadOverload());
  });

  it('a failing feature switches itself off, serves its fallback, and comes back after a health check', async () => {
    expectPassed(await gracefulDegradation());
  });

  it('a hedge answers a stuck call from another replica', async () => {
    expectPassed(await hedgingSlowCall());
  });

  it('adaptive healing stops paying for futile retries and escalates the recurring error', async () => {
    expectPassed(await adaptiveHealing());
  });

  it('timeouts escalate per attempt; a deadline bounds the whole call', async () => {
    expectPassed(await timeoutsAndDeadline());
  });
});
