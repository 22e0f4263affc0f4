import { circuitBreaker, ConsecutiveBreaker, ConstantBackoff, handleAll, retry, wrap } from 'cockatiel';
import pRetry from 'p-retry';
import { check, measure } from '../harness.js';
import type { BenchSettings, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry, HealingPipeline } = lib;

/** A transient failure, built fresh for every failing call as a real one would be. */
function unavailable(): Error {
  return Object.assign(new Error('Service Unavailable'), { status: 503 });
}

/** A fresh fn per op: its first call rejects with a 503, its second resolves. */
function failsOnce(): () => Promise<number> {
  let calls = 0;
  return async () => {
    if (calls++ === 0) throw unavailable();
    return 1;
  };
}

/** The hand-written equivalent every library is compared with: try, and on failure try again. */
async function bareRetry(): Promise<number> {
  const fn = failsOnce();
  try {
    return await fn();
  } catch {
    return fn();
  }
}

/** Scenario 2: a call that fails once with a transient error, then succeeds; no waiting. */
export async function failurePath(settings: BenchSettings): Promise<ScenarioResult> {
  const pipeline = new HealingPipeline({
    circuitName: 'bench-failure',
    registry: new CircuitBreakerRegistry(),
    retry: { maxAttempts: 3, minDelayMs: 0 },
    fallback: () => 0,
  });
  const cockatiel = wrap(
    retry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(0) }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  );

  const ours = await pipeline.execute(failsOnce(), undefined);
  check(ours.status === 'ok' && ours.attempts === 2 && ours.result === 1, 'HealingPipeline did not heal fail-then-succeed by one retry');
  check((await cockatiel.execute(failsOnce())) === 1, 'cockatiel did not retry');
  check((await pRetry(failsOnce(), { retries: 2, minTimeout: 0 })) === 1, 'p-retry did not retry');

  const rows = await measure([
    { id: 'bare', label: 'bare try { await fn() } catch { await fn() }', run: bareRetry },
    { id: 'ours', label: 'self-healing HealingPipeline.execute', run: () => pipeline.execute(failsOnce(), undefined) },
    { id: 'cockatiel', label: 'cockatiel wrap(retry, circuitBreaker).execute', run: () => cockatiel.execute(failsOnce()) },
    { id: 'p-retry', label: 'p-retry pRetry(fn, {retries: 2, minTimeout: 0})', run: () => pRetry(failsOnce(), { retries: 2, minTimeout: 0 }) },
  ], settings);
  return {
    id: 'failure',
    title: '2. Failure path (503 once, then success; all delays 0)',
    unit: 'ns/op',
    baselineId: 'bare',
    referenceId: 'cockatiel',
    rows,
    notes: [
      'Every op builds a fresh fn and a fresh Error (with stack) for the first call; the bare row pays that too.',
      'cockatiel waits with setTimeout even for a 0 ms backoff, so each of its ops includes one timer turn of the event loop (~1 ms); p-retry and self-healing skip the timer for 0 ms.',
      'opossum has no retry, so it is not in this scenario.',
    ],
  };
}
