import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, type FallbackContext } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';

describe('fallbacks', () => {
  it('serves the call after retries are exhausted', async () => {
    const fn = failing([networkError(), networkError()], 'never');
    const result = await executeWithHealing(fn, { q: 1 }, { retry: { maxAttempts: 2, minDelayMs: 0 }, fallback: () => 'from cache' });
    expect(result).toMatchObject({ status: 'ok', result: 'from cache', healed: true, attempts: 2 });
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'fallback', fallbackIndex: 0, succeeded: true });
  });

  it('runs at once after a permanent error, with the last args and the error in ctx', async () => {
    const seen: Array<{ args: unknown; ctx: FallbackContext }> = [];
    const result = await executeWithHealing(failing([httpError(401)], 'x'), { user: 'ann' }, {
      fallback: (args, ctx) => { seen.push({ args, ctx }); return 'guest view'; },
    });
    expect(result).toMatchObject({ status: 'ok', result: 'guest view', attempts: 1, healed: true });
    expect(seen[0]!.args).toEqual({ user: 'ann' });
    expect(seen[0]!.ctx.error.message).toBe('HTTP 401');
    expect(seen[0]!.ctx.signal).toBeInstanceOf(AbortSignal);
  });

  it('tries an array of fallbacks in order until one succeeds', async () => {
    const order: string[] = [];
    const result = await executeWithHealing(failing([httpError(404)], 'x'), {}, {
      fallback: [
        () => { order.push('first'); throw new Error('first fallback down'); },
        async () => { order.push('second'); return 'second'; },
        () => { order.push('third'); return 'third'; },
      ],
    });
    expect(order).toEqual(['first', 'second']);
    expect(result).toMatchObject({ status: 'ok', result: 'second' });
    expect(result.healingActions.map((a) => [a.kind, a.fallbackIndex, a.succeeded])).toEqual([
      ['fallback', 0, false],
      ['fallback', 1, true],
    ]);
  });

  it('passes the previous fallback error to the next fallback', async () => {
    const errors: string[] = [];
    await executeWithHealing(failing([httpError(404)], 'x'), {}, {
      fallback: [() => { throw new Error('f1'); }, (_a, ctx) => { errors.push(ctx.error.message); return 'x'; }],
    });
    expect(errors).toEqual(['f1']);
  });

  it('reports every failure when all fallbacks fail', async () => {
    const result = await executeWithHealing(failing([httpError(403)], 'x'), {}, {
      fallback: [() => { throw new Error('f1'); }, async () => { throw 'f2 as string'; }],
    });
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(AggregateError);
    const aggregate = result.error as AggregateError;
    expect(aggregate.errors.map((e: Error) => e.message)).toEqual(['HTTP 403', 'f1', 'A non-Error value was thrown: f2 as string']);
    expect(aggregate.cause).toBe(aggregate.errors[0]);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['fallback', 'fallback', 'give_up']);
    expect(result.healingActions.at(-1)!.reason).toBe('permanent');
  });

  it('serves when the circuit is open, without calling fn', async () => {
    const registry = new CircuitBreakerRegistry();
    const breaker = registry.get('svc', { failureThreshold: 1 });
    breaker.recordFailure();
    const fn = failing([], 'fresh');
    const result = await executeWithHealing(fn, {}, { circuitName: 'svc', registry, fallback: () => 'stale' });
    expect(fn.calls).toHaveLength(0);
    expect(result).toMatchObject({ status: 'ok', result: 'stale', healed: true, circuitBreakerTriggered: true, attempts: 0 });
  });

  it('does not run after the caller aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    const result = await executeWithHealing(async (_a, ctx) => { ctx.signal.throwIfAborted(); }, {}, {
      signal: controller.signal, fallback: () => { ran = true; },
    });
    expect(ran).toBe(false);
    expect(result.healingActions.at(-1)!.reason).toBe('aborted');
  });
});
