import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { executeWithHealing, HealingConfigError, HealingPipeline, refreshEnvironment, type HealingResult } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

function http503(): Error {
  return Object.assign(new Error('Service Unavailable'), { status: 503 });
}

/** A call that always fails with a 503, counting its calls. */
function alwaysUnavailable() {
  const fn = async (): Promise<string> => {
    fn.calls++;
    throw http503();
  };
  fn.calls = 0;
  return fn;
}

const NO_WAIT = { minDelayMs: 0 };

/** Sets a variable as the user's own code would, then refreshes (a bad value is refused on each call). */
function setEnv(name: string, value: string | undefined): void {
  vi.stubEnv(name, value);
  try {
    refreshEnvironment();
  } catch {
    // a bad value: every call now reads and refuses it
  }
}

beforeEach(() => {
  setEnv('SELF_HEALING_ENABLED', undefined);
  setEnv('SELF_HEALING_REFLECTION_ENABLED', undefined);
  setEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  refreshEnvironment();
});

describe('SELF_HEALING_ENABLED=false', () => {
  it('calls fn exactly once even for a 503, and still resolves a HealingResult that gives up', async () => {
    setEnv('SELF_HEALING_ENABLED', 'false');
    const fn = alwaysUnavailable();
    const result = await executeWithHealing(fn, {}, { retry: NO_WAIT });
    expect(fn.calls).toBe(1);
    expect(result).toMatchObject({ status: 'error', attempts: 1, healed: false });
    expect(result.error?.message).toBe('Service Unavailable');
    expect(result.healingActions.at(-1)?.kind).toBe('give_up');
  });

  it('does not run fallbacks', async () => {
    setEnv('SELF_HEALING_ENABLED', 'false');
    const fallback = vi.fn(() => 'cached');
    const result = await executeWithHealing(alwaysUnavailable(), {}, { retry: NO_WAIT, fallback });
    expect(fallback).not.toHaveBeenCalled();
    expect(result.status).toBe('error');
  });

  it('still returns the value of a call that succeeds', async () => {
    setEnv('SELF_HEALING_ENABLED', 'false');
    const result = await executeWithHealing(async () => 42, {});
    expect(result).toMatchObject({ status: 'ok', result: 42, attempts: 1 });
  });

  it('applies to a HealingPipeline built while it is set', async () => {
    setEnv('SELF_HEALING_ENABLED', '0');
    const fn = alwaysUnavailable();
    const result = await new HealingPipeline({ retry: NO_WAIT }).execute(fn, {});
    expect(fn.calls).toBe(1);
    expect(result.attempts).toBe(1);
  });

  it("still ends the wait for fn at the caller's abort: the call is not healed, but it can be cancelled", async () => {
    setEnv('SELF_HEALING_ENABLED', 'false');
    const controller = new AbortController();
    let received: AbortSignal | undefined;
    const pending = executeWithHealing((_args, { signal }) => { received = signal; return new Promise<string>(() => {}); }, {}, { signal: controller.signal });
    controller.abort(new Error('the user left'));
    const result = await pending;
    expect(received?.aborted).toBe(true); // fn's own signal aborted too, so it can stop
    expect(result).toMatchObject({ status: 'error', attempts: 1 });
    expect(result.error?.message).toBe('the user left');
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
  });

  it('still ends the wait for fn at deadlineMs', async () => {
    setEnv('SELF_HEALING_ENABLED', 'false');
    const clock = new ManualClock();
    let settled: HealingResult<string> | undefined;
    void new HealingPipeline({ clock, deadlineMs: 300 }).execute(() => new Promise<string>(() => {}), {}).then((result) => { settled = result; });
    await clock.advance(299);
    expect(settled).toBeUndefined();
    await clock.advance(1);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(settled).toMatchObject({ status: 'error', attempts: 1, durationMs: 300 });
    expect(settled?.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });
  });

  it('does not call fn when the caller has aborted already', async () => {
    setEnv('SELF_HEALING_ENABLED', 'false');
    const fn = alwaysUnavailable();
    const result = await executeWithHealing(fn, {}, { signal: AbortSignal.abort(new Error('gone before the call')) });
    expect(fn.calls).toBe(0);
    expect(result.error?.message).toBe('gone before the call');
  });

  it('heals again once the variable is switched back on', async () => {
    setEnv('SELF_HEALING_ENABLED', 'false');
    const once = alwaysUnavailable();
    await executeWithHealing(once, {}, { retry: NO_WAIT });
    setEnv('SELF_HEALING_ENABLED', 'true');
    const retried = alwaysUnavailable();
    const result = await executeWithHealing(retried, {}, { retry: { ...NO_WAIT, maxAttempts: 3 } });
    expect(once.calls).toBe(1);
    expect(retried.calls).toBe(3);
    expect(result.attempts).toBe(3);
  });
});

