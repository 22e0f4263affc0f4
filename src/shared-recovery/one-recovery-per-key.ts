import { fn, positiveMs } from '../config/schema-helpers.js';
import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { HealingConfigError, isCircuitOpenError, messageOf, toError } from '../errors.js';
import { executionOf } from '../pipeline/custom-strategies.js';
import { boundsOwnWaits, checkPlanOptions, type CheckedStrategy, type HealingStrategy, type Outcome, type StrategyContext } from '../pipeline/strategy.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';
import { RecoveryFlights, runRecovery, type RecoveryEnd } from './recovery-flights.js';

/** A failed outcome: what `recover` and `when` are given. */
type Failure = Extract<Outcome, { ok: false }>;

/**
 * @internal Hooks of the library's own strategies built on this one (`restart`): `guard` is
 * asked before a qualifying failure recovers or waits (false: return the failure as it is);
 * `ran` is told when this execution starts the recovery.
 */
export const recoveryHooks: unique symbol = Symbol('self-healing.recoveryHooks');

/** @internal */
export interface RecoveryHooks<A> {
  guard?(ctx: StrategyContext<A>, failure: Failure): boolean | Promise<boolean>;
  ran?(ctx: StrategyContext<A>, failure: Failure): void;
  /** The options the caller wrote, named in errors (`restart`: its `key` is `restart.key`). Default `'oneRecoveryPerKey'`. */
  root?: string;
}

/**
 * Options of {@link oneRecoveryPerKey}.
 * @example
 * ```ts
 * const options: Parameters<typeof oneRecoveryPerKey>[0] = { recover: () => tool.restart(), timeoutMs: 10_000 };
 * ```
 * @inline
 */
interface OneRecoveryPerKeyOptions<A> {
  /**
   * Runs the recovery (restart a process, reconnect a pool, reload a config), once per key for
   * all the executions failing on it. `failure` is the first one's; `signal` aborts at
   * `timeoutMs` (never because a caller aborted: the recovery is shared).
   */
  recover(failure: Failure, info: { readonly key: string; readonly args: A; readonly signal: AbortSignal }): void | PromiseLike<void>;
  /** What the executions share a recovery on. Default: the pipeline's `circuitName` (a pipeline without one is refused). */
  key?: (ctx: StrategyContext<A>) => string;
  /** Which failures call for the recovery. Default: all but refusals of the open circuit (`CircuitOpenError`). */
  when?: (failure: Failure) => boolean;
  /** How long the recovery may take before it counts as failed and the key is free again. Default 30 000 ms. */
  timeoutMs?: number;
  /** The strategy's name (in errors and the give-up detail). Default `'one-recovery-per-key'`. */
  name?: string;
  /** The `kind` of the actions it records. Default `'recovery'`. */
  kind?: string;
  /** `'attempt'` (the default): recover between attempts. `'execution'`: after the whole retry loop failed. */
  placement?: 'attempt' | 'execution';
  /**
   * Whether a successful recovery closes the pipeline's circuit (`reset()`), which may have
   * opened on the very failures it fixed: the retries would be refused otherwise. Default `true`
   * without `key` (the key is the circuit), `false` with one.
   */
  closeCircuit?: boolean;
}

const optionsSchema = z.strictObject({
  recover: fn('a function recover(failure, { key, args, signal }) that restarts or reconfigures'),
  key: fn('a function key(ctx) returning the key to share the recovery on').optional(),
  when: fn('a function when(failure) returning whether the failure calls for the recovery').optional(),
  timeoutMs: positiveMs.optional(),
  name: z.string().min(1).max(200).optional(),
  kind: z.string().min(1).max(100).optional(),
  placement: z.enum(['attempt', 'execution']).optional(),
  closeCircuit: z.boolean().optional(),
}, { error: 'expected options { recover, key?, when?, timeoutMs?, name?, kind?, placement?, closeCircuit? }' });

