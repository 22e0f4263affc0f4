import type { Execution } from '../pipeline/execution.js';
import type { AroundStrategy, Step } from '../pipeline/step.js';

/**
 * Graceful degradation, the outermost strategy: while the `feature` is off, fn is not called and
 * the feature's fallback serves (a `'degraded'` action); while on, the outcome counts toward the
 * feature's health (a failure, or a success only a fallback saved, counts as a failure).
 */
export const degradeStrategy: AroundStrategy = {
  name: 'degrade',
  async run(run: Execution, next: Step): Promise<boolean> {
    const feature = run.plan.feature!;
    const admission = feature.admit();
    if (admission !== 'on') {
      run.record(admission === 'off'
        ? { kind: 'degraded', attempt: 0, reason: 'feature_off',
          detail: `feature "${feature.name}" is switched off after failures: served its fallback without calling fn` }
        : { kind: 'degraded', attempt: 0, reason: 'feature_ramping',
          detail: `feature "${feature.name}" is ramping up after a recovery (${feature.rampingPercent ?? 100} % of calls reach fn): served its fallback without calling fn` });
      run.value = feature.fallback;
      run.fallbackServed = true;
      run.servedBy = `feature:${feature.name}`;
      return true;
    }
    const ok = await next(run);
    // A call the bulkhead shed never reached fn and says nothing about the feature's health. A
    // breaker's refusal does: the dependency is down; not a ramp's, which only paces a recovered
    // one. The caller's abort says nothing either.
    if (run.attempts === 0 && (!run.circuitTriggered || run.rampRefused === true)) return ok;
    if (ok && run.servedBy === undefined) feature.recordSuccess();
    else if (run.signal?.aborted !== true) feature.recordFailure();
    return ok;
  },
};
