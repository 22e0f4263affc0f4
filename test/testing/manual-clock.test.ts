/** ManualClock as users get it from self-healing/testing: the guide's example, and its rules. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

describe('ManualClock (self-healing/testing)', () => {
  it('moves a backoff wait forward without sleeping, as the TSDoc example shows', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, retry: { minDelayMs: 1_000, jitter: 'none' } });
    let calls = 0;
    let settled = false;
    const pending = pipeline.execute(async () => {
      if (++calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
      return 'ok';
    }, {});
    void pending.then(() => { settled = true; });
    await clock.advance(999);
    expect(settled).toBe(false);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect((await pending).result).toBe('ok');
    expect(calls).toBe(2);
    expect(clock.timerCount).toBe(0);
  });

  it("opens and half-opens a breaker on the test's time", async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('payments', { failureThreshold: 1, breakDurationMs: 60_000 });
    breaker.recordFailure(new Error('down'));
    expect(breaker.state).toBe('OPEN');
    await clock.advance(60_000);
    expect(breaker.canExecute()).toBe(true);
  });

  it('fires timers in order of their time, then of their scheduling', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@20'), 20);
    const cleared = clock.setTimeout(() => fired.push('never'), 5);
    clock.clearTimeout(cleared);
    await clock.advance(20);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(20);
  });

  it.each([
    ['25 chained awaits', async () => { for (let i = 0; i < 25; i++) await null; return 'ok'; }],
    ['a setImmediate (as HTTP mocks answer)', () => new Promise<string>((resolve) => setImmediate(() => resolve('ok')))],
    ['setImmediates nested 50 deep', () => new Promise<string>((resolve) => {
      const hop = (left: number) => (left === 0 ? resolve('ok') : setImmediate(() => hop(left - 1)));
      hop(50);
    })],
    ['an fs read', async () => (await readFile(new URL(import.meta.url)), 'ok')],
  ])('lets %s that take no fake time finish before a timeout past them fires', async (_label, fn) => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, timeoutMs: 5_000, retry: { maxAttempts: 1 } });
    const pending = pipeline.execute(fn, {});
    await clock.advance(60_000);
    const result = await pending;
    expect([result.status, result.result, result.error?.name]).toEqual(['ok', 'ok', undefined]);
    expect(clock.timerCount).toBe(0);
  });

  it('still resolves when work never stops queueing more (an endless setImmediate loop)', async () => {
    const clock = new ManualClock(0);
    let running = true;
    const spin = () => { if (running) setImmediate(spin); };
    spin();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 10);
    await clock.advance(20);
    running = false;
    expect([fired, clock.now()]).toEqual([[10], 20]);
  });

  // Loaded once already (faked after it loaded), or afresh once faked (a setupFiles that fakes them first).
  const loaded = async () => ({ ManualClock, HealingPipeline });
  const loadedAfresh = async () => {
    vi.resetModules();
    return { ManualClock: (await import('../../src/testing/index.js')).ManualClock, HealingPipeline: (await import('../../src/index.js')).HealingPipeline };
  };
  it.each([
    ['never uses the global timers, so faking them does not stop it', loaded],
    ['does not hang when the global timers were faked before the library loaded (a setupFiles that fakes them)', loadedAfresh],
  ])('%s', async (_case, load) => {
    vi.useFakeTimers();
    try {
      const library = await load();
      const clock = new library.ManualClock();
      const pending = new library.HealingPipeline({ clock, timeoutMs: 1_000, retry: { maxAttempts: 1 } }).execute(() => new Promise(() => {}), {});
      await clock.advance(1_000);
      expect((await pending).error?.name).toBe('AttemptTimeoutError');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to move backwards or by a non-number', async () => {
    const clock = new ManualClock();
    await expect(clock.advance(-1)).rejects.toBeInstanceOf(HealingConfigError);
    await expect(clock.advance(Number.NaN)).rejects.toThrow(/advance by/);
    expect(() => new ManualClock(Number.POSITIVE_INFINITY)).toThrow(HealingConfigError);
  });
});

it("docs/chaos-testing.md 'The manual clock': waits the Retry-After the server asked for", async () => {
  const clock = new ManualClock();
  let calls = 0;
  const pending = new HealingPipeline({ clock }).execute(async () => {
    if (++calls === 1) throw Object.assign(new Error('slow down'), { status: 429, headers: { 'retry-after': '30' } });
    return 'ok';
  }, {});
  await clock.advance(29_999);
  expect(calls).toBe(1);
  await clock.advance(1);
  expect((await pending).result).toBe('ok');
  expect(clock.timerCount).toBe(0);
});
