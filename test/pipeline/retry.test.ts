import { afterEach, describe, expect, it, vi } from 'vitest';
import { executeWithHealing, HealingPipeline, type HealingResult } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function kinds(result: HealingResult<unknown>) {
  return result.healingActions.map((action) => action.kind);
}

describe('retry of transient failures', () => {
  it('retries with exponential backoff until success, recording each wait', async () => {
    const clock = new ManualClock();
    const fn = failing([httpError(503), networkError('ECONNRESET')], 'ok');
    const pending = executeWithHealing(fn, {}, { clock, retry: { maxAttempts: 3, minDelayMs: 100, factor: 2, jitter: 'none' } });
    await clock.advance(99);
    expect(fn.calls).toHaveLength(1); // still waiting the first 100 ms
    await clock.advance(1);
    expect(fn.calls).toHaveLength(2);
    await clock.advance(200);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', attempts: 3, healed: true });
    expect(result.healingActions.map((a) => [a.kind, a.attempt, a.delayMs, a.category])).toEqual([
      ['retry', 1, 100, 'unavailable'],
      ['retry', 2, 200, 'network'],
    ]);
  });

  it('counts the first call in maxAttempts and gives up "exhausted" after the last', async () => {
    const fn = failing([httpError(503), httpError(503), httpError(503), httpError(503)], 'never');
    const result = await executeWithHealing(fn, {}, { retry: { maxAttempts: 3, minDelayMs: 0 } });
    expect(fn.calls).toHaveLength(3);
    expect(result.status).toBe('error');
    expect(result.attempts).toBe(3);
    expect(kinds(result)).toEqual(['retry', 'retry', 'give_up']);
    const giveUp = result.healingActions.at(-1)!;
    expect(giveUp.reason).toBe('exhausted');
    expect(giveUp.detail).toMatch(/^exhausted/);
    expect(result.error!.message).toBe('HTTP 503');
  });

  it('defaults to 3 attempts', async () => {
    const fn = failing(Array.from({ length: 5 }, () => networkError()), 'never');
    await executeWithHealing(fn, {}, { retry: { minDelayMs: 0 } });
    expect(fn.calls).toHaveLength(3);
  });

  it('never retries a permanent error', async () => {
    const fn = failing([httpError(401)], 'never');
    const result = await executeWithHealing(fn, {}, { retry: { maxAttempts: 5, minDelayMs: 0 } });
    expect(fn.calls).toHaveLength(1);
    expect(kinds(result)).toEqual(['give_up']);
    expect(result.healingActions[0]).toMatchObject({ reason: 'permanent', attempt: 1 });
    expect(result.healingActions[0]!.detail).toMatch(/^permanent: HTTP 401/);
  });

  it('names the real cause when the last attempt fails permanently', async () => {
    const fn = failing([httpError(503), httpError(403)], 'never');
    const result = await executeWithHealing(fn, {}, { retry: { maxAttempts: 2, minDelayMs: 0 } });
    expect(result.healingActions.at(-1)!.reason).toBe('permanent');
  });

  it('treats a recoverable error without a reflector as final', async () => {
    const fn = failing([httpError(422)], 'never');
    const result = await executeWithHealing(fn, {}, { retry: { maxAttempts: 5, minDelayMs: 0 } });
    expect(fn.calls).toHaveLength(1);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'unrepaired' });
    expect(result.healingActions.at(-1)!.detail).toContain('no reflector');
  });

  it('keeps backoff under maxDelayMs', async () => {
    const clock = new ManualClock();
    const fn = failing([networkError(), networkError(), networkError()], 'ok');
    const pending = executeWithHealing(fn, {}, { clock, retry: { maxAttempts: 4, minDelayMs: 400, maxDelayMs: 500, jitter: 'none' } });
    await clock.advance(10_000);
    const result = await pending;
    expect(result.healingActions.map((a) => a.delayMs)).toEqual([400, 500, 500]);
  });

  it('applies full jitter within [0, delay] and equal jitter within [delay/2, delay]', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    const full = await executeWithHealing(failing([networkError()], 1), {}, { clock: new ManualClock(), retry: { minDelayMs: 0 } });
    expect(full.healingActions[0]!.delayMs).toBe(0);

    const clock = new ManualClock();
    const pending = executeWithHealing(failing([networkError()], 1), {}, { clock, retry: { minDelayMs: 1000, jitter: 'full' } });
    await clock.advance(1000);
    expect((await pending).healingActions[0]!.delayMs).toBe(250);

    const clock2 = new ManualClock();
    const pending2 = executeWithHealing(failing([networkError()], 1), {}, { clock: clock2, retry: { minDelayMs: 1000, jitter: 'equal' } });
    await clock2.advance(1000);
    expect((await pending2).healingActions[0]!.delayMs).toBe(625);
  });
});

