import { circuitBreaker, ConsecutiveBreaker, handleAll, retry, timeout, TimeoutStrategy, wrap } from 'cockatiel';
import CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import type { HealingOptions } from '../../src/index.js';
import { check, measure } from '../harness.js';
import { bareWithLiteral, callMinimalWithLiteral, callWithLiteral, callWithLiteralOfNextSite } from './inline-literal.mjs';
import { MinimalContext, MinimalWrapper, minimalFunction, minimalLiteral } from './hand-written.mjs';
import type { BenchSettings, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry, executeWithHealing, HealingPipeline } = lib;

/** The call every library wraps: resolves at once (it takes args and a context, as ours get them). */
const fn = async (_args?: unknown, _ctx?: unknown): Promise<number> => 1;

/**
 * The least any wrapper that reports a `durationMs` does for a call that succeeds at once: two
 * clock readings, one await of fn (given a context), and the result object. No breaker, no
 * retry, no options: what is left of a target once this is paid is what a design has for those.
 */
async function floor(): Promise<unknown> {
  const startedAt = Date.now();
  const value = await fn();
  return { status: 'ok', result: value, attempts: 1, healed: false, healingActions: [], circuitBreakerTriggered: false, args: undefined, durationMs: Date.now() - startedAt };
}

/**
 * The floor plus what every call through a named circuit must do whatever the design: ask the
 * breaker (ours) for permission, give fn a context, record the success. What a target leaves
 * over this is all a design has for finding the plan of its options and everything else.
 */
function minimalWith(breaker: { canExecute(): boolean; recordSuccess(): void }): () => Promise<unknown> {
  return async () => {
    const startedAt = Date.now();
    if (!breaker.canExecute()) throw new Error('the minimal wrapper\'s breaker refused');
    const value = await fn(undefined, new MinimalContext(1));
    breaker.recordSuccess();
    return { status: 'ok', result: value, attempts: 1, healed: false, healingActions: [], circuitBreakerTriggered: false, args: undefined, durationMs: Date.now() - startedAt };
  };
}

