import type { Classification } from '../classify/classification.js';
import { isSeverity } from '../classify/severity.js';
import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import type { AttemptContextImpl } from '../timeout/attempt-context.js';
import { AttemptTimeoutError, messageOf, toError } from '../errors.js';
import type { PipelineHub } from '../events/pipeline-hub.js';
import { logAction } from '../observe/log-action.js';
import type { RedactedValue } from '../observe/redaction.js';
import type { ReflectionHistoryEntry } from '../reflect/reflector.js';
import type { RecoveryState } from '../recover/rollback-step.js';
import { learnFrom } from '../adaptive/learn.js';
import { systemClock } from '../clock.js';
import { LastText } from '../core/last-text.js';
import type { GiveUpReason, HealingAction, HealingResult } from './healing-result.js';
import type { HealingFunction, HealingOptions } from './options.js';
import { resolveFallbacks, type ResolvedFallback } from '../fallback/fallback-kinds.js';
import { Rebind } from './recent-plans.js';
import type { ExecutionPlan } from './plan.js';

/**
 * The state of one execution, shared by the steps (attempt, retry, reflect, fallback) that act
 * on it. Outcomes are fields, not thrown exceptions, so the steps pass failures along cheaply.
 */
export class Execution {
  /**
   * One idle execution, held for the life of the process. V8 keeps the hidden class ("map") that
   * the field initialisers build only while some object has it, and optimised code refers to it
   * weakly: after a full GC with no execution in flight, the map was collected and every
   * optimised function of the call path thrown away (measured on the healed path: the next 3,000
   * or so calls ran about 2-4x slower while V8 optimised them again). Built by the real constructor
   * with the value kinds of a real call (a clock reading, no breaker, nobody listening), so it
   * has the map real executions have. `AttemptContextImpl.idle` does the same for attempts.
   */
  static readonly idle = new Execution({ clock: systemClock, circuitName: undefined, hub: undefined } as unknown as ExecutionPlan, () => undefined, undefined);
  readonly plan: ExecutionPlan;
  readonly fn: HealingFunction<unknown, unknown>;
  /** The caller's signal: the plan's, or the one given with this call's options. */
  readonly signal: AbortSignal | undefined;
  /** A `fallback` given with this call's options in place of the plan's (its shape, a new function); usually none. */
  private readonly callFallback: HealingOptions['fallback'];
  readonly startedAt: number;
  readonly breaker: CircuitBreakerLike | undefined;
  /** The pipeline's listeners, only when someone listened as the execution started. */
  readonly hub: PipelineHub | undefined;
  /** Ties this execution's events together (0 when nobody listens). */
  readonly executionId: number;
  args: unknown;
  /** Calls of the primary fn so far. */
  attempts = 0;
  /**
   * When the attempt in flight started, read only for a breaker that times attempts or while
   * someone listens to attempts; `NaN` for an attempt nobody timed (a listener added while it ran).
   */
  attemptStartedAt = Number.NaN;
  /** Transient retries so far (the backoff exponent). */
  retries = 0;
  reflections = 0;
  value: unknown = undefined;
  error: Error | undefined = undefined;
  /** True when the last attempt was refused by the open circuit (fn not called). */
  refused = false;
  circuitTriggered = false;
  /** Set (only then) when a breaker ramping up after a recovery refused: the dependency is not down. */
  declare rampRefused: boolean | undefined;
  fallbackServed = false;
  /** Set by the fallback that served (read only then, so no field is initialised for it). */
  declare servedBy: string | undefined;
  /** Set when a `hedge: { with: 'fallback' }` won the race for the attempt. */
  declare hedgeServedByFallback: boolean | undefined;
  actions: HealingAction[] = [];
  // Created on first use (declared, not initialised, so the happy path's object stays small).
  /** Created on the first reflection: most executions never reflect. */
  declare reflectionHistory: ReflectionHistoryEntry[] | undefined;
  /** Tokens and cost the reflector reported so far (created with the history). */
  declare reflectionUsage: { tokens: number; costUsd: number } | undefined;
  /** The context of the attempt in flight (its timer and signal link are released when it ends). */
  attemptContext: AttemptContextImpl | undefined = undefined;
  stopReason: GiveUpReason | undefined = undefined;
  /** Only with `rollback` or `compensate`: the snapshot and the once-only flag. */
  declare recovery: RecoveryState | undefined;
  private stopDetail = '';
  private classification: Classification | undefined = undefined;
  /** The redacted args, for the args they were made of (reflection replaces the args). */
  private declare redacted: { of: unknown; view: RedactedValue } | undefined;

  /** The fallbacks resolved from {@link callFallback}, on first use (only a failure needs them). */
  private declare ownFallbacks: ReadonlyArray<ResolvedFallback> | undefined;

