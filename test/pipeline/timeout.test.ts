import { afterEach, describe, expect, it } from 'vitest';
import { AttemptTimeoutError, executeWithHealing } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('per-attempt timeout', () => {
  it('aborts the attempt signal after timeoutMs, records a timeout, and retries', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const pending = executeWithHealing(async (_args: object, ctx) => {
      signals.push(ctx.signal);
      if (ctx.attempt === 1) return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      return 'second try';
    }, {}, { clock, timeoutMs: 1_000, retry: { minDelayMs: 0 } });
    await clock.advance(1_000);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: 'second try', attempts: 2, healed: true });
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(AttemptTimeoutError);
    expect(signals[1]!.aborted).toBe(false);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['timeout', 'retry']);
    expect(result.healingActions[1]!.category).toBe('timeout');
  });

  it('abandons an attempt that ignores its signal, so the execution never hangs', async () => {
    const clock = new ManualClock();
    const pending = executeWithHealing(() => new Promise(() => {}), {}, { clock, timeoutMs: 500, retry: { maxAttempts: 2, minDelayMs: 0 } });
    await clock.advance(500);
    await clock.advance(500);
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(AttemptTimeoutError);
    expect(result.attempts).toBe(2);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['timeout', 'retry', 'timeout', 'give_up']);
    expect(result.healingActions.at(-1)!.reason).toBe('exhausted');
  });

  it('leaves no timer behind when the attempt finishes in time', async () => {
    const clock = new ManualClock();
    const result = await executeWithHealing(async () => 'fast', {}, { clock, timeoutMs: 60_000 });
    expect(result.status).toBe('ok');
    expect(clock.timerCount).toBe(0);
  });

  it('ignores a late rejection from an abandoned attempt (no unhandled rejection)', async () => {
    const clock = new ManualClock();
    let rejectLate!: (error: Error) => void;
    const pending = executeWithHealing(() => new Promise((_resolve, reject) => { rejectLate = reject; }), {}, {
      clock, timeoutMs: 100, retry: { maxAttempts: 1 },
    });
    await clock.advance(100);
    const result = await pending;
    rejectLate(new Error('too late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(result.error).toBeInstanceOf(AttemptTimeoutError);
  });

  describe('with no caller signal', () => {
    const RealAbortController = globalThis.AbortController;
    let made = 0;
    /** Counts the AbortControllers made while it is installed. */
    function countControllers() {
      made = 0;
      globalThis.AbortController = class extends RealAbortController {
        constructor() {
          super();
          made++;
        }
      };
    }
    afterEach(() => {
      globalThis.AbortController = RealAbortController;
    });

    it('makes no AbortController for an attempt whose fn never reads its signal, and still abandons it at the timeout', async () => {
      const clock = new ManualClock();
      countControllers();
      expect((await executeWithHealing(async () => 'fast', {}, { clock, timeoutMs: 1_000 })).status).toBe('ok');
      const pending = executeWithHealing(() => new Promise(() => {}), {}, { clock, timeoutMs: 1_000, retry: { maxAttempts: 1 } });
      await clock.advance(1_000);
      const result = await pending;
      expect(result.error).toBeInstanceOf(AttemptTimeoutError);
      expect(result.healingActions.map((a) => a.kind)).toEqual(['timeout', 'give_up']);
      expect(made).toBe(0);
    });

    it('gives fn that reads its signal only after the timeout a signal aborted with the timeout', async () => {
      const clock = new ManualClock();
      countControllers();
      let readLate!: () => AbortSignal;
      const pending = executeWithHealing((_args: object, ctx) => {
        readLate = () => ctx.signal;
        return new Promise(() => {});
      }, {}, { clock, timeoutMs: 1_000, retry: { maxAttempts: 1 } });
      await clock.advance(1_000);
      const result = await pending;
      expect(made).toBe(0);
      const signal = readLate();
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe(result.error);
      expect(made).toBe(1);
    });
  });
});
