import type { CircuitBreaker } from '../circuit/circuit-breaker.js';
import { AttemptTimeoutError, CircuitOpenError } from '../errors.js';
import { AttemptContextImpl, raceWithSignal } from './attempt-context.js';
import type { Execution } from './execution.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * One attempt: through the circuit breaker (if named), under the per-attempt timeout (if set),
 * into the user's function. Resolves `true` on success; on failure the error is on `run`.
 */
export async function runAttempt(run: Execution): Promise<boolean> {
  const breaker = run.breaker;
  if (breaker !== undefined && !breaker.canExecute()) return refuse(run, breaker);
  run.refused = false;
  const ok = await invoke(run);
  if (breaker !== undefined) settleBreaker(run, breaker, ok);
  return ok;
}

async function invoke(run: Execution): Promise<boolean> {
  const { plan } = run;
  const ctx = new AttemptContextImpl(++run.attempts, plan.signal);
  if (plan.timeoutMs !== undefined) ctx.startTimeout(plan.clock, plan.timeoutMs);
  try {
    let value = run.fn(run.args, ctx);
    if (isThenable(value)) value = await (ctx.abortable ? raceWithSignal(value, ctx.signal) : value);
    run.value = value;
    return true;
  } catch (thrown) {
    run.fail(thrown);
    if (thrown instanceof AttemptTimeoutError) {
      run.record({
        kind: 'timeout',
        attempt: run.attempts,
        category: 'timeout',
        detail: `attempt ${run.attempts} passed its ${thrown.timeoutMs} ms limit and was abandoned`,
      });
    }
    return false;
  } finally {
    ctx.dispose();
  }
}

function refuse(run: Execution, breaker: CircuitBreaker): false {
  run.refused = true;
  run.circuitTriggered = true;
  run.fail(CircuitOpenError.create(breaker.name, breaker.remainingOpenMs()));
  run.record({
    kind: 'circuit_open',
    attempt: run.attempts + 1,
    category: 'circuit_open',
    detail: `circuit "${breaker.name}" is ${breaker.state === 'OPEN' ? 'open' : 'half-open with its probes taken'}: attempt ${run.attempts + 1} was refused without calling fn`,
  });
  return false;
}

/** Only transient failures say the dependency is unhealthy; other outcomes just free the slot. */
function settleBreaker(run: Execution, breaker: CircuitBreaker, ok: boolean): void {
  if (ok) breaker.recordSuccess();
  else if (run.plan.signal?.aborted !== true && run.classify().disposition === 'transient') breaker.recordFailure(run.error);
  else breaker.release();
}
