import type { CircuitRejection, CircuitStateChange } from '../circuit/circuit-events.js';
import type { Severity } from '../classify/severity.js';
import type { HealingAction, HealingResult } from '../pipeline/healing-result.js';

/**
 * Fields every pipeline event carries: which pipeline and circuit, which execution, and when.
 * @example
 * ```ts
 * pipeline.on('retry', ({ pipeline, circuit, executionId, at }) => log.info({ pipeline, circuit, executionId, at }));
 * ```
 */
export interface PipelineEventBase {
  /** The pipeline's `name`. */
  pipeline: string;
  /** The execution's `circuitName`, if any. */
  circuit: string | undefined;
  /** Numbers the executions of one pipeline seen by listeners (1, 2, ...): ties events of one call together. */
  executionId: number;
  /** Clock time of the event (ms since the epoch). */
  at: number;
}

/**
 * One call of the primary function ended: what `attempt` listeners receive.
 * @example
 * ```ts
 * pipeline.on('attempt', ({ attempt, ok, durationMs, category }) => histogram.record(durationMs, { ok, category }));
 * pipeline.on('attempt', ({ ok, severity }) => !ok && severity === 'critical' && pager.trigger('critical failure'));
 * ```
 */
export interface AttemptEvent extends PipelineEventBase {
  /** 1-based number of the attempt. */
  attempt: number;
  ok: boolean;
  /** How long the attempt ran, in ms (by the pipeline's clock). */
  durationMs: number;
  /** The error's category (`network`, `rate_limit`, ...) when it failed. */
  category?: string;
  /** The error's severity (`'low' | 'medium' | 'high' | 'critical'`) when it failed. */
  severity?: Severity;
  /** The redacted message of the error when it failed. */
  error?: string;
}

/**
 * A healing action was recorded: what `action` listeners (every kind) and the `retry`,
 * `reflect`, `fallback` and `rollback` listeners (that kind) receive.
 * @example
 * ```ts
 * pipeline.on('fallback', ({ action }) => action.succeeded && metrics.increment('served_by_fallback'));
 * ```
 */
export interface ActionEvent extends PipelineEventBase {
  /** The action, exactly as it appears in `result.healingActions` (its `error` already redacted). */
  action: HealingAction;
}

/**
 * An execution ended: what `success` and `failure` listeners receive.
 * @example
 * ```ts
 * pipeline.on('failure', ({ result }) => log.warn({ actions: result.healingActions }, 'call failed'));
 * ```
 */
export interface OutcomeEvent extends PipelineEventBase {
  /** The result the caller receives. */
  result: HealingResult<unknown>;
  /** When the execution started (ms since the epoch). */
  startedAt: number;
}

/**
 * Healing handed the problem to a human or an outside system: what `escalate` listeners receive.
 * Emitted by what escalates: today `adaptive` healing, when an error category recurs on a circuit
 * (`escalateAfter` failures within `escalateWindowMs`), right after the AdaptiveHealing's own `escalate`.
 * @example
 * ```ts
 * pipeline.on('escalate', ({ reason, error }) => pager.trigger({ summary: `${reason}: ${error}` }));
 * ```
 */
export interface EscalateEvent extends PipelineEventBase {
  /** Why healing escalated. */
  reason: string;
  /** The attempt the escalation follows. */
  attempt: number;
  /** The redacted message of the error that led to it. */
  error?: string;
  /** That error's severity (`'low' | 'medium' | 'high' | 'critical'`): a pager's priority. */
  severity?: Severity;
}

/**
 * Every pipeline event and its payload. `circuit:*` events are the registry's breaker events,
 * limited to this pipeline's `circuitName`.
 * @example
 * ```ts
 * const watched: Array<keyof PipelineEvents> = ['retry', 'fallback', 'failure', 'circuit:open'];
 * ```
 */
export interface PipelineEvents {
  attempt: AttemptEvent;
  /** Every healing action, whatever its kind (`timeout`, `circuit_open` and `give_up` included). */
  action: ActionEvent;
  retry: ActionEvent;
  reflect: ActionEvent;
  fallback: ActionEvent;
  /** A compensating action undid a partial effect (emitted when a rollback step records one). */
  rollback: ActionEvent;
  escalate: EscalateEvent;
  success: OutcomeEvent;
  failure: OutcomeEvent;
  'circuit:open': CircuitStateChange;
  'circuit:halfOpen': CircuitStateChange;
  'circuit:close': CircuitStateChange;
  'circuit:stateChange': CircuitStateChange;
  'circuit:reject': CircuitRejection;
}

/**
 * The name of a pipeline event.
 * @example
 * ```ts
 * const event: PipelineEventName = 'circuit:open';
 * ```
 */
export type PipelineEventName = keyof PipelineEvents;
