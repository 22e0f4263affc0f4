import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerRegistry, CircuitOpenError, executeWithHealing, type CircuitBreakerConfig, type Classification,
} from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup(config: CircuitBreakerConfig) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  const breaker = registry.get('api', config);
  const run = <R>(fn: (args: unknown) => Promise<R>) =>
    executeWithHealing(fn, {}, { circuitName: 'api', registry, retry: { maxAttempts: 1 } });
  return { clock, registry, breaker, run };
}

describe('which failures count, through a pipeline', () => {
  it('counts transient failures and not permanent ones by default', async () => {
    const { breaker, run } = setup({ failureThreshold: 2 });
    await run(failing([httpError(404)], 1));
    await run(failing([httpError(404)], 1));
    await run(failing([httpError(401)], 1));
    expect(breaker.stats()).toMatchObject({ state: 'CLOSED', consecutiveFailures: 0, failures: 0 });
    await run(failing([httpError(503)], 1));
    await run(failing([networkError()], 1));
    expect(breaker.state).toBe('OPEN');
  });

  it('counts 404s too when shouldTrip says so', async () => {
    const { breaker, run } = setup({
      failureThreshold: 2,
      shouldTrip: (_error, c) => c.disposition === 'transient' || c.category === 'not_found',
    });
    await run(failing([httpError(404)], 1));
    expect(breaker.stats().consecutiveFailures).toBe(1);
    await run(failing([httpError(404)], 1));
    expect(breaker.state).toBe('OPEN');
    const fn = failing([], 'ok');
    const refused = await run(fn);
    expect(fn.calls).toHaveLength(0);
    expect(refused.error).toBeInstanceOf(CircuitOpenError);
  });

  it('ignores 429s when shouldTrip says so, while other transient failures still count', async () => {
    const { breaker, run } = setup({
      failureThreshold: 2,
      shouldTrip: (_error, c) => c.disposition === 'transient' && c.category !== 'rate_limit',
    });
    for (let i = 0; i < 5; i++) await run(failing([httpError(429)], 1));
    expect(breaker.stats()).toMatchObject({ state: 'CLOSED', consecutiveFailures: 0, failures: 0 });
    await run(failing([httpError(503)], 1));
    await run(failing([httpError(503)], 1));
    expect(breaker.state).toBe('OPEN');
  });

  it('hands shouldTrip the error and its classification', async () => {
    const seen: Array<[unknown, Classification]> = [];
    const { run } = setup({ shouldTrip: (error, c) => (seen.push([error, c]), false) });
    const error = httpError(404);
    await run(failing([error], 1));
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe(error);
    expect(seen[0]![1]).toMatchObject({ disposition: 'permanent', category: 'not_found' });
  });

  it('does not count a failure that shouldTrip rejects, even a transient one, and frees the half-open slot', async () => {
    const { breaker, clock, run } = setup({ failureThreshold: 1, breakDurationMs: 1_000, shouldTrip: () => false });
    breaker.recordFailure();
    await clock.advance(1_000);
    await run(failing([httpError(503)], 1));
    expect(breaker.state).toBe('HALF_OPEN');
    expect(breaker.stats().halfOpenInFlight).toBe(0);
    expect((await run(async () => 'ok')).status).toBe('ok');
    expect(breaker.state).toBe('CLOSED');
  });

  it('falls back to the default (transient counts) when shouldTrip throws', async () => {
    const { breaker, run } = setup({ failureThreshold: 1, shouldTrip: () => { throw new Error('bug in predicate'); } });
    const notFound = await run(failing([httpError(404)], 1));
    expect(notFound.status).toBe('error');
    expect(breaker.state).toBe('CLOSED');
    await run(failing([httpError(503)], 1));
    expect(breaker.state).toBe('OPEN');
  });

  it('applies a count-window policy to pipeline outcomes', async () => {
    const { breaker, run } = setup({ policy: { type: 'count', windowSize: 4, failureRateThreshold: 50 } });
    await run(async () => 'ok');
    await run(async () => 'ok');
    await run(failing([httpError(503)], 1));
    expect(breaker.state).toBe('CLOSED');
    await run(failing([httpError(503)], 1));
    expect(breaker.state).toBe('OPEN');
  });
});

