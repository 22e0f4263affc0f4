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
 * @inline
 */
export interface CircuitRejection {
  circuit: string;
  state: CircuitState;
  reason: 'open' | 'half-open-full' | 'parent-open' | 'isolated' | 'ramping';
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

// The one event emitter lives in core; breakers and the registry reach it through this module.
export { Listeners } from '../core/listeners.js';
