import { Execution } from './execution.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction } from './options.js';
import type { ExecutionPlan } from './plan.js';

/**
 * An execution of a degradable feature: while the feature is off, fn is not called and the
 * feature's fallback serves (a `'degraded'` action); while on, the execution's outcome counts
 * (a failure, or a success only a fallback saved, counts as a failure; an abort does not count).
 */
export async function runFeature(
  plan: ExecutionPlan,
  fn: HealingFunction<unknown, unknown>,
  args: unknown,
  run: (plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown) => Promise<HealingResult<unknown>>,
): Promise<HealingResult<unknown>> {
  const feature = plan.feature!;
  if (!feature.enabled) {
    const off = new Execution(plan, fn, args);
    off.record({ kind: 'degraded', attempt: 0, reason: 'feature_off',
      detail: `feature "${feature.name}" is switched off after failures: served its fallback without calling fn` });
    off.value = feature.fallback;
    off.fallbackServed = true;
    off.servedBy = `feature:${feature.name}`;
    return off.finish(true);
  }
  const result = await run(plan, fn, args);
  // A call the bulkhead shed (or the caller aborted before it started) never reached fn and says
  // nothing about the feature's health. A breaker's refusal does: the dependency is down.
  if (result.attempts === 0 && !result.circuitBreakerTriggered) return result;
  if (result.status === 'ok' && result.servedBy === undefined) feature.recordSuccess();
  else if (plan.signal?.aborted !== true) feature.recordFailure();
  return result;
}