  /**
   * Made when the call comes in, so `durationMs` and `deadlineMs` count a bulkhead queue too.
   * `call` and `rebind` (the `Rebind` bits of recent-plans.ts): options written in the call
   * that share `plan` with earlier ones of their shape, and which of their values are the call's own.
   */
  constructor(
    plan: ExecutionPlan, fn: HealingFunction<unknown, unknown>, args: unknown, call?: HealingOptions, rebind = 0, started?: FirstAttemptStart,
  ) {
    this.plan = plan;
    this.fn = fn;
    this.args = args;
    this.signal = signalOf(plan, call, rebind);
    this.callFallback = call !== undefined && (rebind & Rebind.FALLBACK) !== 0 ? call.fallback : undefined;
    if (started !== undefined) {
      // Taken over from the first-attempt lane, which ran only when nobody listened.
      this.startedAt = started.startedAt;
      this.breaker = started.breaker;
      this.hub = undefined;
      this.executionId = 0;
      return;
    }
    this.startedAt = plan.clock.now();
    this.breaker = breakerOf(plan);
    const hub = plan.hub;
    if (hub !== undefined && !hub.listeners.idle) {
      this.hub = hub;
      this.executionId = hub.nextExecutionId();
    } else {
      this.hub = undefined;
      this.executionId = 0;
    }
  }

  /** The fallbacks of this call: the plan's, or those written in the call's own options. */
  fallbacks(): ReadonlyArray<ResolvedFallback> {
    if (this.callFallback === undefined) return this.plan.fallbacks;
    return (this.ownFallbacks ??= resolveFallbacks(this.callFallback, this.plan.clock));
  }

  /** Records a failed attempt (or refusal); the error is classified lazily, once. */
  fail(thrown: unknown): void {
    this.error = toError(thrown);
    this.classification = undefined;
  }

  /** The classification of the current error. */
  classify(): Classification {
    return (this.classification ??= safeClassify(this.plan, this.error!));
  }

  /** Classifies another error (a strategy's) as the pipeline does, never throwing. */
  classifyOther(error: Error): Classification {
    return error === this.error ? this.classify() : safeClassify(this.plan, error);
  }

  /** A strategy asked for the rest of the pipeline again: healing goes on, an earlier stop is superseded. */
  resume(): void {
    this.stopReason = undefined;
    this.stopDetail = '';
  }

  /** The current args with secrets redacted, computed once per args value (only on failure paths). */
  redactedArgs(): RedactedValue {
    if (this.redacted === undefined || this.redacted.of !== this.args) {
      this.redacted = { of: this.args, view: this.plan.redaction.value(this.args) };
    }
    return this.redacted.view;
  }

  /** A message as it may reach a log, an action or a reflector: secrets (also those found in the args) removed. */
  redact(message: string): string {
    const { redaction } = this.plan;
    if (!redaction.enabled) return message;
    // Args hold no secret in most calls: look for their values only when there are some.
    return redaction.message(message, this.args === undefined || this.args === null ? undefined : this.redactedArgs().secrets);
  }

  /** Adds a healing action (with circuit and redacted error filled in) and logs it. */
  record(action: HealingAction): void {
    if (this.plan.circuitName !== undefined) action.circuit = this.plan.circuitName;
    if (action.error === undefined && this.error !== undefined && action.kind !== 'fallback') {
      action.error = this.redact(messageOf(this.error));
    }
    this.actions.push(action);
    const { logger, hub } = this.plan;
    // Labelled by the pipeline, never by a call's own `name` (which only keys its stateful options).
    if (logger !== undefined) logAction(logger, action, hub === undefined ? this.plan.options.name : hub.logName);
    if (this.hub !== undefined) this.hub.action(this, action);
  }

  /** Ends healing with a reason; returns `false` so steps can `return run.stop(...)`. */
  stop(reason: GiveUpReason, detail: string): false {
    this.stopReason = reason;
    this.stopDetail = detail;
    return false;
  }

  elapsedMs(): number {
    return this.plan.clock.now() - this.startedAt;
  }

  /** Whether the plan has a `deadlineMs` and it is spent: nothing new may start. */
  pastDeadline(): boolean {
    const { deadlineMs } = this.plan;
    return deadlineMs !== undefined && this.elapsedMs() >= deadlineMs;
  }