/**
 * A strategy under which concurrent executions failing on the same key share one recovery: the
 * first failure runs `recover`, every other failure on that key while it runs waits for that
 * same recovery, each wait bounded by its own caller's signal and `deadlineMs`; then each
 * retries (`next()`: one more attempt, or the whole retry loop with `placement: 'execution'`).
 * A hundred calls failing because a tool process died restart it once, not a hundred times.
 *
 * - **Who recovers.** A failure joins the recovery in flight on its key. Without one, it starts
 *   a new one, unless a recovery of the key succeeded after its attempt started: that attempt
 *   ran against the state before the fix, so it is retried without a new recovery. An attempt
 *   started after the last recovery finished that fails again starts a new one: nothing of a
 *   finished recovery is shared.
 * - **What is recorded.** Each execution records one action of `kind` (default `'recovery'`):
 *   `reason: 'ran'` (it started the recovery), `'waited'` (it joined one) or `'recovered'` (one
 *   had succeeded meanwhile); then, if the recovery failed, one with `reason: 'failed'`.
 * - **A caller's abort or deadline** ends that caller's wait at once (the result's error is the
 *   abort reason; give-up `'aborted'` or `'deadline'`) and fn is not called again for it. The
 *   recovery goes on for the others, even when the aborted caller started it.
 * - **A failed recovery** (it threw, rejected or passed `timeoutMs`) fails every execution that
 *   waited for it: healing stops (give-up `'stopped'`, the recovery's message in the detail),
 *   the result's error stays the call's failure; rollback and fallbacks still run.
 * - **The circuit.** The failures count against the pipeline's breaker as usual and may open it;
 *   with the default key (the circuit) a successful recovery closes it (`closeCircuit`), so the
 *   retries are not refused. Refusals of an open circuit never start a recovery (see `when`).
 * - **Per `execute`, one recovery.** With `placement: 'attempt'` the retry loop calls it once
 *   per attempt, so at most `retry.maxAttempts` recoveries per execution.
 *
 * Share the returned object between the pipelines that should share recoveries: the table of
 * keys lives in it. Its entry for a key is deleted once no execution runs on the key and no
 * recovery of it is in flight. Its `recovering(key)` says whether a recovery of `key` is in
 * flight now (for a status page).
 *
 * @throws {HealingConfigError} for bad options, and when a pipeline is built with the strategy
 * but neither `key` nor `circuitName`.
 * @example
 * ```ts
 * const restartOnce = oneRecoveryPerKey({ recover: () => toolProcess.restart() });
 * const tool = new HealingPipeline({ circuitName: 'tool', strategies: [restartOnce] });
 * const results = await Promise.all(prompts.map((prompt) => tool.execute(callTool, prompt)));
 * ```
 */
