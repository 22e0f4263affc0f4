import { currentEnvironment } from '../config/environment.js';
import { HealingConfigError } from '../errors.js';
import type { PipelineEventName, PipelineEvents } from '../events/pipeline-events.js';
import { PipelineHub } from '../events/pipeline-hub.js';
import type { HealingResult } from './healing-result.js';
import type { HealingFunction, HealingOptions } from './options.js';
import { mergeOptions, resolvePlan, validateOptions, type ExecutionPlan } from './plan.js';
import { firstAttemptBreaker, FULL_PATH } from './first-attempt.js';
import { RecentPlans, Rebind } from './recent-plans.js';
import { Execution } from './execution.js';
import { startExecution } from './start-execution.js';
import { keepStateByName } from './inline-state.js';
import { AdaptiveHealing } from '../adaptive/adaptive-healing.js';
import { checkBatchInput, readBatchOptions, runBatch, type BatchOptions, type BatchResult } from '../batch/batch.js';
import { runTransaction, validateSteps, type TransactionOptions, type TransactionResult, type TransactionStep } from '../recover/transaction.js';

/**
 * Holds default options and runs calls through them: the breaker, retry with backoff, reflection
 * and fallbacks. Options are validated once, here; the environment switches are read here too.
 * Build one per dependency and reuse it: that is the fast path.
 *
 * @example
 * ```ts
 * const payments = new HealingPipeline({ circuitName: 'payments', retry: { maxAttempts: 4 }, timeoutMs: 2_000 });
 * const result = await payments.execute(chargeCard, { amount: 1200 });
 * const urgent = await payments.execute(chargeCard, { amount: 99 }, { retry: { maxAttempts: 2 } });
 *
 * // Given its args (and result) type, its own callbacks are typed and each call is checked:
 * const orders = new HealingPipeline<{ orderId: string }, Receipt>({
 *   rollback: { snapshot: (args) => ledger.read(args.orderId), restore: (saved) => ledger.write(saved) },
 * });
 * ```
 *
 * @typeParam PipelineArgs - The args every call of this pipeline takes (default `any`: each call's own).
 * @typeParam PipelineResult - What every call resolves (default `any`).
 */
export class HealingPipeline<PipelineArgs = any, PipelineResult = any> {
  /** The validated default options of this pipeline. */
  readonly options: HealingOptions<PipelineArgs, PipelineResult>;
  /** The pipeline's name in events, statistics, metrics and the HTTP endpoint. */
  readonly name: string;
  private readonly plan: ExecutionPlan;
  /** The options as given (`options` is the schema's copy): an override that repeats one of these objects shares the pipeline's state. */
  private readonly givenOptions: HealingOptions;
  private readonly hub: PipelineHub;
  /** Plans of recent per-call options, for options written inline (a new object of one shape each call). */
  private readonly recentPlans = new RecentPlans();
  /** The options of the last call with overrides that brought nothing of their own, and their plan: a loop reusing one object hits here. */
  private lastOverrides: HealingOptions | undefined;
  private lastPlan: ExecutionPlan | undefined;
  /** `lastOverrides.signal` when it was kept: a new signal set on a reused object is read again. */
  private lastSignal: AbortSignal | undefined;
  /** What the options of the last call bring their own of, over its plan (the `Rebind` bits of recent-plans.ts). */
  private lastRebind = 0;

  /** @throws {HealingConfigError} naming the invalid option or environment variable. */
  // NoInfer: the types come from the type arguments only, never from the options' callbacks, so
  // `new HealingPipeline({ fallback: () => null })` stays a pipeline for any call, as before.
  constructor(options: HealingOptions<NoInfer<PipelineArgs>, NoInfer<PipelineResult>> = {}) {
    this.givenOptions = options;
    this.options = validateOptions(options);
    // One AdaptiveHealing per pipeline, which its overrides inherit (they merge over these options).
    if (this.options.adaptive === true) this.options = { ...this.options, adaptive: new AdaptiveHealing() };
    const plan = resolvePlan(this.options, currentEnvironment());
    this.name = this.options.name ?? this.options.circuitName ?? 'default';
    this.hub = new PipelineHub(this.name, plan.circuitName, plan.registry, this.options.name);
    this.plan = { ...plan, hub: this.hub };
  }

