import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, CircuitBreaker, CircuitBreakerRegistry, executeWithHealing, HealingConfigError, HealingPipeline } from '../../src/index.js';
import { injectFault, InjectedFaultError, injectHang, injectLatency, seededRandom } from '../../src/testing/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const ctx = () => ({ attempt: 1, signal: new AbortController().signal });
const getUser = async ({ id }: { id: string }) => ({ id, name: 'Ada' });

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, a different one for another seed, all in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 1_000 }, () => a());
    expect(Array.from({ length: 1_000 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    const other = seededRandom(43);
    expect(Array.from({ length: 1_000 }, () => other())).not.toEqual(first);
  });

  it.each([
    ['NaN', Number.NaN],
    ['a string', '42'],
    ['a fraction', 1.5],
    ['a negative integer', -1],
    ['2^32, past the unsigned 32-bit range', 2 ** 32],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses a seed of %s with a HealingConfigError naming seed', (_name, seed) => {
    const error = configError(() => seededRandom(seed as number));
    expect(error.option).toBe('seed');
    expect(error.message).toMatch(/integer/);
  });

  it('takes every seed of the unsigned 32-bit range, its ends included, and refuses the rest through injectFault too', () => {
    expect(seededRandom(0)()).not.toBe(seededRandom(2 ** 32 - 1)());
    expect(configError(() => injectFault(getUser, { seed: -1 })).option).toBe('seed');
  });

  it('is uniform enough for injection rates: 30 % of 100 000 draws fall below 0.3 (within 1 %)', () => {
    const random = seededRandom(7);
    let below = 0;
    for (let i = 0; i < 100_000; i++) if (random() < 0.3) below++;
    expect(Math.abs(below / 100_000 - 0.3)).toBeLessThan(0.01);
  });
});

describe('injectFault', () => {
  it('fails the given share of calls with the given error, deterministically for a seed', async () => {
    const outcomes = async (seed: number) => {
      const flaky = injectFault(getUser, { rate: 0.3, seed, error: () => Object.assign(new Error('busy'), { status: 503 }) });
      const seen: string[] = [];
      for (let i = 0; i < 2_000; i++) {
        seen.push(await flaky({ id: 'u' }, ctx()).then(() => 'ok', (error: Error & { status?: number }) => `fail ${error.status}`));
      }
      return { seen, stats: { ...flaky.stats } };
    };
    const run = await outcomes(1);
    expect(run.stats.calls).toBe(2_000);
    expect(run.seen.filter((o) => o === 'fail 503')).toHaveLength(run.stats.injected);
    expect(Math.abs(run.stats.injected / 2_000 - 0.3)).toBeLessThan(0.05);
    expect((await outcomes(1)).seen).toEqual(run.seen);
  });

  it('throws a fresh InjectedFaultError by default; a plain value is thrown as is', async () => {
    const always = injectFault(getUser);
    const first = await always({ id: '1' }, ctx()).catch((error: unknown) => error);
    const second = await always({ id: '1' }, ctx()).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(InjectedFaultError);
    expect(first).not.toBe(second);
    await expect(injectFault(getUser, { error: 'plain string' })({ id: '1' }, ctx())).rejects.toBe('plain string');
  });

  it('rate 0 or enabled: false passes every call through', async () => {
    for (const options of [{ rate: 0 }, { enabled: false }, { enabled: () => false }]) {
      const wrapped = injectFault(getUser, options);
      await expect(wrapped({ id: '9' }, ctx())).resolves.toEqual({ id: '9', name: 'Ada' });
      expect(wrapped.stats).toEqual({ calls: 1, injected: 0 });
    }
  });

  it('heals inside a pipeline: injected 503s are retried until the real call answers', async () => {
    const flaky = injectFault(getUser, { rate: 0.5, seed: 3, error: () => Object.assign(new Error('busy'), { status: 503 }) });
    const pipeline = new HealingPipeline({ retry: { maxAttempts: 10, minDelayMs: 0 } });
    for (let i = 0; i < 50; i++) {
      const result = await pipeline.execute(flaky, { id: String(i) });
      expect(result).toMatchObject({ status: 'ok', result: { id: String(i) } });
    }
    expect(flaky.stats.injected).toBeGreaterThan(0);
  });

  it('uses the given random source', async () => {
    const draws = [0.1, 0.9];
    const wrapped = injectFault(getUser, { rate: 0.5, random: () => draws.shift()! });
    await expect(wrapped({ id: '1' }, ctx())).rejects.toBeInstanceOf(InjectedFaultError);
    await expect(wrapped({ id: '2' }, ctx())).resolves.toMatchObject({ id: '2' });
  });
});

