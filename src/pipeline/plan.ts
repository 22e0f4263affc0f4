import type { SafetyPolicy } from '../safety/safety-policy.js';
import type { Classifier } from '../classify/classification.js';
import { ErrorClassifier } from '../classify/error-classifier.js';
import { HealingConfigError } from '../errors.js';
import { dataValue, isInstance } from '../core/guards.js';
import { defaultSeverity, isSeverity, type Severity } from '../classify/severity.js';
import { getDefaultRegistry, type CircuitBreakerRegistry } from '../circuit/registry.js';
import type { Clock } from '../clock.js';
import type { EnvironmentSettings } from '../config/environment.js';
import { healingOptionsSchema } from './options-schema.js';
import { parseWith } from '../config/parse.js';
import type { PipelineHub } from '../events/pipeline-hub.js';
import type { HealingLogger } from '../observe/logger.js';
import { Redaction } from '../observe/redaction.js';
import { parsePath, type ArgPath } from '../core/arg-paths.js';
import type { Reflector, ReflectionSpend } from '../reflect/reflector.js';
import type { ProposalGuard } from '../reflect/reflect-options.js';
import type { HealingOptions } from './options.js';
import { checkPlanOptions, type CheckedStrategy, type HealingStrategy } from './strategy.js';
import { compileFirstAttemptLane, compilePipeline, type CompiledPipeline } from './compile.js';
import { newLaneGate, type FirstAttemptLane, type LaneGate } from './first-attempt.js';
import { resolveRetryBudget } from '../budget/resolve-budget.js';
import type { RetryBudget } from '../budget/retry-budget.js';
import { resolveTimeouts } from '../timeout/attempt-limit.js';
import { resolveBulkhead } from '../bulkhead/resolve-bulkhead.js';
import type { Bulkhead } from '../bulkhead/bulkhead.js';
import type { DegradableFeature } from '../degrade/degradable-feature.js';
import { checkHedge } from '../hedge/check-hedge.js';
import type { HedgeOptions } from '../hedge/hedge-options.js';
import { AdaptiveHealing } from '../adaptive/adaptive-healing.js';
import type { CompensateFunction, RollbackOptions } from '../recover/rollback-options.js';
import { resolveFallbacks, type ResolvedFallback } from '../fallback/fallback-kinds.js';
import type { LastGoodCache } from '../fallback/last-good-cache.js';

/** Options with every default applied and the environment folded in: what an execution reads. */
export interface ExecutionPlan {
  /** The validated options this plan came from (overrides merge over these). */
  readonly options: HealingOptions;
  readonly enabled: boolean;
  readonly reflectionEnabled: boolean;
  readonly maxAttempts: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly jitter: 'full' | 'equal' | 'none';
  readonly maxElapsedMs: number | undefined;
  readonly maxRetryAfterMs: number;
  /** A number, or one limit per attempt (from a `timeoutMs` function). */
  readonly timeoutMs: number | readonly number[] | undefined;
  readonly timeoutGraceMs: number;
  readonly deadlineMs: number | undefined;
  readonly rollback: RollbackOptions | undefined;
  readonly compensate: CompensateFunction | undefined;
  readonly retryBudget: RetryBudget | undefined;
  readonly bulkhead: Bulkhead | undefined;
  readonly feature: DegradableFeature | undefined;
  readonly hedge: HedgeOptions | undefined;
  readonly adaptive: AdaptiveHealing | undefined;
  readonly safety: SafetyPolicy | undefined;
  /** Whether the time of an attempt is limited (`timeoutMs` or `deadlineMs`): one check per attempt. */
  readonly limitsAttempts: boolean;
  /** Whether an attempt's end needs more than the breaker (`lastGood` caches, a fallback hedge). */
  readonly extendsAttemptEnd: boolean;
  readonly reflector: Reflector | undefined;
  readonly argsSchema: HealingOptions['argsSchema'];
  readonly maxReflections: number;
  /** Parsed `mutablePaths`; `undefined` means the default (the failure's issue paths, else any). */
  readonly mutablePaths: readonly ArgPath[] | undefined;
  readonly accept: ProposalGuard<unknown> | undefined;
  readonly reflectionTimeoutMs: number;
  readonly reflectionBudget: ((spent: ReflectionSpend) => boolean | PromiseLike<boolean>) | undefined;
  /** `false` when the call is marked `idempotent: false` and `reflectNonIdempotent` is not set. */
  readonly mayReflect: boolean;
  readonly redaction: Redaction;
  readonly classifier: Classifier;
  /** The severity of a category for actions recorded without classifying (`timeout`, `circuit_open`): the classifier's table. */
  readonly severityOf: (category: string) => Severity;
  readonly registry: CircuitBreakerRegistry;
  readonly circuitName: string | undefined;
  readonly fallbacks: ReadonlyArray<ResolvedFallback>;
  /** The caches of `lastGood` fallbacks, which every success of the primary fills; usually none. */
  readonly lastGoodCaches: ReadonlyArray<LastGoodCache> | undefined;
  readonly signal: AbortSignal | undefined;
  readonly logger: HealingLogger | undefined;
  readonly clock: Clock;
  /** Custom strategies around the retry loop, outermost first; `undefined` when there are none. */
  readonly executionStrategies: ReadonlyArray<HealingStrategy> | undefined;
  /** Custom strategies around each attempt, outermost first; `undefined` when there are none. */
  readonly attemptStrategies: ReadonlyArray<HealingStrategy> | undefined;
  /** The configured strategies in their order, compiled once (compile.ts). */
  readonly pipeline: CompiledPipeline;
  /**
   * The pipeline as a lane entered before the execution exists (first-attempt.ts), for plans of
   * only retry and fallbacks around a plain attempt; else `undefined`.
   */
  readonly firstAttemptLane: FirstAttemptLane | undefined;
  /** Whether calls of this plan take the lane, and with which breaker: decided once (first-attempt.ts). */
  readonly laneGate: LaneGate;
  /** The pipeline's listeners (set by `HealingPipeline`; `executeWithHealing` has none). */
  readonly hub?: PipelineHub;
}

