import type { CircuitState } from '../circuit/circuit-breaker.js';

/**
 * A shared breaker's counters, as plain JSON.
 * @example
 * ```ts
 * const { state, mode, fleet } = breaker.stats();
 * if (mode === 'local') log.warn('breaker state is not shared right now');
 * ```
 */
export interface SharedCircuitBreakerStats {
  name: string;
  state: CircuitState;
  /** `'shared'` while the store answers; `'local'` while it is unreachable, or once the breaker is closed, and this process decides alone. */
  mode: 'shared' | 'local';
  store: {
    kind: string;
    available: boolean;
    /** The last store error (redacted), or `null`. */
    lastError: string | null;
    /** Local time since when the store has been unreachable, or `null`. */
    unavailableSince: number | null;
    /** Times the store became unreachable. */
    outages: number;
    /** Store operations that failed or timed out. */
    errors: number;
  };
  instanceId: string;
  /** The shared state's generation (bumped by every fleet-wide transition). */
  generation: number;
  openings: number;
  /** Outcomes of this process. */
  successes: number;
  failures: number;
  rejections: number;
  /** Half-open probes this process ran (one per recovery window across the fleet). */
  probes: number;
  /** Outcomes recorded here and not yet flushed to the store. */
  pending: { calls: number; failures: number };
  /** The fleet's totals in the window at the last flush (since the last transition), or `null`. */
  fleet: { calls: number; failures: number; failingInstances: number } | null;
  failureThreshold: number;
  quorum: number;
  windowMs: number;
}
