import { CircuitBreaker, type CircuitState } from '../circuit/circuit-breaker.js';
import { resolveCircuitBreakerConfig } from '../circuit/circuit-config.js';
import { Listeners, type CircuitEvents } from '../circuit/circuit-events.js';
import type { Clock } from '../clock.js';
import type { ResolvedSharedBreakerOptions } from './shared-breaker-config.js';

const LOCAL_EVENTS = ['open', 'halfOpen', 'close', 'stateChange', 'reject'] as const;

/**
 * This process's own breaker, in charge while the store is unreachable. It is always there (so
 * an outage needs no set-up), and its events are handed to `forward`, which passes them on only
 * while it is in charge.
 */
export function createLocalBreaker(
  name: string, options: ResolvedSharedBreakerOptions, clock: Clock, forward: (event: keyof CircuitEvents, payload: never) => void,
): CircuitBreaker {
  const events = new Listeners<CircuitEvents>();
  for (const event of LOCAL_EVENTS) events.on(event, (payload) => forward(event, payload as never));
  return new CircuitBreaker(name, resolveCircuitBreakerConfig({
    failureThreshold: options.localFailureThreshold,
    breakDurationMs: options.breakDurationMs,
    probeTimeoutMs: options.probeTimeoutMs,
  }, 'sharedCircuitBreaker'), { clock, events });
}

/** What the fleet last said, as the local breaker takes over from it. */
export interface FleetView {
  state: CircuitState;
  /** Until the fleet's break ends, in ms. */
  remainingBreakMs: number;
  openings: number;
  /** This process's failures in a row while the state was shared. */
  consecutiveFailures: number;
}

/**
 * Starts the local breaker from the fleet's view, so an outage neither re-opens a closed circuit
 * nor closes an open one. A half-open fleet becomes an open breaker whose break is over (this
 * process then probes on its own: the fleet's lease is out of reach), and the failures in a row
 * stay below the local threshold, so the outage itself never opens the breaker.
 */
export function takeOverLocally(local: CircuitBreaker, fleet: FleetView, localFailureThreshold: number): void {
  local.restoreState({
    state: fleet.state === 'CLOSED' ? 'CLOSED' : 'OPEN',
    remainingOpenMs: fleet.state === 'OPEN' ? Math.min(Math.round(fleet.remainingBreakMs), 2 ** 31 - 1) : 0,
    openings: Math.max(1, fleet.openings),
    consecutiveFailures: Math.min(fleet.consecutiveFailures, localFailureThreshold - 1),
    forced: null,
  });
}