let sharedClassifier: ErrorClassifier | undefined;

/** Validates `options` (throwing a `HealingConfigError` that names the option, under `root` when given). */
export function validateOptions(options: unknown, root = ''): HealingOptions {
  // A Map's entries are not properties: the schema would see an empty object, and every option ignored.
  if (isInstance(options, Map)) throw new HealingConfigError(root === '' ? 'options' : root, 'expected an object of options, got a Map: pass Object.fromEntries(map)');
  const valid = parseWith(healingOptionsSchema, options === undefined ? {} : options, root);
  // zod copies each strategy down to its known keys; the pipeline runs the user's own objects, so
  // a class-based strategy keeps its `this` and a library strategy its plan check.
  if (valid.strategies !== undefined) valid.strategies = (options as HealingOptions).strategies;
  // So do a rollback and a fallback's provider (`{ run }`): objects of behaviour, whose class may
  // hold private fields. Taken from the caller's data properties only, never a second getter read.
  if (valid.rollback !== undefined) valid.rollback = (dataValue(options, 'rollback') as HealingOptions['rollback']) ?? valid.rollback;
  if (valid.fallback !== undefined && typeof valid.fallback !== 'function') valid.fallback = ownProviders(dataValue(options, 'fallback'), valid.fallback);
  return valid;
}

/** The schema's copy of a fallback option, with each provider entry (`{ run }`) the caller's own object. */
function ownProviders(own: unknown, copy: NonNullable<HealingOptions['fallback']>): NonNullable<HealingOptions['fallback']> {
  const provider = (entry: unknown, ownEntry: unknown) =>
    isProvider(entry) && isProvider(ownEntry) ? ownEntry : entry;
  if (!Array.isArray(copy)) return provider(copy, own) as typeof copy;
  return copy.map((entry, index) => provider(entry, dataValue(own, index))) as typeof copy;
}

function isProvider(entry: unknown): boolean {
  try {
    return entry !== null && typeof entry === 'object' && typeof (entry as { run?: unknown }).run === 'function';
  } catch {
    return false; // a Proxy's trap that throws: the schema's copy serves
  }
}

/** Layers `overrides` over `base`: fields replace, except `retry`, which merges field by field. */
export function mergeOptions(base: HealingOptions, overrides: HealingOptions): HealingOptions {
  const merged: HealingOptions = { ...base, ...overrides };
  if (base.retry && overrides.retry) merged.retry = { ...base.retry, ...overrides.retry };
  return merged;
}