/** Scenario 1: the cost of wrapping a call that succeeds first time. */
export async function happyPath(settings: BenchSettings): Promise<ScenarioResult> {
  const pipeline = new HealingPipeline({
    circuitName: 'bench-happy',
    registry: new CircuitBreakerRegistry(),
    retry: { maxAttempts: 3 },
    fallback: () => 0,
  });
  const defaultsOptions: HealingOptions = {
    circuitName: 'bench-happy-default',
    registry: new CircuitBreakerRegistry(),
    retry: { maxAttempts: 3 },
    fallback: () => 0,
  };
  const inlineRegistry = new CircuitBreakerRegistry();
  // The recovery options of issue 5, configured but idle on a call that succeeds at once.
  const recovery = new HealingPipeline({
    circuitName: 'bench-happy-recovery',
    registry: new CircuitBreakerRegistry(),
    retry: { maxAttempts: 3 },
    retryBudget: { ratio: 0.1 },
    bulkhead: { maxConcurrent: 1_000 },
    deadlineMs: 60_000,
    fallback: { name: 'cache', lastGood: { ttlMs: 60_000 } },
  });
  const cockatiel = wrap(
    retry(handleAll, { maxAttempts: 2 }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  );
  // The README's quick start: a time limit per attempt (a timer, and fn's signal if it reads it).
  const timedOptions: HealingOptions = { circuitName: 'bench-happy-timed', registry: new CircuitBreakerRegistry(), timeoutMs: 2_000, fallback: () => 0 };
  const cockatielTimed = wrap(
    timeout(2_000, TimeoutStrategy.Cooperative),
    retry(handleAll, { maxAttempts: 2 }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  );
  const opossum = new CircuitBreaker(fn);

  const ours = await pipeline.execute(fn, undefined);
  check(ours.status === 'ok' && ours.attempts === 1 && !ours.healed, 'HealingPipeline happy path did not succeed first time');
  const withRecovery = await recovery.execute(fn, undefined);
  check(withRecovery.status === 'ok' && withRecovery.attempts === 1 && !withRecovery.healed, 'the pipeline with recovery options did not succeed first time');

  const minimal = minimalWith(new CircuitBreakerRegistry().get('bench-happy-minimal'));
  check(((await minimal()) as { result: unknown }).result === 1, 'the minimal wrapper did not return the result');
  const minimalWrapper = new MinimalWrapper(new CircuitBreakerRegistry().get('bench-happy-minimal-method'));
  check(((await minimalWrapper.execute(fn, undefined)) as { result: unknown }).result === 1, 'the minimal wrapper\'s method did not return the result');
  const minimalOptions = { circuitName: 'bench-happy-minimal-function', retry: { maxAttempts: 3 }, fallback: () => 0 };
  check(((await minimalFunction(minimalWrapper, fn, undefined, minimalOptions)) as { result: unknown }).result === 1, 'the minimal function did not return the result');
  const literalWrapper = new MinimalWrapper(new CircuitBreakerRegistry().get('bench-happy-minimal-literal'));
  const literalRegistry = new CircuitBreakerRegistry();
  literalWrapper.accept('bench-happy-minimal-literal', literalRegistry, 3);
  check(((await callMinimalWithLiteral(minimalLiteral, literalWrapper, fn, literalRegistry)) as { result: unknown }).result === 1, 'the minimal wrapper did not accept the literal');

  try {
    const rows = await measure([
      { id: 'bare', label: 'bare await fn()', run: () => fn() },
      { id: 'bare-literal', label: 'bare await fn(), after making the options literal (the caller\'s share)', run: () => bareWithLiteral(fn, inlineRegistry) },
      { id: 'floor', label: 'floor: two clock readings, one await, a result (hand-written)', run: floor },
      { id: 'minimal', label: 'minimal: the floor + a breaker\'s permission and success + fn\'s context (hand-written)', run: minimal },
      { id: 'minimal-method', label: 'minimal as a method: the same, on an object holding its breaker, given fn and args (hand-written)', run: () => minimalWrapper.execute(fn, undefined) },
      { id: 'minimal-function', label: 'minimal behind a function given options: the method + the environment and last-options checks (hand-written)', run: () => minimalFunction(minimalWrapper, fn, undefined, minimalOptions) },
      { id: 'minimal-literal', label: 'minimal given an options literal in every call, checked by code for its shape (hand-written)', run: () => callMinimalWithLiteral(minimalLiteral, literalWrapper, fn, literalRegistry) },
      { id: 'ours', label: 'self-healing HealingPipeline.execute', run: () => pipeline.execute(fn, undefined) },
      { id: 'ours-recovery', label: 'self-healing execute + retryBudget, bulkhead, deadlineMs, lastGood', run: () => recovery.execute(fn, undefined) },
      { id: 'ours-ewh', label: 'self-healing executeWithHealing (same options object)', run: () => executeWithHealing(fn, undefined, defaultsOptions) },
      // As the README writes it: a new options literal in every call (a new fallback closure too).
      { id: 'ours-inline', label: 'self-healing executeWithHealing (options literal in the call)', run: () => callWithLiteral(executeWithHealing, fn, inlineRegistry) },
      { id: 'ours-inline-sites', label: 'self-healing executeWithHealing (literals of 20 call sites in turn)', run: () => callWithLiteralOfNextSite(executeWithHealing, fn, inlineRegistry) },
      { id: 'cockatiel', label: 'cockatiel wrap(retry, circuitBreaker).execute', run: () => cockatiel.execute(fn) },
      { id: 'ours-timed', label: 'self-healing executeWithHealing + timeoutMs 2 s (the README quick start)', run: () => executeWithHealing(fn, undefined, timedOptions) },
      { id: 'cockatiel-timed', label: 'cockatiel wrap(timeout(2 s), retry, circuitBreaker).execute', run: () => cockatielTimed.execute(fn) },
      { id: 'opossum', label: 'opossum new CircuitBreaker(fn).fire()', run: () => opossum.fire() },
      { id: 'p-retry', label: 'p-retry pRetry(fn, {retries: 2})', run: () => pRetry(fn, { retries: 2 }) },
    ], settings);
    return {
      id: 'happy',
      title: '1. Happy path (fn resolves at once)',
      unit: 'ns/op',
      baselineId: 'bare',
      referenceId: 'cockatiel',
      rows,
      notes: [
        'ours: circuitName on its own registry, retry.maxAttempts 3, one fallback (not called).',
        'ours + recovery: the same, plus a retry budget (a deposit per call), a bulkhead slot, a deadline timer per attempt and a lastGood cache write per success.',
        'executeWithHealing (same options object) finds its plan in a one-slot cache; with a literal in the call, the options are matched against a template of the last accepted ones (no zod) and share their plan, the new fallback being the call\'s own.',
        'literals of 20 call sites: the same literal with one circuitName per call site, the sites called in turn, as an application\'s executeWithHealing calls share the default pipeline; each finds its own plan by its circuit.',
        'bare, after making the options literal: the allocations of the literal row that are the caller\'s (the options, the retry object, the fallback closure), with fn called bare; any library handed that literal pays them.',
        'The literal is written in plain JavaScript (bench/scenarios/inline-literal.mjs): tsx would wrap its arrow function in a keepNames __name() call, about 190 ns that compiled user code never pays.',
        'opossum runs with its defaults, which arm a 10 s timeout timer on every fire().',
        'the two timed rows arm a 2 s timer per attempt (compare them with each other): ours makes fn\'s AbortSignal only if fn reads it; cockatiel\'s cooperative timeout makes one per call.',
        'minimal: the floor, plus our breaker\'s canExecute() and recordSuccess() and a context object for fn (its signal made on first read): what any design pays for a call through a named circuit, before finding the plan of its options.',
        'minimal as a method: the minimal wrapper written as a library must write it, a method given fn and args that finds the breaker on its object; the minimal row\'s fn and breaker are constants V8 compiles into its code.',
        'minimal behind a function given options: the method behind executeWithHealing\'s two checks, that the environment is unchanged and that the options are the last ones; it bounds the reused-options target from below.',
        'minimal given a literal: the same function handed the README\'s literal in every call, which it checks against the last accepted values as strictly as a library must (a plain object, no unknown key, each value the accepted one or a function for the fallback) by code written for that one shape; it bounds the literal target from below.',
        'floor: what any wrapper that reports durationMs pays (Date.now() twice, one async step, the result object), with nothing else; it bounds every happy-path target from below.',
      ],
    };
  } finally {
    opossum.shutdown();
  }
}
