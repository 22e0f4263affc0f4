import { breakDuration } from '../circuit/break-duration.js';
import type { ResolvedSharedBreakerOptions } from './shared-breaker-config.js';
import type { StateTransition, WindowTotals } from './state-store.js';

// The transitions a shared breaker asks of the store, as pure functions of what it knows: the
// breaker decides when, these say what.

/** Whether the fleet's window totals open the breaker: enough failures (and failure rate, if set) from enough instances. */
export function windowTrips(
  totals: WindowTotals, thresholds: { failureThreshold: number; failureRateThreshold?: number | undefined; minimumCalls: number; quorum: number },
): boolean {
  const failures = totals.totals.failures ?? 0;
  const calls = totals.totals.calls ?? 0;
  const { failureThreshold, failureRateThreshold, minimumCalls, quorum } = thresholds;
  if (failures < failureThreshold) return false;
  if (failureRateThreshold !== undefined && (calls < minimumCalls || (failures * 100) / calls < failureRateThreshold)) return false;
  return (totals.members.failures ?? 0) >= quorum;
}

/** The transition after the fleet's probe: closed on success, open again (for a longer break) on failure. */
export function afterProbe(succeeded: boolean, openings: number, options: ResolvedSharedBreakerOptions): StateTransition {
  return succeeded
    ? { state: 'CLOSED', breakMs: 0, openings: 0, reason: 'probe-succeeded' }
    : { state: 'OPEN', breakMs: breakDuration(options.breakDurationMs, openings + 1), openings: openings + 1, reason: 'probe-failed' };
}

/** The opening after the fleet's window tripped. */
export function afterTrip(openings: number, options: ResolvedSharedBreakerOptions): StateTransition {
  const reason = options.failureRateThreshold === undefined ? 'failure-threshold' : 'failure-rate';
  return { state: 'OPEN', breakMs: breakDuration(options.breakDurationMs, openings + 1), openings: openings + 1, reason };
}