describe('SELF_HEALING_REFLECTION_ENABLED=false', () => {
  it('never asks the reflector for repaired args', async () => {
    setEnv('SELF_HEALING_REFLECTION_ENABLED', 'false');
    const reflector = vi.fn(async () => ({ args: { date: '2026-01-19' }, reason: 'use ISO 8601' }));
    let calls = 0;
    const result = await executeWithHealing(async () => {
      calls++;
      throw new Error('Invalid date format');
    }, { date: '19/01/2026' }, { reflector, retry: NO_WAIT });
    expect(reflector).not.toHaveBeenCalled();
    expect(calls).toBe(1);
    expect(result.status).toBe('error');
  });
});

describe('SELF_HEALING_RETRY_MAX_ATTEMPTS', () => {
  it('sets how many times a failing transient call is attempted (2)', async () => {
    setEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', '2');
    const fn = alwaysUnavailable();
    const result = await executeWithHealing(fn, {}, { retry: NO_WAIT });
    expect(fn.calls).toBe(2);
    expect(result).toMatchObject({ status: 'error', attempts: 2 });
  });

  it('loses to an explicit retry.maxAttempts (4)', async () => {
    setEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', '2');
    const fn = alwaysUnavailable();
    const result = await executeWithHealing(fn, {}, { retry: { ...NO_WAIT, maxAttempts: 4 } });
    expect(fn.calls).toBe(4);
    expect(result.attempts).toBe(4);
  });

  it('loses to retry.maxAttempts given to a HealingPipeline', async () => {
    setEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', '2');
    const fn = alwaysUnavailable();
    await new HealingPipeline({ retry: { ...NO_WAIT, maxAttempts: 4 } }).execute(fn, {});
    expect(fn.calls).toBe(4);
  });
});

describe('bad environment values', () => {
  it.each([
    ['SELF_HEALING_ENABLED', 'maybe'],
    ['SELF_HEALING_REFLECTION_ENABLED', 'perhaps'],
    ['SELF_HEALING_RETRY_MAX_ATTEMPTS', '0'],
    ['SELF_HEALING_RETRY_MAX_ATTEMPTS', 'abc'],
  ])('make executeWithHealing reject with a HealingConfigError naming %s=%s, without calling fn', async (name, value) => {
    setEnv(name, value);
    const fn = alwaysUnavailable();
    const error = await executeWithHealing(fn, {}, { retry: NO_WAIT }).then(
      () => { throw new Error('expected a rejection'); },
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(HealingConfigError);
    expect((error as HealingConfigError).option).toBe(name);
    expect(fn.calls).toBe(0);
  });

  it('make the HealingPipeline constructor throw a HealingConfigError naming the variable', () => {
    setEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', '2.5');
    expect(() => new HealingPipeline()).toThrow(HealingConfigError);
    expect(() => new HealingPipeline()).toThrow(/SELF_HEALING_RETRY_MAX_ATTEMPTS/);
  });
});

describe('when a change takes effect', () => {
  it('is read once and kept until refreshEnvironment(): a process.env write alone changes nothing', async () => {
    vi.stubEnv('SELF_HEALING_ENABLED', 'false'); // no refresh
    const unrefreshed = alwaysUnavailable();
    await executeWithHealing(unrefreshed, {}, { retry: { ...NO_WAIT, maxAttempts: 3 } });
    expect(unrefreshed.calls).toBe(3);
    refreshEnvironment();
    const refreshed = alwaysUnavailable();
    await executeWithHealing(refreshed, {}, { retry: { ...NO_WAIT, maxAttempts: 3 } });
    expect(refreshed.calls).toBe(1);
  });

  it('keeps a pipeline built earlier on the settings it was built with', async () => {
    const earlier = new HealingPipeline({ retry: { ...NO_WAIT, maxAttempts: 3 } });
    setEnv('SELF_HEALING_ENABLED', 'false');
    const fn = alwaysUnavailable();
    await earlier.execute(fn, {});
    expect(fn.calls).toBe(3);
  });

  it('refuses a bad value at refreshEnvironment() and on every call until it is fixed', async () => {
    vi.stubEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', 'many');
    expect(() => refreshEnvironment()).toThrow(expect.objectContaining({ option: 'SELF_HEALING_RETRY_MAX_ATTEMPTS' }));
    await expect(executeWithHealing(async () => 1)).rejects.toBeInstanceOf(HealingConfigError);
    await expect(executeWithHealing(async () => 1)).rejects.toBeInstanceOf(HealingConfigError);
    vi.stubEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', '2');
    refreshEnvironment();
    expect((await executeWithHealing(async () => 1)).status).toBe('ok');
  });
});