  /** Builds the result; a failed execution gets its closing `'give_up'` action here. */
  finish(ok: boolean): HealingResult<unknown> {
    const durationMs = this.elapsedMs();
    if (ok) {
      const result: HealingResult<unknown> = {
        status: 'ok',
        result: this.value,
        attempts: this.attempts,
        healed: this.fallbackServed || this.attempts > 1 || this.actions.length > 0,
        healingActions: this.actions,
        circuitBreakerTriggered: this.circuitTriggered,
        args: this.args,
        durationMs,
      };
      // A call that needed no healing has nothing to report or learn: one check on the fast path.
      if (this.actions.length > 0) {
        // Only results a fallback served carry `servedBy`: the others keep their shape.
        if (this.fallbackServed) result.servedBy = this.servedBy;
        if (this.plan.adaptive !== undefined) learnFrom(this, true);
      }
      if (this.hub !== undefined) this.hub.finished(this, result);
      return result;
    }
    // An aborted execution's error is always the abort reason, wherever the abort landed.
    if (this.stopReason === 'aborted' && this.signal?.aborted === true) this.fail(this.signal.reason);
    // A deadline that passed before anything failed (a wait for a bulkhead slot, a strategy of
    // yours): the deadline is the error, so a failed result always has one.
    else if (this.error === undefined && this.stopReason === 'deadline') this.fail(AttemptTimeoutError.create(this.plan.deadlineMs!));
    if (this.plan.adaptive !== undefined) learnFrom(this, false);
    const reason = this.stopReason ?? 'exhausted';
    // The category of the failure it gave up on, so statistics, health and logs can count even a
    // call that failed at its only attempt (its classification is memoised: no second classify).
    // A refusal is not classified on its way (the open-circuit path stays cheap): its category's severity serves.
    const unclassifiedRefusal = this.refused && this.classification === undefined;
    const classification = this.error === undefined || unclassifiedRefusal ? undefined : this.classify();
    // One literal with every field, so the action is allocated once at its final shape.
    const giveUp: HealingAction = {
      kind: 'give_up',
      // After a refusal, the action concerns the attempt that was refused, as `circuit_open` does.
      attempt: this.refused ? this.attempts + 1 : this.attempts,
      reason,
      detail: giveUps.of(reason, this.stopDetail) ?? giveUps.keep(`${reason}: ${this.stopDetail || 'no further healing possible'}`, reason, this.stopDetail),
      category: unclassifiedRefusal ? 'circuit_open' : classification?.category,
      disposition: unclassifiedRefusal ? 'permanent' : classification?.disposition,
      severity: unclassifiedRefusal ? this.plan.severityOf('circuit_open') : classification?.severity,
    };
    this.record(giveUp);
    const result: HealingResult<unknown> = {
      status: 'error',
      error: this.error!,
      attempts: this.attempts,
      healed: false,
      healingActions: this.actions,
      circuitBreakerTriggered: this.circuitTriggered,
      args: this.args,
      durationMs,
    };
    if (this.hub !== undefined) this.hub.finished(this, result);
    return result;
  }
}

/** The last give-up's detail: a circuit that keeps refusing gives up with the same words (see core/last-text.ts). */
const giveUps = new LastText();

/** The breaker of the plan's `circuitName` (created in its registry on first use), or `undefined`. */
export function breakerOf(plan: ExecutionPlan): CircuitBreakerLike | undefined {
  return plan.circuitName === undefined ? undefined : (plan.registry.find(plan.circuitName) ?? plan.registry.get(plan.circuitName));
}

/** The caller's signal of a call: the plan's, or the one in the call's own options when `rebind` says so. */
function signalOf(plan: ExecutionPlan, call: HealingOptions | undefined, rebind: number): AbortSignal | undefined {
  return call === undefined || (rebind & Rebind.SIGNAL) === 0 ? plan.signal : call.signal;
}

/** What the first-attempt lane hands over with an execution it could not finish itself. */
export interface FirstAttemptStart {
  readonly startedAt: number;
  readonly breaker: CircuitBreakerLike | undefined;
}

function safeClassify(plan: ExecutionPlan, error: Error): Classification {
  try {
    const verdict = plan.classifier.classify(error);
    if (verdict && (verdict.disposition === 'transient' || verdict.disposition === 'permanent' || verdict.disposition === 'recoverable')) {
      const wait = verdict.retryAfterMs;
      const waitOk = wait === undefined || (typeof wait === 'number' && wait >= 0); // NaN fails `>= 0`
      if (isSeverity(verdict.severity) && waitOk) return verdict;
      // A classifier of your own may leave severity out: its category's default fills it, on a
      // copy (the verdict may be a frozen constant), so whatever the pipeline hands on has one. A
      // retryAfterMs that is no wait at all (NaN, negative, a string) is dropped: backoff decides.
      const fixed = { ...verdict, severity: isSeverity(verdict.severity) ? verdict.severity : plan.severityOf(String(verdict.category)) };
      if (!waitOk) delete fixed.retryAfterMs;
      return fixed;
    }
    return { disposition: 'permanent', category: 'classifier_error', reason: 'the classifier returned no valid disposition', severity: plan.severityOf('classifier_error') };
  } catch {
    // A user classifier that throws must not turn into a rejection; refusing to retry is the safe side.
    return { disposition: 'permanent', category: 'classifier_error', reason: 'the classifier threw', severity: plan.severityOf('classifier_error') };
  }
}
