import type { GiveUpReason, HealingResult } from '../pipeline/healing-result.js';

/**
 * The result of a call that never ran (a batch item after an abort, a step the pipeline refused
 * to run): 0 attempts and one closing `'give_up'`, like every failed result.
 */
export function notRunResult(args: unknown, error: Error, reason: GiveUpReason, detail: string): HealingResult<unknown> {
  return {
    status: 'error',
    error,
    attempts: 0,
    healed: false,
    // A call that never ran was not classified; an abort is known, and is what a batch stops for.
    healingActions: [reason === 'aborted'
      ? { kind: 'give_up', attempt: 0, reason, category: 'aborted', disposition: 'permanent', severity: 'low', detail: `${reason}: ${detail}` }
      : { kind: 'give_up', attempt: 0, reason, detail: `${reason}: ${detail}` }],
    circuitBreakerTriggered: false,
    args,
    durationMs: 0,
  };
}