describe('Retry-After', () => {
  it('waits what Retry-After asks even above maxDelayMs', async () => {
    const clock = new ManualClock();
    const fn = failing([httpError(429, { 'Retry-After': '5' })], 'ok');
    const pending = executeWithHealing(fn, {}, { clock, retry: { maxDelayMs: 1_000 } });
    await clock.advance(4_999);
    expect(fn.calls).toHaveLength(1);
    await clock.advance(1);
    const result = await pending;
    expect(result.status).toBe('ok');
    expect(result.healingActions[0]).toMatchObject({ kind: 'retry', delayMs: 5_000, category: 'rate_limit' });
    expect(result.healingActions[0]!.detail).toContain('Retry-After');
  });

  it('gives up at once when Retry-After exceeds maxRetryAfterMs', async () => {
    const clock = new ManualClock();
    const fn = failing([httpError(503, { 'retry-after': '120' })], 'ok');
    const result = await executeWithHealing(fn, {}, { clock, retry: { maxRetryAfterMs: 60_000 } });
    expect(fn.calls).toHaveLength(1);
    expect(clock.timerCount).toBe(0);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'retry_after' });
  });

  it('gives up when the wait would pass what maxElapsedMs leaves', async () => {
    const clock = new ManualClock();
    const fn = failing([httpError(429, { 'retry-after': '3' })], 'ok');
    const result = await executeWithHealing(fn, {}, { clock, retry: { maxElapsedMs: 2_000 } });
    expect(fn.calls).toHaveLength(1);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
  });

  it('gives up "deadline" when backoff would pass maxElapsedMs', async () => {
    const clock = new ManualClock();
    const fn = failing([networkError(), networkError(), networkError()], 'ok');
    const pending = executeWithHealing(fn, {}, { clock, retry: { maxAttempts: 5, minDelayMs: 1_000, jitter: 'none', maxElapsedMs: 2_500 } });
    await clock.advance(1_000);
    const result = await pending;
    expect(fn.calls).toHaveLength(2); // 1 000 ms waited; 2 000 more would pass 2 500
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
  });
});

describe('abort', () => {
  it('ends a backoff wait at once when the signal aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const fn = failing([networkError(), networkError()], 'ok');
    const pending = executeWithHealing(fn, {}, { clock, signal: controller.signal, retry: { minDelayMs: 10_000 } });
    await clock.advance(5);
    controller.abort();
    const result = await pending;
    expect(result.status).toBe('error');
    expect(fn.calls).toHaveLength(1);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(clock.timerCount).toBe(0);
  });

  it('does not retry when the signal was aborted before the call', async () => {
    const controller = new AbortController();
    controller.abort();
    const fn = failing([], 'ok');
    const result = await executeWithHealing(async (_args, ctx) => {
      ctx.signal.throwIfAborted();
      return fn({});
    }, {}, { signal: controller.signal });
    expect(result.status).toBe('error');
    expect(result.healingActions.at(-1)!.reason).toBe('aborted');
  });

  it('returns at once when the caller aborts during an attempt, even if fn ignores the signal', async () => {
    const controller = new AbortController();
    const pending = executeWithHealing(() => new Promise(() => {}), {}, { signal: controller.signal, fallback: () => 'unused' });
    controller.abort(new Error('user left'));
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.error!.message).toBe('user left');
    expect(result.healingActions.map((a) => a.kind)).toEqual(['give_up']);
  });
});

describe('HealingPipeline', () => {
  it('holds defaults, and overrides merge over them with retry merged field by field', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 4, minDelayMs: 50, jitter: 'none' } });
    const fn = failing(Array.from({ length: 10 }, () => networkError()), 'never');
    const pending = pipeline.execute(fn, {}, { retry: { maxAttempts: 2 } });
    await clock.advance(50);
    const result = await pending;
    expect(fn.calls).toHaveLength(2);
    expect(result.healingActions[0]!.delayMs).toBe(50); // minDelayMs kept from the defaults

    const fn2 = failing(Array.from({ length: 10 }, () => networkError()), 'never');
    const pending2 = pipeline.execute(fn2, {});
    await clock.advance(10_000);
    await pending2;
    expect(fn2.calls).toHaveLength(4);
  });

  it('validates its options when built', () => {
    expect(() => new HealingPipeline({ retry: { factor: 0 } })).toThrow(/retry\.factor/);
  });

  it('rejects invalid overrides naming the option', async () => {
    const pipeline = new HealingPipeline();
    await expect(pipeline.execute(() => 1, {}, { timeoutMs: -5 })).rejects.toThrow(/timeoutMs/);
  });
});
