import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, CircuitOpenError, executeWithHealing, HealingPipeline } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup(config = { failureThreshold: 2, breakDurationMs: 10_000 }) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  const breaker = registry.get('api', config);
  return { clock, registry, breaker };
}

describe('executions through a named circuit', () => {
  it('counts each failed attempt against the breaker and opens it', async () => {
    const { registry, breaker } = setup({ failureThreshold: 3, breakDurationMs: 10_000 });
    const fn = failing([networkError(), networkError(), networkError()], 'ok');
    const result = await executeWithHealing(fn, {}, { circuitName: 'api', registry, retry: { maxAttempts: 3, minDelayMs: 0 } });
    expect(result.status).toBe('error');
    expect(breaker.state).toBe('OPEN');
    expect(result.circuitBreakerTriggered).toBe(false); // it opened, but refused nothing in this execution
  });

  it('refuses attempts while open without calling fn, with a CircuitOpenError', async () => {
    const { registry, breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    const fn = failing([], 'ok');
    const result = await executeWithHealing(fn, {}, { circuitName: 'api', registry });
    expect(fn.calls).toHaveLength(0);
    expect(result.status).toBe('error');
    expect(result.attempts).toBe(0);
    expect(result.circuitBreakerTriggered).toBe(true);
    expect(result.error).toBeInstanceOf(CircuitOpenError);
    expect((result.error as CircuitOpenError).retryAfterMs).toBe(10_000);
    expect(result.healingActions.map((a) => [a.kind, a.circuit, a.attempt])).toEqual([['circuit_open', 'api', 1], ['give_up', 'api', 1]]);
    expect(result.healingActions.at(-1)!.reason).toBe('circuit_open');
  });

  it('tells each refusal its own circuit, attempt and wait, however refusals of different circuits alternate', async () => {
    const { clock, registry, breaker } = setup();
    const db = registry.get('db', { failureThreshold: 1, breakDurationMs: 30_000 });
    breaker.recordFailure();
    breaker.recordFailure();
    db.recordFailure();
    const seen: unknown[] = [];
    for (const circuitName of ['api', 'db', 'api', 'db']) {
      const result = await executeWithHealing(async () => 'ok', {}, { circuitName, registry });
      const error = result.status === 'error' ? (result.error as CircuitOpenError) : undefined;
      seen.push([error?.circuit, error?.retryAfterMs, ...result.healingActions.map((a) => a.detail)]);
      await clock.advance(1_000);
    }
    expect(seen).toEqual([
      ['api', 10_000, 'circuit "api" (OPEN) refused attempt 1 without calling fn', 'circuit_open: circuit "api" refused the call'],
      ['db', 29_000, 'circuit "db" (OPEN) refused attempt 1 without calling fn', 'circuit_open: circuit "db" refused the call'],
      ['api', 8_000, 'circuit "api" (OPEN) refused attempt 1 without calling fn', 'circuit_open: circuit "api" refused the call'],
      ['db', 27_000, 'circuit "db" (OPEN) refused attempt 1 without calling fn', 'circuit_open: circuit "db" refused the call'],
    ]);
    // A refusal later in an execution names its own attempt: the probe (attempt 1) fails and opens it again.
    await clock.advance(10_000);
    const later = await executeWithHealing(failing([networkError(), networkError()], 'ok'), {}, {
      circuitName: 'api', registry, retry: { maxAttempts: 4, minDelayMs: 0 },
    });
    expect(later.healingActions.find((a) => a.kind === 'circuit_open')!.detail).toBe('circuit "api" (OPEN) refused attempt 2 without calling fn');
  });

  it('stops retrying when the circuit opens mid-execution, then falls back', async () => {
    const { registry } = setup();
    const fn = failing([networkError(), networkError(), networkError()], 'ok');
    const result = await executeWithHealing(fn, {}, {
      circuitName: 'api', registry, retry: { maxAttempts: 5, minDelayMs: 0 }, fallback: () => 'cached',
    });
    expect(fn.calls).toHaveLength(2);
    expect(result).toMatchObject({ status: 'ok', result: 'cached', healed: true, circuitBreakerTriggered: true });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'retry', 'circuit_open', 'fallback']);
  });

  it('does not count permanent or recoverable failures against the breaker', async () => {
    const { registry, breaker } = setup();
    for (let i = 0; i < 5; i++) {
      await executeWithHealing(failing([httpError(404)], 1), {}, { circuitName: 'api', registry });
      await executeWithHealing(failing([httpError(422)], 1), {}, { circuitName: 'api', registry });
    }
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().consecutiveFailures).toBe(0);
  });

  it('lets one probe through after breakDurationMs and closes on its success', async () => {
    const { clock, registry, breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    await clock.advance(10_000);
    expect(breaker.state).toBe('HALF_OPEN');
    const result = await executeWithHealing(async () => 'recovered', {}, { circuitName: 'api', registry });
    expect(result).toMatchObject({ status: 'ok', result: 'recovered', circuitBreakerTriggered: false });
    expect(breaker.state).toBe('CLOSED');
  });

  it('re-opens when the half-open probe fails', async () => {
    const { clock, registry, breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    await clock.advance(10_000);
    const result = await executeWithHealing(failing([httpError(503), httpError(503)], 1), {}, {
      circuitName: 'api', registry, retry: { minDelayMs: 0 },
    });
    expect(breaker.state).toBe('OPEN');
    expect(result.attempts).toBe(1);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'circuit_open', 'give_up']);
  });

  it('frees the probe slot when the probe fails with an error that does not count', async () => {
    const { clock, registry, breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    await clock.advance(10_000);
    await executeWithHealing(failing([httpError(404)], 1), {}, { circuitName: 'api', registry });
    expect(breaker.state).toBe('HALF_OPEN');
    const result = await executeWithHealing(async () => 'next probe', {}, { circuitName: 'api', registry });
    expect(result.status).toBe('ok');
    expect(breaker.state).toBe('CLOSED');
  });

  it('frees the probe slot when the caller aborts the probe', async () => {
    const { clock, registry, breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    await clock.advance(10_000);
    const controller = new AbortController();
    const pending = executeWithHealing(() => new Promise(() => {}), {}, { circuitName: 'api', registry, signal: controller.signal });
    controller.abort();
    await pending;
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.canExecute()).toBe(true);
  });

  it('creates the named breaker on first use in the given registry', async () => {
    const registry = new CircuitBreakerRegistry();
    const pipeline = new HealingPipeline({ circuitName: 'lazy', registry });
    await pipeline.execute(() => 1, {});
    expect(registry.has('lazy')).toBe(true);
    expect(registry.get('lazy').stats().successes).toBe(1);
  });
});
