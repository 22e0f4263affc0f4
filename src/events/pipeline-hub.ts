import type { CircuitEvents } from '../circuit/circuit-events.js';
import type { CircuitBreakerRegistry } from '../circuit/registry.js';
import { HealingConfigError, messageOf } from '../errors.js';
import type { Execution } from '../pipeline/execution.js';
import type { HealingAction, HealingResult } from '../pipeline/healing-result.js';
import type { PipelineEventName, PipelineEvents } from './pipeline-events.js';
import { Listeners } from '../core/listeners.js';
import { checkSubscription } from '../config/known-events.js';

/** Every pipeline event, as a record so the compiler says when one is missing. */
const EVENTS: { readonly [K in PipelineEventName]-?: true } = {
  attempt: true, action: true, retry: true, reflect: true, fallback: true, rollback: true, escalate: true, success: true, failure: true,
  'circuit:open': true, 'circuit:halfOpen': true, 'circuit:close': true, 'circuit:stateChange': true, 'circuit:reject': true,
};
const EVENT_NAMES: readonly string[] = Object.keys(EVENTS);

/** The action kinds that also have an event of their own (the rest only reach `action`). */
const KIND_EVENTS: Partial<Record<HealingAction['kind'], 'retry' | 'reflect' | 'fallback' | 'rollback'>> = {
  retry: 'retry',
  reflect: 'reflect',
  fallback: 'fallback',
  rollback: 'rollback',
};

/**
 * A pipeline's listeners, and the calls the execution steps make to reach them.
 *
 * `listeners` is idle while nobody listens (and again once the last one leaves): an execution
 * checks that when it starts, and a pipeline nobody listens to pays nothing more, no allocation
 * and no clock read. A listener that throws is ignored, so observers can never break a call.
 */
export class PipelineHub {
  readonly pipeline: string;
  /**
   * The label of its log lines: the pipeline's own `name` option (none without one), whatever a
   * call's options say, as events, statistics and metrics are labelled by the pipeline.
   */
  readonly logName: string | undefined;
  readonly listeners = new Listeners<PipelineEvents>();
  private readonly circuit: string | undefined;
  private readonly registry: CircuitBreakerRegistry;
  private executions = 0;

  constructor(pipeline: string, circuit: string | undefined, registry: CircuitBreakerRegistry, logName?: string) {
    this.pipeline = pipeline;
    this.circuit = circuit;
    this.registry = registry;
    this.logName = logName;
  }

  on<K extends PipelineEventName>(event: K, listener: (payload: PipelineEvents[K]) => void): () => void {
    // Checked here, not by the listeners: `circuit:*` events are the registry's.
    checkSubscription('pipeline', EVENT_NAMES, event, listener);
    if (event.startsWith('circuit:')) return this.onCircuit(event.slice('circuit:'.length) as keyof CircuitEvents, listener as never);
    return this.listeners.on(event, listener);
  }

  /** A fresh id for an execution that starts while someone listens. */
  nextExecutionId(): number {
    return ++this.executions;
  }

  /** Whether attempts are timed and reported (only when someone listens to them). */
  wantsAttempts(): boolean {
    return this.has('attempt');
  }

  attempt(run: Execution, ok: boolean): void {
    // An attempt that began before anyone listened to attempts was not timed: its event would
    // have no duration, so the first one a new listener hears is of the next attempt.
    if (!this.has('attempt') || Number.isNaN(run.attemptStartedAt)) return;
    const at = run.plan.clock.now();
    // Payloads are built as literals of one shape (no spread): cheaper, and monomorphic for V8.
    const payload: PipelineEvents['attempt'] = {
      pipeline: this.pipeline, circuit: run.plan.circuitName, executionId: run.executionId, at,
      attempt: run.attempts, ok, durationMs: at - run.attemptStartedAt,
    };
    if (!ok && run.error !== undefined) {
      const { category, severity } = run.classify();
      payload.category = category;
      payload.severity = severity;
      payload.error = run.redact(messageOf(run.error));
    }
    this.emit('attempt', payload);
  }

  action(run: Execution, action: HealingAction): void {
    const kindEvent = KIND_EVENTS[action.kind];
    const forKind = kindEvent !== undefined && this.has(kindEvent);
    if (!forKind && !this.has('action')) return;
    const payload: PipelineEvents['action'] = {
      pipeline: this.pipeline, circuit: run.plan.circuitName, executionId: run.executionId, at: run.plan.clock.now(), action,
    };
    this.emit('action', payload);
    if (forKind) this.emit(kindEvent, payload);
  }

  finished(run: Execution, result: HealingResult<unknown>): void {
    const event = result.status === 'ok' ? 'success' : 'failure';
    if (!this.has(event)) return;
    // The end time is the start plus the duration the result reports: no second clock read.
    this.emit(event, {
      pipeline: this.pipeline, circuit: run.plan.circuitName, executionId: run.executionId, at: run.startedAt + result.durationMs,
      result, startedAt: run.startedAt,
    });
  }

  /** For escalation steps: tells `escalate` listeners that healing handed the problem on. */
  escalate(run: Execution, reason: string): void {
    if (!this.has('escalate')) return;
    const payload: PipelineEvents['escalate'] = {
      pipeline: this.pipeline, circuit: run.plan.circuitName, executionId: run.executionId, at: run.plan.clock.now(), reason, attempt: run.attempts,
    };
    if (run.error !== undefined) {
      payload.error = run.redact(messageOf(run.error));
      payload.severity = run.classify().severity;
    }
    this.emit('escalate', payload);
  }

  private has(event: PipelineEventName): boolean {
    return this.listeners.has(event);
  }

  private emit<K extends PipelineEventName>(event: K, payload: PipelineEvents[K]): void {
    this.listeners.emit(event, payload);
  }

  /** `circuit:*` events are the registry's, for this pipeline's circuit only. */
  private onCircuit<K extends keyof CircuitEvents>(event: K, listener: (payload: CircuitEvents[K]) => void): () => void {
    const circuit = this.circuit;
    if (circuit === undefined) {
      throw new HealingConfigError('event', `"circuit:${event}" needs a pipeline with a circuitName; pipeline "${this.pipeline}" has none`);
    }
    return this.registry.on(event, (payload) => {
      if (payload.circuit === circuit) listener(payload);
    });
  }
}
