import type { CircuitState } from './circuit-breaker.js';

/**
 * Why a breaker changed state.
 * @example
 * ```ts
 * breaker.on('open', ({ reason }) => reason === 'failure-rate' && page('error rate high'));
 * ```
 */
export type TransitionReason =
  | 'failure-threshold' | 'failure-rate' | 'probe-failed' | 'probe-succeeded' | 'recovery-timeout'
  | 'isolated' | 'forced-closed' | 'control-released' | 'reset' | 'restored';

/**
 * A state change: what `open`, `halfOpen`, `close` and `stateChange` listeners receive.
 * @example
 * ```ts
 * registry.on('stateChange', ({ circuit, from, to, reason }) => log.info({ circuit, from, to, reason }, 'circuit'));
 * ```
 */
export interface CircuitStateChange {
  circuit: string;
  from: CircuitState;
  to: CircuitState;
  reason: TransitionReason;
  /** Clock time of the change (ms since the epoch). */
  at: number;
}

/**
 * A refused call: what `reject` listeners receive.
 * @example
 * ```ts
 * breaker.on('reject', ({ reason }) => metrics.increment(`refused.${reason}`));
 * ```
 */
export interface CircuitRejection {
  circuit: string;
  state: CircuitState;
  reason: 'open' | 'half-open-full' | 'parent-open' | 'isolated';
}

/**
 * Every breaker event and its payload.
 * @example
 * ```ts
 * const events: Array<keyof CircuitEvents> = ['open', 'halfOpen', 'close', 'reject', 'stateChange'];
 * ```
 */
export interface CircuitEvents {
  open: CircuitStateChange;
  halfOpen: CircuitStateChange;
  close: CircuitStateChange;
  stateChange: CircuitStateChange;
  reject: CircuitRejection;
}

/**
 * A minimal typed emitter. Costs one `undefined` check per emit when nobody listens; a listener
 * that throws is ignored, so observers can never break a call.
 */
export class Listeners<Events extends object> {
  private map: Map<keyof Events, Set<(payload: never) => void>> | undefined;

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const map = (this.map ??= new Map());
    let set = map.get(event);
    if (set === undefined) map.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  has(event: keyof Events): boolean {
    return (this.map?.get(event)?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.map?.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch {
        // an observer must not break the call it observes
      }
    }
  }
}
