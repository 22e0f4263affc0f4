import { messageOf } from '../errors.js';
import type { Execution } from '../pipeline/execution.js';
import type { AdaptiveAction } from './adaptive-healing.js';

/**
 * Why adaptive healing stops before the next retry or reflection, or `undefined` to go on:
 * the action has not healed this category in its last tries, or the retries it earned for the
 * category are used up.
 */
export function adaptiveReasonToStop(run: Execution): string | undefined {
  const adaptive = run.plan.adaptive!;
  const { category, disposition } = run.classify();
  const action: AdaptiveAction = disposition === 'recoverable' ? 'reflect' : 'retry';
  if (adaptive.shouldSkip(category, action)) {
    return `${action === 'retry' ? 'retrying' : 'reflection'} has not healed ${category} in its last ${adaptive.window} tries, so it was skipped`;
  }
  if (action === 'retry') {
    const limit = adaptive.retryLimit(category, run.plan.maxAttempts - 1);
    if (run.retries >= limit) return `retries healed ${category} too rarely lately: ${limit} retr${limit === 1 ? 'y' : 'ies'} allowed for it now`;
  }
  return undefined;
}

/**
 * Teaches the execution's outcome to its `AdaptiveHealing`: each action it tried counts once per
 * category (healed or not), and a failure counts towards `escalate`. An abort teaches nothing.
 */
export function learnFrom(run: Execution, ok: boolean): void {
  const adaptive = run.plan.adaptive!;
  if (run.stopReason === 'aborted') return;
  let seen: Set<string> | undefined;
  for (const action of run.actions) {
    const kind = action.kind;
    if ((kind !== 'retry' && kind !== 'reflect' && kind !== 'fallback') || action.category === undefined || action.reason === 'adaptive') continue;
    const key = `${action.category}\u0000${kind}`;
    if ((seen ??= new Set()).has(key)) continue;
    seen.add(key);
    adaptive.learn(action.category, kind as 'retry' | 'reflect' | 'fallback', kind === 'fallback' ? run.fallbackServed : ok && !run.fallbackServed);
  }
  if (!ok && run.error !== undefined) {
    const escalation = adaptive.recordFailure(run.classify().category, run.plan.circuitName, run.redact(messageOf(run.error)), run.plan.clock.now());
    // The pipeline's own `escalate` event, for listeners of the pipeline rather than of the AdaptiveHealing.
    if (escalation !== undefined && run.hub !== undefined) {
      run.hub.escalate(run, `recurring error: ${escalation.count} failures of category ${escalation.category}` +
        `${escalation.circuit === undefined ? '' : ` on circuit "${escalation.circuit}"`} within ${escalation.windowMs} ms`);
    }
  }
}
