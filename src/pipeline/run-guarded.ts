import { runInBulkhead } from './run-in-bulkhead.js';
import { runFeature } from './run-feature.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction } from './options.js';
import type { ExecutionPlan } from './plan.js';
import { runPreparedOrNot } from './run-execution.js';

/**
 * An execution behind what guards and prepares it, outermost first: the degradable feature
 * (while off, fn is not called at all), then the bulkhead (a slot for the whole execution), then
 * the preparation (retry budget deposit, rollback snapshot), then the pipeline. Only plans with
 * one of these come here (`plan.guarded`); the others go straight to `runExecution`.
 */
export function runGuarded(plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown): Promise<HealingResult<unknown>> {
  return plan.feature !== undefined ? runFeature(plan, fn, args, runBounded) : runBounded(plan, fn, args);
}

function runBounded(plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown): Promise<HealingResult<unknown>> {
  return plan.bulkhead !== undefined ? runInBulkhead(plan, fn, args) : runPreparedOrNot(plan, fn, args);
}
