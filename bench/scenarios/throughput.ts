import { circuitBreaker, ConsecutiveBreaker, ConstantBackoff, handleAll, retry, wrap } from 'cockatiel';
import pRetry from 'p-retry';
import { check, measure } from '../harness.js';
import type { BenchSettings, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry, HealingPipeline } = lib;

/** One error, made once: the scenario measures the libraries, not the cost of building errors. */
const UNAVAILABLE = Object.assign(new Error('503 Service Unavailable'), { status: 503 });
const FAILURE_RATE = 0.3;

/** A deterministic 30 % of calls fail (a linear congruential sequence, the same for every candidate). */
let seed = 42;
function flaky(): Promise<number> {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff < FAILURE_RATE ? Promise.reject(UNAVAILABLE) : Promise.resolve(1);
}

/** What a hand-written loop needs to do the same job: up to 3 attempts, no wait. */
async function retryByHand(): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await flaky();
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Scenario 7: many executions in flight at once through one pipeline, 30 % transient failures, delays 0. */
export async function throughput(settings: BenchSettings): Promise<ScenarioResult> {
  const concurrency = settings.quick ? 1_000 : 10_000;
  const registry = new CircuitBreakerRegistry();
  // A rate-based breaker that 30 % failures do not trip: every execution runs.
  registry.get('bench-throughput', { policy: { type: 'count', windowSize: 100, failureRateThreshold: 60 } });
  const pipeline = new HealingPipeline({
    circuitName: 'bench-throughput',
    registry,
    retry: { maxAttempts: 3, minDelayMs: 0, jitter: 'none' },
  });
  const cockatiel = wrap(
    retry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(0) }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(1_000_000) }),
  );
  const wave = (call: () => Promise<unknown>) => async () => {
    const calls = new Array<Promise<unknown>>(concurrency);
    for (let i = 0; i < concurrency; i++) calls[i] = call();
    await Promise.allSettled(calls);
  };

  const results = await Promise.all(Array.from({ length: 1_000 }, () => pipeline.execute(flaky, undefined)));
  const ok = results.filter((r) => r.status === 'ok').length;
  check(ok > 950 && results.every((r) => r.attempts >= 1), `the pipeline healed only ${ok} of 1,000 executions`);

  const rows = await measure([
    { id: 'bare', label: `bare: ${concurrency.toLocaleString('en-US')} concurrent calls, failures not retried`, run: wave(flaky) },
    { id: 'by-hand', label: 'a hand-written loop: up to 3 attempts, no wait', run: wave(retryByHand) },
    { id: 'ours', label: 'self-healing HealingPipeline.execute (retry 3, rate breaker)', run: wave(() => pipeline.execute(flaky, undefined)) },
    { id: 'p-retry', label: 'p-retry pRetry(fn, {retries: 2, minTimeout: 0})', run: wave(() => pRetry(flaky, { retries: 2, minTimeout: 0 })) },
    { id: 'cockatiel', label: 'cockatiel wrap(retry(ConstantBackoff(0)), circuitBreaker)', run: wave(() => cockatiel.execute(flaky)) },
  ], { ...settings, batchMs: Math.max(settings.batchMs, 20) });
  // Per execution, not per wave.
  for (const row of rows) {
    row.value /= concurrency;
    row.min /= concurrency;
    row.max /= concurrency;
    row.note = `${concurrency.toLocaleString('en-US')} in flight`;
  }
  return {
    id: 'throughput',
    title: '8. Throughput: executions in flight at once, 30 % transient failures, delays 0',
    unit: 'ns/op',
    baselineId: 'bare',
    referenceId: 'cockatiel',
    rows,
    notes: [
      `${concurrency.toLocaleString('en-US')} executions started together and awaited with Promise.allSettled; ns per execution.`,
      'A failing call rejects with one shared error (no stack built per call), so the figures are the libraries\' own cost.',
      'Retries make 1.39 calls per execution on average (1 + 0.3 + 0.09): "bare" does less work than every other row.',
      'cockatiel\'s ConstantBackoff(0) still waits for a setTimeout(0) per retry.',
    ],
  };
}
