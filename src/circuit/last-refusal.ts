import { LastText } from '../core/last-text.js';
import type { CircuitBreaker } from './circuit-breaker.js';

/**
 * The last refusal of any breaker, for {@link CircuitBreaker.lastRefusalRetryAfterMs}: the
 * pipeline reads it right after `canExecute()` refused, so one slot serves every breaker, and an
 * idle breaker (100,000 of them in a registry) carries no field for it.
 */
export const lastRefusal: { by: CircuitBreaker | undefined; retryAfterMs: number; above: CircuitBreaker | undefined } = {
  by: undefined, retryAfterMs: 0, above: undefined,
};

const causes = new LastText();

const REFUSING = { OPEN: 'is open', HALF_OPEN: 'is half-open with every probe slot taken', CLOSED: 'is ramping up after a recovery' } as const;

/** What a refusal by `above` says, remembered: during an outage every child call refused says the same. */
export function refusalCause(child: CircuitBreaker, above: CircuitBreaker): string {
  const state = above.state;
  const kin = above === child.parent ? 'parent' : 'ancestor';
  return causes.of(above, state, kin) ?? causes.keep(`its ${kin} "${above.name}" ${REFUSING[state]}`, above, state, kin);
}
