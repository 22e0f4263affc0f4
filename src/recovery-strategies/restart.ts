import { fn, positiveMs } from '../config/schema-helpers.js';
import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { isCircuitOpenError } from '../errors.js';
import { executionOf } from '../pipeline/custom-strategies.js';
import type { HealingStrategy, StrategyContext } from '../pipeline/strategy.js';
import { riskSchema, type Risk } from '../safety/safety-policy.js';
import { oneRecoveryPerKey, recoveryHooks, type RecoveryHooks } from '../shared-recovery/one-recovery-per-key.js';
import { mayAct, noteActed, type Failure } from './safety-gate.js';

/**
 * Options of {@link restart}.
 * @example
 * ```ts
 * const options: Parameters<typeof restart>[0] = { restart: () => toolProcess.respawn(), timeoutMs: 10_000 };
 * ```
 * @inline
 */
interface RestartOptions<A> {
  /** Restarts what crashed (a tool process, a connection pool, a worker). `signal` aborts at `timeoutMs`. */
  restart(failure: Failure, info: { readonly key: string; readonly args: A; readonly signal: AbortSignal }): void | PromiseLike<void>;
  /**
   * Which failures call for a restart. Default: `transient` ones, except a rate limit, a quota
   * and an open circuit's refusal, which no restart fixes.
   */
  when?: (failure: Failure) => boolean;
  /** What concurrent executions share one restart on. Default: the pipeline's `circuitName`, else one key for this strategy. */
  key?: (ctx: StrategyContext<A>) => string;
  /** How long a restart may take before it counts as failed. Default 30 000 ms. */
  timeoutMs?: number;
  /** Default `'medium'`: a restart affects every caller of what it restarts and loses its work in flight. */
  risk?: Risk;
  /** Default `'restart'`. */
  name?: string;
}

const optionsSchema = z.strictObject({
  restart: fn('a function restart(failure, { key, args, signal })'),
  when: fn('a function when(failure) returning whether the failure calls for a restart').optional(),
  key: fn('a function key(ctx) returning the key to share the restart on').optional(),
  timeoutMs: positiveMs.optional(),
  risk: riskSchema.optional(),
  name: z.string().min(1).max(200).optional(),
}, { error: 'expected options { restart, when?, key?, timeoutMs?, risk?, name? }' });

const NO_RESTART_FIXES = new Set(['rate_limit', 'quota', 'circuit_open']);

/** The default `when`: a transient failure that a restart can fix. */
export function restartable(failure: Failure): boolean {
  return failure.classification.disposition === 'transient' && !NO_RESTART_FIXES.has(failure.classification.category) &&
    !isCircuitOpenError(failure.error);
}

/**
 * A built-in recovery strategy (placement `'attempt'`): when an attempt fails in a way a restart
 * can fix, restart what crashed, then try again. Concurrent executions failing on the same key
 * share one restart (it is {@link oneRecoveryPerKey} underneath: the others wait for it, each
 * bounded by its own signal and deadline). Records `'restart'` actions (`ran`, `waited`,
 * `recovered`, `failed`). Risk `'medium'`: under a pipeline's {@link SafetyPolicy} that allows
 * less, it escalates instead.
 *
 * @throws {HealingConfigError} for bad options.
 * @example
 * ```ts
 * const respawn = restart({ restart: () => toolProcess.respawn() });
 * const tool = new HealingPipeline({ circuitName: 'search-tool', strategies: [respawn] });
 * ```
 */
export function restart<A = any, R = any>(options: RestartOptions<A>): HealingStrategy<A, R> & { readonly risk: Risk } {
  const valid = parseWith(optionsSchema, options, 'restart') as RestartOptions<A>;
  const name = valid.name ?? 'restart';
  const risk = valid.risk ?? 'medium';
  const hooks: RecoveryHooks<A> = {
    guard: (ctx, failure) => mayAct(ctx, name, risk, failure),
    ran: (ctx, failure) => noteActed(ctx, name, failure),
    // A key function that returns no string is named as the caller wrote it: `restart.key`.
    root: 'restart',
  };
  const shared = oneRecoveryPerKey<A, R>({
    recover: valid.restart,
    // Without a key or a circuit, one restart at a time for this strategy: the table lives in it.
    key: valid.key ?? ((ctx) => executionOf(ctx)?.plan.circuitName ?? name),
    when: valid.when ?? restartable,
    timeoutMs: valid.timeoutMs,
    name,
    kind: 'restart',
    placement: 'attempt',
    // The circuit may have opened on the very failures the restart fixed (see oneRecoveryPerKey).
    closeCircuit: valid.key === undefined,
    [recoveryHooks]: hooks,
  } as Parameters<typeof oneRecoveryPerKey<A, R>>[0]);
  return Object.assign(shared, { risk });
}
