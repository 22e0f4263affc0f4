import type { Classification } from '../classify/classification.js';
import { AttemptTimeoutError, toError } from '../errors.js';
import { isThenable } from '../core/guards.js';
import { raceWithSignal } from '../timeout/attempt-context.js';
import { ABANDONED, boundedWait } from '../timeout/bounded-wait.js';
import type { Execution } from './execution.js';
import type { AroundStrategy, Step } from './step.js';
import { boundsOwnWaits, type CheckedStrategy, type HealingStrategy, type NextStrategy, type Outcome, type StrategyAction, type StrategyContext } from './strategy.js';

/** Given to strategies when the caller passed no signal: it never aborts. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * A user's {@link HealingStrategy} as a step of the compiled pipeline (`compile.ts` places
 * `'execution'` ones around the retry loop and `'attempt'` ones around each attempt). Its `next`
 * runs the steps inside it and hands back their outcome as a value.
 */
export function asPipelineStrategy(strategy: HealingStrategy): AroundStrategy {
  return { name: strategy.name, run: (run, inner) => runStrategy(run, strategy, inner) };
}

/** What a strategy's `next` and context may still do: nothing once its `execute` is over. */
interface StrategyTurn {
  /** `execute` returned (or its wait was abandoned): a late `next()` calls nothing, a late `record` is dropped. */
  ended: boolean;
}

function runStrategy(run: Execution, strategy: HealingStrategy, inner: Step): Promise<boolean> {
  /** The rest of the pipeline while a `next()` runs it: bounded by the same signal and deadline. */
  let running: Promise<Outcome> | undefined;
  let busy = false;
  const turn: StrategyTurn = { ended: false };
  const next: NextStrategy = (args) => {
    // One execution holds one attempt's state (its context, its timer, its error): two at once
    // would end each other's, and a hang would then be bounded by nothing. Hedging is built in.
    if (busy) return Promise.resolve(misuse(run, strategy, 'called next() while its last next() was still running: await each next() before the next one (for two calls at once, use the hedge option)'));
    if (turn.ended && run.signal?.aborted !== true && !run.pastDeadline()) {
      return Promise.resolve(misuse(run, strategy, 'called next() after its execute() had returned: the execution is over'));
    }
    busy = true;
    running = runRest(args).finally(() => { busy = false; });
    return running;
  };
  const runRest = async (args: unknown): Promise<Outcome> => {
    const signal = run.signal;
    // After an abort nothing new starts: fn is not called again, whatever the strategy asks.
    if (signal?.aborted === true) {
      run.fail(signal.reason);
      run.stop('aborted', 'the caller aborted');
      return outcomeOf(run, false);
    }
    // Nor after the deadline: the strategy may ask again once its wait was abandoned.
    if (run.pastDeadline()) {
      const deadlineMs = run.plan.deadlineMs!;
      const timeout = AttemptTimeoutError.create(deadlineMs);
      if (run.error === undefined) run.fail(timeout); // the result always has its error
      run.stop('deadline', `deadlineMs (${deadlineMs} ms) is spent`);
      return { ok: false, error: timeout, classification: run.classifyOther(timeout) };
    }
    if (args !== undefined) run.args = args;
    // Asking for the rest again means healing goes on: an earlier stop (exhausted, permanent) is superseded.
    run.resume();
    return outcomeOf(run, await inner(run));
  };
  return superviseStrategy(run, strategy, next, turn, () => running);
}

/** A failed outcome for a misuse of `next()`, which touches nothing of the execution. */
function misuse(run: Execution, strategy: HealingStrategy, what: string): Outcome {
  const error = new TypeError(`strategy "${strategy.name}" ${what}`);
  return { ok: false, error, classification: run.classifyOther(error) };
}

