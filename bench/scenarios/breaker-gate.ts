import { check, measure } from '../harness.js';
import type { BenchSettings, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry } = lib;

/**
 * Scenario: the per-call cost of a closed breaker used by hand, `canExecute()` then
 * `recordSuccess()`, for each policy. cockatiel and opossum expose no synchronous gate (their
 * breakers only run through `execute` / `fire`, measured in scenario 1), so there is no peer row.
 */
export async function breakerGate(settings: BenchSettings): Promise<ScenarioResult> {
  const registry = new CircuitBreakerRegistry();
  const consecutive = registry.get('gate-consecutive');
  const count = registry.get('gate-count', { policy: { type: 'count', windowSize: 100, failureRateThreshold: 50 } });
  const time = registry.get('gate-time', { policy: { type: 'time', windowMs: 60_000, buckets: 10, failureRateThreshold: 50 } });
  const slow = registry.get('gate-slow', { slowCallMs: 1_000 });
  const gate = (breaker: typeof consecutive, durationMs?: number) => () => {
    if (breaker.canExecute()) breaker.recordSuccess(durationMs);
  };
  const rows = await measure([
    { id: 'consecutive', label: 'canExecute + recordSuccess, consecutive policy', run: gate(consecutive), sync: true },
    { id: 'count', label: 'canExecute + recordSuccess, count window (100)', run: gate(count), sync: true },
    { id: 'time', label: 'canExecute + recordSuccess, time window (60 s / 10)', run: gate(time), sync: true },
    { id: 'slow', label: 'canExecute + recordSuccess(durationMs), slow-call check', run: gate(slow, 5), sync: true },
  ], settings);
  for (const breaker of [consecutive, count, time, slow]) check(breaker.state === 'CLOSED', `${breaker.name} left CLOSED`);
  return {
    id: 'gate',
    title: '6. Closed breaker used by hand, per call',
    unit: 'ns/op',
    rows,
    notes: ['Synchronous; no await. The window policies read the clock once per recorded outcome.'],
  };
}
