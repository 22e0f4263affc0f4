import type { CircuitState } from '../circuit/circuit-breaker.js';
import { Listeners, type CircuitEvents, type CircuitRejection, type TransitionReason } from '../circuit/circuit-events.js';
import type { Clock } from '../clock.js';

/**
 * The store became unreachable (`storeUnavailable`) or reachable again (`storeRecovered`).
 * @example
 * ```ts
 * breaker.on('storeUnavailable', ({ circuit, error }) => log.warn({ circuit, error }, 'breaker state is local only'));
 * ```
 */
export interface StoreAvailabilityChange {
  circuit: string;
  /** The store's `kind` (`'redis'`, `'memory'`). */
  store: string;
  /** Local clock time of the change. */
  at: number;
  /** Why the store counts as unreachable (redacted), on `storeUnavailable`. */
  error?: string;
  /** How long the breaker ran on local state, on `storeRecovered`. */
  downMs?: number;
}

/**
 * Every event of a {@link SharedCircuitBreaker}: those of a local breaker, plus store availability.
 * @example
 * ```ts
 * const watched: Array<keyof SharedCircuitEvents> = ['open', 'close', 'storeUnavailable', 'storeRecovered'];
 * ```
 */
export interface SharedCircuitEvents extends CircuitEvents {
  storeUnavailable: StoreAvailabilityChange;
  storeRecovered: StoreAvailabilityChange;
}

const EVENT_FOR = { OPEN: 'open', HALF_OPEN: 'halfOpen', CLOSED: 'close' } as const;

/** The listeners of one shared breaker, with the payloads built in one place. */
export class SharedBreakerEvents extends Listeners<SharedCircuitEvents> {
  constructor(private readonly circuit: string, private readonly storeKind: string, private readonly clock: Clock) {
    super();
  }

  /** A transition listeners have not seen yet. Nothing is built (no clock read) when nobody listens. */
  transitioned(from: CircuitState, to: CircuitState, reason: TransitionReason): void {
    if (!this.has('stateChange') && !this.has(EVENT_FOR[to])) return;
    const change = { circuit: this.circuit, from, to, reason, at: this.clock.now() };
    this.emit(EVENT_FOR[to], change);
    this.emit('stateChange', change);
  }

  rejected(state: CircuitState, reason: CircuitRejection['reason']): void {
    if (this.has('reject')) this.emit('reject', { circuit: this.circuit, state, reason });
  }

  storeAvailability(event: 'storeUnavailable' | 'storeRecovered', change: { at: number; error?: string | undefined; downMs?: number }): void {
    this.emit(event, { circuit: this.circuit, store: this.storeKind, ...change });
  }
}
