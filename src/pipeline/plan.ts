import type { Classifier } from '../classify/classification.js';
import { ErrorClassifier } from '../classify/error-classifier.js';
import { getDefaultRegistry, type CircuitBreakerRegistry } from '../circuit/registry.js';
import type { Clock } from '../clock.js';
import type { EnvironmentSettings } from '../config/environment.js';
import { healingOptionsSchema } from '../config/options-schema.js';
import { parseWith } from '../config/parse.js';
import type { PipelineHub } from '../events/pipeline-hub.js';
import type { HealingLogger } from '../observe/logger.js';
import { Redaction } from '../observe/redaction.js';
import { parsePath, type ArgPath } from '../reflect/arg-paths.js';
import type { Reflector, ReflectionSpend } from '../reflect/reflector.js';
import type { FallbackFunction, HealingOptions, ProposalGuard } from './options.js';

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
  readonly timeoutMs: number | undefined;
  readonly reflector: Reflector | undefined;
  readonly argsSchema: HealingOptions['argsSchema'];
  readonly maxReflections: number;
  /** Parsed `mutablePaths`; `undefined` means the default (the failure's issue paths, else any). */
  readonly mutablePaths: readonly ArgPath[] | undefined;
  readonly accept: ProposalGuard<unknown> | undefined;
  readonly reflectionTimeoutMs: number;
  readonly reflectionBudget: ((spent: ReflectionSpend) => boolean) | undefined;
  /** `false` when the call is marked `idempotent: false` and `reflectNonIdempotent` is not set. */
  readonly mayReflect: boolean;
  readonly redaction: Redaction;
  readonly classifier: Classifier;
  readonly registry: CircuitBreakerRegistry;
  readonly circuitName: string | undefined;
  readonly fallbacks: ReadonlyArray<FallbackFunction<unknown, unknown>>;
  readonly signal: AbortSignal | undefined;
  readonly logger: HealingLogger | undefined;
  readonly clock: Clock;
  /** The pipeline's listeners (set by `HealingPipeline`; `executeWithHealing` has none). */
  readonly hub?: PipelineHub;
}

let sharedClassifier: ErrorClassifier | undefined;

/** Validates `options` (throwing a `HealingConfigError` that names the option). */
export function validateOptions(options: unknown): HealingOptions {
  return parseWith(healingOptionsSchema, options ?? {}, '');
}

/** Layers `overrides` over `base`: fields replace, except `retry`, which merges field by field. */
export function mergeOptions(base: HealingOptions, overrides: HealingOptions): HealingOptions {
  const merged: HealingOptions = { ...base, ...overrides };
  if (base.retry && overrides.retry) merged.retry = { ...base.retry, ...overrides.retry };
  return merged;
}

/** Builds the plan for already-validated options under the given environment. */
export function resolvePlan(options: HealingOptions, env: EnvironmentSettings): ExecutionPlan {
  const retry = options.retry ?? {};
  const jitter = retry.jitter === undefined || retry.jitter === true ? 'full' : retry.jitter === false ? 'none' : retry.jitter;
  const registry = options.registry ?? getDefaultRegistry();
  const fallback = options.fallback;
  return {
    options,
    enabled: env.enabled,
    reflectionEnabled: env.reflectionEnabled,
    maxAttempts: retry.maxAttempts ?? env.maxAttempts ?? 3,
    minDelayMs: retry.minDelayMs ?? 100,
    maxDelayMs: retry.maxDelayMs ?? 30_000,
    factor: retry.factor ?? 2,
    jitter,
    maxElapsedMs: retry.maxElapsedMs,
    maxRetryAfterMs: retry.maxRetryAfterMs ?? 60_000,
    timeoutMs: options.timeoutMs,
    reflector: options.reflector as Reflector | undefined,
    argsSchema: options.argsSchema,
    maxReflections: options.maxReflections ?? 2,
    mutablePaths: options.mutablePaths?.map(parsePath),
    accept: options.accept as ProposalGuard<unknown> | undefined,
    reflectionTimeoutMs: options.reflectionTimeoutMs ?? 30_000,
    reflectionBudget: options.reflectionBudget,
    mayReflect: options.idempotent !== false || options.reflectNonIdempotent === true,
    redaction: Redaction.from(options.redact),
    classifier: options.classifier ?? (sharedClassifier ??= new ErrorClassifier()),
    registry,
    circuitName: options.circuitName,
    fallbacks: (fallback === undefined ? [] : typeof fallback === 'function' ? [fallback] : [...fallback]) as ReadonlyArray<FallbackFunction<unknown, unknown>>,
    signal: options.signal,
    logger: options.logger,
    clock: options.clock ?? registry.clock,
  };
}
