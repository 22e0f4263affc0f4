import { HealingConfigError } from '../errors.js';
import type { HealingOptions } from '../pipeline/options.js';
import type { HedgeOptions } from './hedge-options.js';

/**
 * Checks `hedge` against the options it depends on (each may come from a different layer of
 * overrides, so this runs when the plan is built): a hedge that could never start is misuse.
 */
export function checkHedge(options: HealingOptions, fallbackCount: number): HedgeOptions | undefined {
  const { hedge, deadlineMs, timeoutMs } = options;
  if (hedge === undefined) return undefined;
  if (options.idempotent === false) {
    throw new HealingConfigError('hedge', 'a call marked idempotent: false is never hedged (a hedge runs it twice at once); pass hedge: undefined for this call or drop idempotent: false');
  }
  if (deadlineMs !== undefined && hedge.delayMs >= deadlineMs) {
    throw new HealingConfigError('hedge.delayMs', `${hedge.delayMs} ms is not shorter than deadlineMs (${deadlineMs} ms), so the hedge could never start; lower it below the deadline`);
  }
  if (typeof timeoutMs === 'number' && hedge.delayMs >= timeoutMs) {
    throw new HealingConfigError('hedge.delayMs', `${hedge.delayMs} ms is not shorter than timeoutMs (${timeoutMs} ms), so the attempt times out before the hedge starts`);
  }
  if (hedge.with === 'fallback' && fallbackCount === 0) {
    throw new HealingConfigError('hedge.with', "'fallback' needs a fallback to race; set fallback or use 'attempt'");
  }
  return hedge;
}