describe('slow calls, through a pipeline timed on the injected clock', () => {
  it('counts attempts at or above slowCallMs as failures (the result is still returned)', async () => {
    const { breaker, clock, run } = setup({ slowCallMs: 100, failureThreshold: 2 });
    const slow = async () => {
      await clock.advance(150);
      return 'late';
    };
    const first = await run(slow);
    expect(first).toMatchObject({ status: 'ok', result: 'late' });
    expect(breaker.stats()).toMatchObject({ slowCalls: 1, consecutiveFailures: 1, state: 'CLOSED' });
    await run(slow);
    expect(breaker.stats()).toMatchObject({ slowCalls: 2, state: 'OPEN' });
  });

  it('does not count attempts faster than slowCallMs', async () => {
    const { breaker, clock, run } = setup({ slowCallMs: 100, failureThreshold: 1 });
    for (let i = 0; i < 3; i++) {
      await run(async () => {
        await clock.advance(99);
        return 'quick';
      });
    }
    expect(breaker.stats()).toMatchObject({ slowCalls: 0, successes: 3, state: 'CLOSED' });
  });

  it('times an attempt that settles after the clock was advanced from outside', async () => {
    const { breaker, clock, registry } = setup({ slowCallMs: 1_000, failureThreshold: 1 });
    let finish!: (value: string) => void;
    const pending = executeWithHealing(() => new Promise<string>((resolve) => { finish = resolve; }), {}, {
      circuitName: 'api', registry, clock, retry: { maxAttempts: 1 },
    });
    await clock.advance(1_000);
    finish('done');
    expect(await pending).toMatchObject({ status: 'ok', result: 'done' });
    expect(breaker.stats()).toMatchObject({ slowCalls: 1, state: 'OPEN' });
  });

  it('times attempts on the clock option when one is given', async () => {
    const { breaker, registry } = setup({ slowCallMs: 100, failureThreshold: 1 });
    const otherClock = new ManualClock();
    await executeWithHealing(async () => {
      await otherClock.advance(100);
      return 'x';
    }, {}, { circuitName: 'api', registry, clock: otherClock, retry: { maxAttempts: 1 } });
    expect(breaker.stats()).toMatchObject({ slowCalls: 1, state: 'OPEN' });
  });
});

describe('children through a pipeline', () => {
  it('refuses a child call without running it while the parent is open', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const parent = registry.get('openai', { failureThreshold: 1 });
    const child = registry.get('openai:gpt-4o', { parent: 'openai' });
    parent.recordFailure();
    const fn = failing([], 'answer');
    const result = await executeWithHealing(fn, {}, { circuitName: 'openai:gpt-4o', registry });
    expect(fn.calls).toHaveLength(0);
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(CircuitOpenError);
    expect(result.circuitBreakerTriggered).toBe(true);
    expect(child.state).toBe('CLOSED');
    expect(child.stats().rejections).toBe(1);
  });

  it('says the parent refused, and how long its break has left, in retryAfterMs', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const parent = registry.get('openai', { failureThreshold: 1, breakDurationMs: 30_000 });
    registry.get('openai:gpt-4o', { parent: 'openai' });
    parent.recordFailure();
    await clock.advance(10_000);
    const result = await executeWithHealing(failing([], 'answer'), {}, { circuitName: 'openai:gpt-4o', registry });
    expect((result.error as CircuitOpenError).retryAfterMs).toBe(20_000);
    expect(result.healingActions[0]!.detail).toBe('circuit "openai:gpt-4o" refused attempt 1 without calling fn: its parent "openai" is open');
  });

  it('rolls a child failure counted by the pipeline up to the parent, which can trip', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const parent = registry.get('openai', { failureThreshold: 2 });
    const child = registry.get('openai:gpt-4o', { parent: 'openai', failureThreshold: 10 });
    const options = { circuitName: 'openai:gpt-4o', registry, retry: { maxAttempts: 1 } };
    await executeWithHealing(failing([httpError(503)], 1), {}, options);
    await executeWithHealing(failing([httpError(404)], 1), {}, options); // not counted by the child, so not by the parent
    expect(parent.stats().consecutiveFailures).toBe(1);
    await executeWithHealing(failing([httpError(503)], 1), {}, options);
    expect(parent.state).toBe('OPEN');
    expect(child.state).toBe('CLOSED');
  });
});