describe('injectLatency', () => {
  it('delays the call by latencyMs on the injected clock', async () => {
    const clock = new ManualClock();
    let called = false;
    const slow = injectLatency(async () => { called = true; return 'done'; }, { latencyMs: 500, clock });
    const pending = slow(undefined, ctx());
    await clock.advance(499);
    expect(called).toBe(false);
    await clock.advance(1);
    await expect(pending).resolves.toBe('done');
    expect(slow.stats).toEqual({ calls: 1, injected: 1 });
  });

  it('past the pipeline timeout: the attempt times out, fn is never called, no timer is left', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const slow = injectLatency(async () => { calls++; return 'late'; }, { latencyMs: 5_000, clock });
    const pending = executeWithHealing(slow, undefined, { timeoutMs: 1_000, clock, retry: { maxAttempts: 1 } });
    await clock.advance(1_000);
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(AttemptTimeoutError);
    expect(calls).toBe(0);
    expect(clock.timerCount).toBe(0);
  });

  it('takes a function for varying latency', async () => {
    const clock = new ManualClock();
    const delays = [10, 20];
    const slow = injectLatency(async () => clock.now(), { latencyMs: () => delays.shift()!, clock });
    const start = clock.now();
    const first = slow(undefined, ctx());
    await clock.advance(10);
    expect(await first).toBe(start + 10);
    const second = slow(undefined, ctx());
    await clock.advance(20);
    expect(await second).toBe(start + 30);
  });
});

describe('injectHang', () => {
  it('never answers until the attempt signal aborts, then rejects with its reason', async () => {
    const clock = new ManualClock();
    const stuck = injectHang(getUser);
    const pending = executeWithHealing(stuck, { id: '1' }, { timeoutMs: 100, clock, retry: { maxAttempts: 2, minDelayMs: 0 } });
    await clock.advance(100);
    await clock.advance(100);
    const result = await pending;
    expect(result).toMatchObject({ status: 'error', attempts: 2 });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['timeout', 'retry', 'timeout', 'give_up']);
    expect(stuck.stats).toEqual({ calls: 2, injected: 2 });
  });

  it('with a fallback and a breaker: hung calls trip nothing they should not, the fallback serves', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const stuck = injectHang(getUser, { rate: 1 });
    const pending = executeWithHealing(stuck, { id: '1' }, {
      timeoutMs: 50, clock, registry, circuitName: 'users', retry: { maxAttempts: 1 }, fallback: () => ({ id: '1', name: 'cached' }),
    });
    await clock.advance(50);
    expect(await pending).toMatchObject({ status: 'ok', result: { name: 'cached' }, healed: true });
    // One timeout is one transient failure: far from the 5 that open the breaker.
    expect(registry.find('users')!.state).toBe('CLOSED');
    expect((registry.find('users') as CircuitBreaker).stats()).toMatchObject({ consecutiveFailures: 1 });
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(injectHang(getUser)({ id: '1' }, { attempt: 1, signal: controller.signal })).rejects.toThrow('gone');
  });
});

describe('bad options give a HealingConfigError naming the option', () => {
  it.each([
    ['rate', () => injectFault(getUser, { rate: 1.5 })],
    ['rate', () => injectHang(getUser, { rate: -0.1 })],
    ['seed', () => injectFault(getUser, { seed: 1.5 })],
    ['seed', () => injectFault(getUser, { seed: 1, random: Math.random })],
    ['random', () => injectFault(getUser, { random: 0.5 as never })],
    ['enabled', () => injectFault(getUser, { enabled: 'yes' as never })],
    ['latencyMs', () => injectLatency(getUser, { latencyMs: -1 })],
    ['latencyMs', () => injectLatency(getUser, {} as never)],
    ['clock', () => injectLatency(getUser, { latencyMs: 1, clock: {} as never })],
    ['rat', () => injectFault(getUser, { rat: 0.5 } as never)],
    ['fn', () => injectFault(undefined as never)],
  ])('%s', (option, build) => {
    const error = configError(build);
    expect(error).toBeInstanceOf(HealingConfigError);
    expect(error.option).toBe(option);
  });
});