/** Runs the strategy's `execute` under the waiting rule, and takes its outcome; its turn ends with it. */
async function superviseStrategy(
  run: Execution, strategy: HealingStrategy, next: NextStrategy, turn: StrategyTurn, running: () => Promise<Outcome> | undefined,
): Promise<boolean> {
  try {
    let outcome: Outcome | typeof ABANDONED;
    try {
      // A strategy is user code: the caller's abort and the deadline end the wait for it, as for fn.
      // The library's own bound each of their waits themselves (and say which one the deadline cut).
      const returned = strategy.execute(new Context(run, strategy, turn), next);
      const waited = (strategy as CheckedStrategy)[boundsOwnWaits] === true
        ? (run.signal === undefined || !isThenable(returned) ? returned : raceWithSignal(returned, run.signal))
        : boundedWait(run, `strategy "${strategy.name}"`, returned);
      outcome = isThenable(waited) ? await waited : waited;
    } catch (thrown) {
      run.fail(thrown);
      if (run.signal?.aborted === true) run.stop('aborted', 'the caller aborted');
      return false;
    }
    if (outcome === ABANDONED) {
      // Stopped as aborted or deadline. A `next()` the strategy is waiting for ends at the same
      // moment (the attempt it runs is cut by the same deadline): let it, so that its actions come
      // before the give-up and its failure is the error, not a wait that was only cut first.
      const pending = running();
      if (pending !== undefined) await pending.then(undefined, () => undefined);
      return false;
    }
    return adopt(run, strategy, outcome);
  } finally {
    turn.ended = true;
  }
}

/** The execution's state as the outcome a strategy sees. */
function outcomeOf(run: Execution, ok: boolean): Outcome {
  return ok ? { ok: true, value: run.value } : { ok: false, error: run.error!, classification: run.classify() };
}

/** Takes a strategy's outcome as the execution's; anything but an outcome is a misuse, reported as a failure. */
function adopt(run: Execution, strategy: HealingStrategy, outcome: Outcome): boolean {
  if (outcome === null || typeof outcome !== 'object' || typeof outcome.ok !== 'boolean') {
    run.fail(new TypeError(`strategy "${strategy.name}" returned ${outcome === null ? 'null' : typeof outcome}, not an outcome: return what next() resolved, or { ok: true, value }`));
    run.stop('stopped', `strategy "${strategy.name}" returned no outcome`);
    return false;
  }
  if (outcome.ok) {
    run.value = outcome.value;
    return true;
  }
  // The same error keeps its memoised classification; a new one is classified afresh.
  if (outcome.error !== run.error) run.fail(outcome.error);
  return false;
}

/**
 * The execution a pipeline-made context belongs to, for the library's own strategies
 * (`oneRecoveryPerKey` waits through `boundedWait`, which needs it); `undefined` for a context
 * built elsewhere (a test double).
 */
export function executionOf(ctx: StrategyContext): Execution | undefined {
  return Context.runOf(ctx);
}

class Context implements StrategyContext {
  readonly #run: Execution;
  readonly #strategy: HealingStrategy;
  readonly #turn: StrategyTurn;

  static runOf(ctx: object): Execution | undefined {
    return #run in ctx ? (ctx as Context).#run : undefined;
  }

  constructor(run: Execution, strategy: HealingStrategy, turn: StrategyTurn) {
    this.#run = run;
    this.#strategy = strategy;
    this.#turn = turn;
  }

  get args(): unknown { return this.#run.args; }
  get attempts(): number { return this.#run.attempts; }
  get signal(): AbortSignal { return this.#run.signal ?? NEVER_ABORTED; }
  get clock() { return this.#run.plan.clock; }
  get deadline(): number | undefined {
    const { deadlineMs } = this.#run.plan;
    return deadlineMs === undefined ? undefined : this.#run.startedAt + deadlineMs;
  }

  classify(error: unknown): Classification {
    return this.#run.classifyOther(toError(error));
  }

  record(action: StrategyAction): void {
    // After its turn the result may be out already: an action then would follow its give-up.
    if (this.#turn.ended) return;
    this.#run.record({ ...action, attempt: action.attempt ?? this.#run.attempts } as never);
  }

  stop(detail: string): void {
    if (this.#turn.ended) return;
    this.#run.stop('stopped', `strategy "${this.#strategy.name}": ${detail}`);
  }
}