  /**
   * Subscribes to this pipeline's events; returns the unsubscribe function. A pipeline nobody
   * listens to pays nothing for events. Listeners run synchronously and a throwing one is
   * ignored. `circuit:*` events are the registry's breaker events for this pipeline's `circuitName`.
   * @throws {HealingConfigError} for an unknown event, or a `circuit:*` event on a pipeline without `circuitName`.
   * @example
   * ```ts
   * const off = payments.on('retry', ({ action }) => log.info({ delayMs: action.delayMs }, action.detail));
   * payments.on('circuit:open', ({ reason }) => alert(`payments circuit opened: ${reason}`));
   * off();
   * ```
   */
  on<K extends PipelineEventName>(event: K, listener: (payload: PipelineEvents[K]) => void): () => void {
    return this.hub.on(event, listener);
  }

  /**
   * Runs `fn(args, ctx)` and heals it. Resolves a {@link HealingResult} whether the call
   * succeeded or not; rejects only for misuse (`fn` not a function, invalid `overrides`) with a
   * {@link HealingConfigError}. `overrides` merge over the pipeline's options (`retry` field by field).
   * @example
   * ```ts
   * const result = await pipeline.execute(({ id }, { signal }) => fetchUser(id, { signal }), { id: 42 });
   * ```
   */
  execute<A extends PipelineArgs, R extends PipelineResult | PromiseLike<PipelineResult>>(
    fn: HealingFunction<A, R>, args: A, overrides?: HealingOptions<A, Awaited<R>>,
  ): Promise<HealingResult<Awaited<R>>>;
  /**
   * A function that takes no args needs none: `pipeline.execute(fn)`.
   * @example
   * ```ts
   * const health = await pipeline.execute(async () => (await fetch('https://api.example.com/health')).json());
   * ```
   */
  execute<R extends PipelineResult | PromiseLike<PipelineResult>>(fn: HealingFunction<undefined, R>): Promise<HealingResult<Awaited<R>>>;
  execute<A extends PipelineArgs, R extends PipelineResult | PromiseLike<PipelineResult>>(
    fn: HealingFunction<A, R>, args?: A, overrides?: HealingOptions<A, Awaited<R>>,
  ): Promise<HealingResult<Awaited<R>>> {
    // Not `async`: that would add a promise and a frame to every call. Misuse still rejects.
    if (typeof fn !== 'function') {
      return Promise.reject(new HealingConfigError('fn', `expected the function to heal, got ${fn === null ? 'null' : typeof fn}`));
    }
    let plan = this.plan;
    let call: HealingOptions | undefined;
    let rebind = 0;
    let breaker: ReturnType<typeof firstAttemptBreaker>;
    try {
      if (overrides !== undefined) {
        plan = this.planFor(overrides);
        // Options written in the call share the plan of their shape; a new fallback or signal is the call's own.
        rebind = this.lastRebind;
        if (rebind !== 0) call = overrides;
      }
      breaker = firstAttemptBreaker(plan, call, rebind);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = fn as HealingFunction<unknown, unknown>;
    if (breaker === FULL_PATH) {
      const started = startExecution(plan, run, args, call, rebind);
      return (started instanceof Execution ? plan.pipeline(started) : started) as Promise<HealingResult<Awaited<R>>>;
    }
    // Entered here, not through a helper, to keep fn's stack short (see firstAttemptBreaker).
    // Without a signal (firstAttemptBreaker checked), only a fallback can be the call's own.
    return plan.firstAttemptLane!(plan, run, args, (rebind & Rebind.FALLBACK) === 0 ? undefined : call, breaker) as Promise<HealingResult<Awaited<R>>>;
  }

  /**
   * Runs `steps` in order, each `run` healed by this pipeline and given the values of the steps
   * before it. When a step fails (or `options.signal` aborts), the committed steps are
   * compensated in reverse order, each exactly once. Resolves a {@link TransactionResult} listing
   * what committed, what failed and what was compensated; rejects only for misuse (a step that is
   * not `{ name, run, compensate? }`) with a {@link HealingConfigError}, before anything runs.
   *
   * @example
   * ```ts
   * const result = await pipeline.transaction([
   *   { name: 'reserve', run: () => stock.reserve('sku-1'), compensate: (r) => stock.release(r.id) },
   *   { name: 'charge', run: () => payments.charge(1200), compensate: (c) => payments.refund(c.id) },
   *   { name: 'ship', run: ({ reserve }) => shipping.book(reserve) },
   * ]);
   * if (result.status === 'error') console.log(result.failed, result.compensated); // 'ship', ['charge', 'reserve']
   * ```
   */
  transaction(steps: ReadonlyArray<TransactionStep>, options?: TransactionOptions): Promise<TransactionResult> {
    try {
      validateSteps(steps, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const overrides = options?.signal === undefined ? undefined : { signal: options.signal };
    return runTransaction(steps, (fn, args, stepOverrides) => this.execute(fn, args, stepOverrides), overrides);
  }

  /**
   * Runs `fn` once per item of `items` (each item is fn's args), healed by this pipeline, at
   * most `options.concurrency` (default 8) at once. Resolves every item's {@link HealingResult},
   * in the items' order, and totals; one item's failure never loses another's result. The other
   * options merge over the pipeline's, as in `execute`. Rejects only for misuse, before any item
   * runs.
   *
   * @example
   * ```ts
   * const batch = await geocoder.executeBatch(addresses, (address, { signal }) => geocode(address, { signal }), { concurrency: 4 });
   * console.log(batch.totals); // { total: 120, succeeded: 118, failed: 2, healed: 9, successRate: 0.983 }
   * ```
   */
  executeBatch<A extends PipelineArgs, R extends PipelineResult | PromiseLike<PipelineResult>>(
    items: ReadonlyArray<A>, fn: HealingFunction<A, R>, options?: BatchOptions<A, Awaited<R>>,
  ): Promise<BatchResult<Awaited<R>>> {
    let concurrency: number;
    let overrides: HealingOptions | undefined;
    let plan: ExecutionPlan;
    try {
      checkBatchInput(items, fn);
      ({ concurrency, overrides } = readBatchOptions(options));
      plan = overrides === undefined ? this.plan : this.planFor(overrides);
    } catch (error) {
      return Promise.reject(error);
    }
    const clock = plan.clock;
    return runBatch((f, args, o) => this.execute(f, args, o), items, fn as HealingFunction<unknown, unknown>, concurrency, overrides, () => clock.now()) as
      Promise<BatchResult<Awaited<R>>>;
  }

  private planFor(overrides: HealingOptions): ExecutionPlan {
    if (overrides === null || typeof overrides !== 'object') return this.planFor(validateOptions(overrides));
    // The same object again: its plan, as last time (only objects that bring nothing of their own
    // are kept here). Its signal is read on every call: a caller may set a new one on the object
    // for each request, and a signal not honoured is a call that cannot be cancelled.
    if (overrides === this.lastOverrides && overrides.signal === this.lastSignal) {
      this.lastRebind = 0;
      return this.lastPlan!;
    }
    let plan = this.recentPlans.find(overrides);
    let rebind = 0;
    if (plan === undefined || plan === 'accepted') {
      // A plan is built from what the schema read, never from a second read of the caller's
      // object: a getter, a class's accessor or a Proxy may answer otherwise each time. Only
      // options the template can stand for are kept; the others are validated on every call.
      const accepted = validateOptions(overrides);
      plan = this.buildPlan(accepted, overrides);
      if (!this.recentPlans.remember(overrides, accepted, plan)) {
        this.lastRebind = 0;
        return plan;
      }
    } else {
      rebind = this.recentPlans.rebind;
    }
    // A literal written in the call (a new fallback function each time) is never seen again, and
    // keeping it would cost a write barrier per call: only options that match their plan whole are kept.
    if (rebind === 0) {
      this.lastOverrides = overrides;
      this.lastPlan = plan;
      this.lastSignal = overrides.signal;
    }
    this.lastRebind = rebind;
    return plan;
  }

  /** The plan of `overrides`, the schema's copy of the caller's options `own`. */
  private buildPlan(overrides: HealingOptions, own: HealingOptions): ExecutionPlan {
    const merged = mergeOptions(this.options, overrides);
    if (overrides.bulkhead !== undefined || overrides.retryBudget !== undefined || overrides.adaptive !== undefined || overrides.fallback !== undefined) {
      // State of per-call options lives by name (see inline-state.ts), so the plan itself holds
      // nothing tied to this object, and a plan found again for an equal object serves it.
      const name = overrides.circuitName ?? overrides.name ?? this.options.name ?? this.options.circuitName;
      keepStateByName(merged, overrides, own, this.options, this.givenOptions, name, merged.registry ?? this.plan.registry);
    }
    const env = { enabled: this.plan.enabled, reflectionEnabled: this.plan.reflectionEnabled, maxAttempts: this.plan.maxAttempts };
    return { ...resolvePlan(merged, env), hub: this.hub };
  }
}
