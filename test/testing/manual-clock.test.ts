/** ManualClock as users get it from self-healing/testing: the guide's example, and its rules. */
import { describe, expect, it } from 'vitest';
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