/** Builds the plan for already-validated options under the given environment. */
export function resolvePlan(options: HealingOptions, env: EnvironmentSettings): ExecutionPlan {
  const plan = resolveSettings(options, env);
  return Object.assign(plan, { pipeline: compilePipeline(plan), firstAttemptLane: compileFirstAttemptLane(plan), laneGate: newLaneGate() });
}

function resolveSettings(options: HealingOptions, env: EnvironmentSettings): Omit<ExecutionPlan, 'pipeline' | 'firstAttemptLane' | 'laneGate'> {
  const retry = options.retry ?? {};
  const jitter = retry.jitter === undefined || retry.jitter === true ? 'full' : retry.jitter === false ? 'none' : retry.jitter;
  const registry = options.registry ?? getDefaultRegistry();
  const clock = options.clock ?? registry.clock;
  const maxAttempts = retry.maxAttempts ?? env.maxAttempts ?? 3;
  const bulkhead = resolveBulkhead(options.bulkhead);
  const fallbacks = resolveFallbacks(options.fallback, clock);
  options.strategies?.forEach((strategy, index) => (strategy as CheckedStrategy)[checkPlanOptions]?.(options, `strategies[${index}]`));
  const classifier = options.classifier ?? (sharedClassifier ??= new ErrorClassifier());
  const lastGoodCaches = fallbacks.flatMap((fallback) => (fallback.cache === undefined ? [] : [fallback.cache]));
  return {
    options,
    enabled: env.enabled,
    reflectionEnabled: env.reflectionEnabled,
    maxAttempts,
    minDelayMs: retry.minDelayMs ?? 100,
    maxDelayMs: retry.maxDelayMs ?? 30_000,
    factor: retry.factor ?? 2,
    jitter,
    maxElapsedMs: retry.maxElapsedMs,
    maxRetryAfterMs: retry.maxRetryAfterMs ?? 60_000,
    timeoutMs: resolveTimeouts(options.timeoutMs, maxAttempts),
    timeoutGraceMs: options.timeoutGraceMs ?? 0,
    deadlineMs: options.deadlineMs,
    rollback: options.rollback,
    compensate: options.compensate,
    retryBudget: resolveRetryBudget(options.retryBudget, options.circuitName, registry, clock),
    bulkhead,
    feature: options.feature,
    hedge: checkHedge(options, fallbacks.length),
    adaptive: options.adaptive === true ? new AdaptiveHealing() : options.adaptive || undefined,
    safety: options.safety,
    limitsAttempts: options.timeoutMs !== undefined || options.deadlineMs !== undefined,
    extendsAttemptEnd: lastGoodCaches.length > 0 || options.hedge?.with === 'fallback',
    reflector: options.reflector,
    argsSchema: options.argsSchema,
    maxReflections: options.maxReflections ?? 2,
    mutablePaths: options.mutablePaths?.map(parsePath),
    accept: options.accept,
    reflectionTimeoutMs: options.reflectionTimeoutMs ?? 30_000,
    reflectionBudget: options.reflectionBudget,
    mayReflect: options.idempotent !== false || options.reflectNonIdempotent === true,
    redaction: Redaction.from(options.redact),
    classifier,
    // Duck-typed, so a wrapper classifier, or another copy of the package's, is asked too.
    severityOf: typeof classifier.severityOf === 'function' ? (category) => severityOrDefault(classifier, category) : defaultSeverity,
    registry,
    circuitName: options.circuitName,
    fallbacks,
    lastGoodCaches: lastGoodCaches.length === 0 ? undefined : lastGoodCaches,
    executionStrategies: placed(options.strategies, 'execution'),
    attemptStrategies: placed(options.strategies, 'attempt'),
    signal: options.signal,
    logger: options.logger,
    clock,
  };
}

function placed(strategies: ReadonlyArray<HealingStrategy> | undefined, placement: 'execution' | 'attempt'): ReadonlyArray<HealingStrategy> | undefined {
  const here = strategies?.filter((strategy) => (strategy.placement ?? 'execution') === placement);
  return here === undefined || here.length === 0 ? undefined : here;
}

/** A classifier's own severity for `category`; the built-in table's when it throws or answers nonsense. */
function severityOrDefault(classifier: { severityOf?(category: string): unknown }, category: string): Severity {
  try {
    const severity = classifier.severityOf!(category);
    return isSeverity(severity) ? severity : defaultSeverity(category);
  } catch {
    return defaultSeverity(category);
  }
}
