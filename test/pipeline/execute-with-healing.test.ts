import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingConfigError, NonErrorThrownError, type HealingOptions } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('executeWithHealing', () => {
  it('returns the value of a call that succeeds at once, with nothing healed', async () => {
    const result = await executeWithHealing(async ({ a }: { a: number }) => a * 2, { a: 21 });
    expect(result).toMatchObject({
      status: 'ok', result: 42, attempts: 1, healed: false, healingActions: [], circuitBreakerTriggered: false, args: { a: 21 },
    });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('accepts a synchronous function', async () => {
    const result = await executeWithHealing((args: string) => args.toUpperCase(), 'abc');
    expect(result).toMatchObject({ status: 'ok', result: 'ABC', attempts: 1 });
  });

  it('calls fn with the args and a context holding the 1-based attempt and an AbortSignal', async () => {
    const seen: Array<{ args: unknown; attempt: number; signal: unknown }> = [];
    const result = await executeWithHealing(async (args: { id: number }, ctx) => {
      seen.push({ args, attempt: ctx.attempt, signal: ctx.signal });
      if (ctx.attempt === 1) throw httpError(503);
      return 'done';
    }, { id: 7 }, { retry: { minDelayMs: 0 } });
    expect(result.status).toBe('ok');
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    expect(seen.every((s) => s.signal instanceof AbortSignal && !(s.signal as AbortSignal).aborted)).toBe(true);
    expect(seen[0]!.args).toEqual({ id: 7 });
  });

  it('never rejects because fn failed: the failure comes back as status "error"', async () => {
    const result = await executeWithHealing(async () => { throw httpError(404); }, {});
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(Error);
    expect(result.error!.message).toBe('HTTP 404');
    expect(result.result).toBeUndefined();
  });

  it('turns a thrown non-Error into an Error that keeps the thrown value', async () => {
    const result = await executeWithHealing(() => { throw 'plain string'; }, {}, { retry: { maxAttempts: 1 } });
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(NonErrorThrownError);
    expect((result.error as NonErrorThrownError).thrown).toBe('plain string');
  });

  it('marks a result healed when an attempt failed before success', async () => {
    const fn = failing([httpError(503)], 'ok');
    const result = await executeWithHealing(fn, {}, { retry: { minDelayMs: 0 } });
    expect(result).toMatchObject({ status: 'ok', result: 'ok', attempts: 2, healed: true });
  });

  it('rejects with a HealingConfigError naming fn when fn is not a function', async () => {
    await expect(executeWithHealing('nope' as never, {})).rejects.toSatisfy(
      (error: unknown) => error instanceof HealingConfigError && error.option === 'fn',
    );
  });

  it('rejects with a HealingConfigError naming the option for invalid options', async () => {
    const error = await executeWithHealing(() => 1, {}, { retry: { maxAttempts: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealingConfigError);
    expect((error as HealingConfigError).option).toBe('retry.maxAttempts');
    expect((error as Error).message).toContain('retry.maxAttempts');
  });

  it('measures durationMs on the clock, waits included', async () => {
    vi.useFakeTimers();
    const fn = failing([httpError(503)], 'ok');
    const pending = executeWithHealing(fn, {}, { retry: { minDelayMs: 1_000, jitter: 'none' } });
    await vi.advanceTimersByTimeAsync(1_000);
    const result = await pending;
    expect(result.durationMs).toBe(1_000);
  });

  it('serves each call its own fallback when literals and one reused options object take turns', async () => {
    const registry = new CircuitBreakerRegistry();
    const down = async () => { throw httpError(400); };
    const reused: HealingOptions = { circuitName: 'turns', registry, retry: { maxAttempts: 1 }, fallback: () => 'reused' };
    const served: unknown[] = [];
    for (const label of ['literal 1', 'reused', 'literal 2', 'reused', 'literal 3']) {
      const result = label === 'reused'
        ? await executeWithHealing(down, undefined, reused)
        : await executeWithHealing(down, undefined, { circuitName: 'turns', registry, retry: { maxAttempts: 1 }, fallback: () => label });
      served.push(result.result);
    }
    expect(served).toEqual(['literal 1', 'reused', 'literal 2', 'reused', 'literal 3']);
  });

  describe('a signal set on a reused options object is honoured on every call', () => {
    const hangs = () => new Promise<string>(() => {});

    it('a signal added to the object after its first call aborts the next call', async () => {
      const options: HealingOptions = { circuitName: 'reused-signal-added', registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 1 } };
      expect((await executeWithHealing(async () => 'first', undefined, options)).status).toBe('ok');
      const controller = new AbortController();
      options.signal = controller.signal;
      const pending = executeWithHealing(hangs, undefined, options);
      controller.abort(new Error('the request was cancelled'));
      const result = await pending;
      expect(result.status).toBe('error');
      expect(result.error?.message).toBe('the request was cancelled');
      expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    });

    it('a new signal for each request, on the same object, aborts its own call only', async () => {
      const options: HealingOptions = { circuitName: 'reused-signal-swapped', registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 1 } };
      const outcomes: string[] = [];
      for (const request of ['a', 'b', 'c']) {
        const controller = new AbortController();
        options.signal = controller.signal;
        const pending = executeWithHealing(request === 'b' ? hangs : async () => request, undefined, options);
        if (request === 'b') controller.abort(new Error(`request ${request} cancelled`));
        const result = await pending;
        outcomes.push(result.status === 'ok' ? String(result.result) : String(result.error?.message));
      }
      expect(outcomes).toEqual(['a', 'request b cancelled', 'c']);
    });
  });
});