export function oneRecoveryPerKey<A = any, R = any>(
  options: OneRecoveryPerKeyOptions<A>,
): HealingStrategy<A, R> & { recovering(key: string): boolean } {
  const hooks = (options as { [recoveryHooks]?: RecoveryHooks<A> })?.[recoveryHooks];
  const valid = parseWith(optionsSchema, options, 'oneRecoveryPerKey') as OneRecoveryPerKeyOptions<A>;
  const { recover, key, when } = valid;
  const name = valid.name ?? 'one-recovery-per-key';
  const kind = valid.kind ?? 'recovery';
  const timeoutMs = valid.timeoutMs ?? 30_000;
  const closeCircuit = valid.closeCircuit ?? key === undefined;
  const flights = new RecoveryFlights();
  const keyOption = `${hooks?.root ?? 'oneRecoveryPerKey'}.key`;
  const qualifies = when ?? ((failure: Failure) => !isCircuitOpenError(failure.error));

  const strategy: HealingStrategy<A, R> & { recovering(key: string): boolean } & CheckedStrategy = {
    name,
    placement: valid.placement ?? 'attempt',
    recovering: (of) => flights.recovering(of),
    [boundsOwnWaits]: true, // the wait for the recovery, and the guard's escalation, are bounded where they are
    [checkPlanOptions](planOptions: { readonly circuitName?: string | undefined }, option: string) {
      if (key === undefined && planOptions.circuitName === undefined) {
        throw new HealingConfigError(option, `oneRecoveryPerKey "${name}" has no key to share recoveries on: ` +
          'set circuitName on the pipeline, or give oneRecoveryPerKey({ key: (ctx) => ... })');
      }
    },
    async execute(ctx, next) {
      const run = executionOf(ctx);
      if (run === undefined) {
        throw new HealingConfigError('strategies', `oneRecoveryPerKey "${name}" runs only inside a pipeline: pass it in the strategies option`);
      }
      const on = key === undefined ? run.plan.circuitName! : keyOf(key, ctx, keyOption);
      if (typeof on !== 'string') {
        // A bug in the key function, not a failure to heal: fn is not called, nothing retries it.
        ctx.stop(on.message);
        return { ok: false, error: on, classification: ctx.classify(on) };
      }
      const epoch = flights.enter(on);
      try {
        const outcome = await next();
        if (outcome.ok || ctx.signal.aborted || !qualifies(outcome)) return outcome;
        const failure = outcome;
        // Only an execution that would start the recovery asks: one that joins a recovery in flight
        // (or finds one done) does not add to what the recovery risks.
        if (hooks?.guard !== undefined && flights.wouldRun(on, epoch) && !(await hooks.guard(ctx, failure))) return outcome;
        const step = flights.onFailure(on, epoch, (keepAlive) =>
          runRecovery((signal) => recover(failure, { key: on, args: ctx.args, signal }), ctx.clock, timeoutMs, `the recovery of "${on}"`, keepAlive)
            .then((end) => {
              // Before any waiter resumes, so no retry meets the circuit the failures opened.
              if (!end.ok || !closeCircuit) return end;
              try {
                run.breaker?.reset();
              } catch {
                // An external breaker that cannot reset: it half-opens after its break, as without closeCircuit.
              }
              return end;
            }));
        // The failure's category and severity on every action, as the other recovery steps carry them.
        const { category, severity } = failure.classification;
        if (step.step === 'recovered') {
          ctx.record({ kind, reason: 'recovered', category, severity, detail: `"${on}" was recovered while this attempt ran: retrying without a new recovery` });
          return next();
        }
        if (step.step === 'run') hooks?.ran?.(ctx, failure);
        // Recorded before the wait: after an abort or the deadline the execution may be over.
        ctx.record(step.step === 'run'
          ? { kind, reason: 'ran', category, severity, detail: `running the recovery of "${on}" for the executions failing on it` }
          : { kind, reason: 'waited', category, severity, detail: `waiting for the recovery of "${on}" another execution started` });
        // This execution awaits the recovery: its time limit keeps the process alive until the
        // wait ends (released at once when the caller aborts, so an abandoned one does not).
        const release = step.keepAlive.hold();
        let end: RecoveryEnd | typeof ABANDONED;
        try {
          end = await boundedWait(run, `the recovery of "${on}"`, step.flight);
        } finally {
          release();
        }
        // Abandoned: the caller aborted or the deadline passed; the execution is stopped (and on
        // abort its error becomes the abort reason). The recovery goes on for the others.
        if (end === ABANDONED) return outcome;
        if (!end.ok) {
          const detail = `the recovery of "${on}" failed: ${run.redact(messageOf(end.error))}`;
          ctx.record({ kind, reason: 'failed', succeeded: false, category, severity, detail });
          ctx.stop(detail);
          return outcome;
        }
        return next();
      } finally {
        flights.leave(on);
      }
    },
  };
  return strategy;
}

/** The key `key` gives for `ctx`, or the error (naming `option`, the key the caller wrote) saying why it gave none. */
function keyOf<A>(key: (ctx: StrategyContext<A>) => string, ctx: StrategyContext<A>, option: string): string | Error {
  let on: unknown;
  try {
    on = key(ctx);
  } catch (thrown) {
    return new HealingConfigError(option, `key(ctx) threw: ${messageOf(toError(thrown))}`, { cause: thrown });
  }
  if (typeof on === 'string' && on !== '') return on;
  return new HealingConfigError(option, `expected key(ctx) to return a non-empty string, got ${on === '' ? 'an empty string' : on === null ? 'null' : typeof on}`);
}
