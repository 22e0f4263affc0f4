import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, CircuitBreakerRegistry, executeWithHealing, HealingPipeline } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** An attempt that settles only when its signal aborts (a cooperative slow call). */
const hangsUntilAborted = (_args: unknown, { signal }: { signal: AbortSignal }) =>
  new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('escalating timeoutMs', () => {
  it('gives each attempt the limit the function returns for it (30 s, 60 s, 120 s)', async () => {
    const clock = new ManualClock();
    const seenAt: number[] = [];
    const pending = executeWithHealing((args: unknown, ctx) => { seenAt.push(clock.now()); return hangsUntilAborted(args, ctx); }, {}, {
      clock, timeoutMs: (attempt) => 30_000 * 2 ** (attempt - 1), retry: { maxAttempts: 3, minDelayMs: 0 },
    });
    await clock.advance(30_000 + 60_000 + 120_000);
    const result = await pending;
    expect(result.healingActions.filter((a) => a.kind === 'timeout').map((a) => a.detail)).toEqual([
      'attempt 1 passed its 30000 ms limit and was abandoned',
      'attempt 2 passed its 60000 ms limit and was abandoned',
      'attempt 3 passed its 120000 ms limit and was abandoned',
    ]);
    expect(seenAt.map((t) => t - seenAt[0]!)).toEqual([0, 30_000, 90_000]);
    expect((result.error as AttemptTimeoutError).timeoutMs).toBe(120_000);
  });

  it('is checked when the pipeline is built: a bad value for any attempt is a HealingConfigError', () => {
    const error = configError(() => new HealingPipeline({ timeoutMs: (attempt) => (attempt < 3 ? 1_000 : -1), retry: { maxAttempts: 3 } }));
    expect(error.option).toBe('timeoutMs');
    expect(error.message).toMatch(/returned -1 for attempt 3/);
    expect(configError(() => new HealingPipeline({ timeoutMs: () => { throw new Error('x'); } })).message).toMatch(/threw for attempt 1/);
    expect(configError(() => new HealingPipeline({ timeoutMs: 'fast' as never })).option).toBe('timeoutMs');
  });
});

describe('deadlineMs', () => {
  it('cuts the attempt in flight at the deadline and gives up with reason deadline', async () => {
    const clock = new ManualClock();
    const pending = executeWithHealing(hangsUntilAborted, {}, { clock, deadlineMs: 5_000, timeoutMs: 3_000, retry: { maxAttempts: 5, minDelayMs: 500, jitter: 'none' } });
    await clock.advance(3_000); // attempt 1 times out at 3 s, waits 0.5 s, attempt 2 gets the 1.5 s left
    await clock.advance(2_000);
    const result = await pending;
    expect(result.durationMs).toBe(5_000);
    expect(result.attempts).toBe(2);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['timeout', 'retry', 'timeout', 'give_up']);
    expect(result.healingActions[2]!.detail).toBe('attempt 2 passed its 1500 ms limit and was abandoned');
    expect(result.healingActions.at(-1)!.reason).toBe('deadline');
    expect(clock.timerCount).toBe(0);
  });

  it('counts the waits: no wait starts that would reach the deadline', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const pending = executeWithHealing(async () => { calls++; throw Object.assign(new Error('busy'), { status: 503 }); }, {}, {
      clock, deadlineMs: 1_000, retry: { maxAttempts: 10, minDelayMs: 400, factor: 1, jitter: 'none' },
    });
    await clock.advance(1_000);
    const result = await pending;
    expect(calls).toBe(3); // at 0, 400 and 800 ms; one more wait would end at 1 200, past the deadline
    expect(result.healingActions.at(-1)!.detail).toMatch(/^deadline: waiting 400 ms would reach deadlineMs \(1000 ms\)/);
  });

  it('is validated', () => {
    expect(configError(() => new HealingPipeline({ deadlineMs: 0 })).option).toBe('deadlineMs');
    expect(configError(() => new HealingPipeline({ timeoutGraceMs: -1 })).option).toBe('timeoutGraceMs');
  });

  it('a deadline cut counts against the breaker like any timeout', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('slow', { failureThreshold: 1 });
    const pending = executeWithHealing(hangsUntilAborted, {}, { clock, registry, circuitName: 'slow', deadlineMs: 100 });
    await clock.advance(100);
    await pending;
    expect(breaker.state).toBe('OPEN');
  });
});

describe('timeoutGraceMs', () => {
  it('waits for a cooperative fn to stop before the retry starts, so attempts never overlap', async () => {
    const clock = new ManualClock();
    let running = 0;
    let maxRunning = 0;
    const pending = executeWithHealing(async (_args: unknown, { signal, attempt }) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        if (attempt === 2) return 'done';
        // Takes 200 ms to clean up after its signal aborts.
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => clock.setTimeout(resolve, 200)));
        throw signal.reason;
      } finally {
        running--;
      }
    }, {}, { clock, timeoutMs: 1_000, timeoutGraceMs: 500, retry: { minDelayMs: 0 } });
    await clock.advance(1_200);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: 'done', attempts: 2 });
    expect(maxRunning).toBe(1);
    expect(result.healingActions[0]!.detail).toBe('attempt 1 passed its 1000 ms limit and stopped within the grace period');
  });

  it('abandons fn after the grace period if it ignores its signal', async () => {
    const clock = new ManualClock();
    const pending = executeWithHealing(() => new Promise(() => {}), {}, { clock, timeoutMs: 1_000, timeoutGraceMs: 300, retry: { maxAttempts: 1 } });
    await clock.advance(1_299);
    let settled = false;
    void pending.then(() => { settled = true; });
    await clock.advance(0);
    expect(settled).toBe(false);
    await clock.advance(1);
    const result = await pending;
    expect(result.error).toBeInstanceOf(AttemptTimeoutError);
    expect(result.healingActions[0]!.detail).toBe('attempt 1 passed its 1000 ms limit and was abandoned');
    expect(clock.timerCount).toBe(0);
  });

  it('fails the attempt with the timeout even if fn succeeds within the grace period', async () => {
    const clock = new ManualClock();
    const pending = executeWithHealing((_args: unknown, { signal }) => new Promise((resolve) => {
      signal.addEventListener('abort', () => clock.setTimeout(() => resolve('late'), 100));
    }), {}, { clock, timeoutMs: 1_000, timeoutGraceMs: 500, retry: { maxAttempts: 1 } });
    await clock.advance(1_100);
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(AttemptTimeoutError);
  });

  it("ends at once when the caller aborts: the grace is for timeouts only", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const pending = executeWithHealing(() => new Promise(() => {}), {}, { clock, signal: controller.signal, timeoutMs: 1_000, timeoutGraceMs: 10_000 });
    await clock.advance(10);
    controller.abort(new Error('stop'));
    const result = await pending;
    expect(result.healingActions.at(-1)!.reason).toBe('aborted');
    expect(result.durationMs).toBe(10);
    expect(clock.timerCount).toBe(0);
  });
});
