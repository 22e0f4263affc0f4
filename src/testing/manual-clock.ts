import type { Clock } from '../clock.js';
import { HealingConfigError } from '../errors.js';
import { settle } from './settle.js';

interface Pending { at: number; callback: () => void; id: number }

/**
 * A {@link Clock} that only moves when told to, for tests of anything that waits: backoff,
 * `Retry-After`, timeouts, breaker breaks, deadlines. Give it to a pipeline (`clock`) or a
 * registry, start the call, then `await clock.advance(ms)`: due timers fire in order and the
 * promise chains they start settle before `advance` resolves, so a test never sleeps for real
 * and never depends on the machine's speed. Before each timer fires, work that takes no fake time
 * finishes first, however many awaits, `setImmediate`s or file reads it takes: a mocked call
 * answering on `setImmediate` is not cut by a `timeoutMs` the test advances past. (Real sockets
 * and real timers are real time: the clock does not wait for them.)
 *
 * It works with any test runner (vitest, jest, node:test) and needs no fake timers; it never
 * replaces the global timers (it only turns the event loop with the `setImmediate` it found at
 * import), so it cannot clash with fake ones either.
 *
 * @example
 * ```ts
 * import { HealingPipeline } from 'self-healing';
 * import { ManualClock } from 'self-healing/testing';
 *
 * const clock = new ManualClock();
 * const pipeline = new HealingPipeline({ clock, retry: { minDelayMs: 1_000, jitter: 'none' } });
 * let calls = 0;
 * const pending = pipeline.execute(async () => {
 *   if (++calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
 *   return 'ok';
 * }, {});
 * await clock.advance(1_000); // the backoff passes at once
 * console.log((await pending).result); // 'ok'
 * ```
 */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private pending: Pending[] = [];

  /** `start`: the clock's first reading, in ms since the epoch. */
  constructor(start = 1_700_000_000_000) {
    if (!Number.isFinite(start)) throw new HealingConfigError('start', `expected a finite number of ms since the epoch, got ${String(start)}`);
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const entry = { at: this.time + Math.max(0, ms), callback, id: this.nextId++ };
    this.pending.push(entry);
    return entry.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((entry) => entry.id !== handle);
  }

  /** Timers scheduled and not yet fired or cleared (a test can assert that none is left). */
  get timerCount(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order, and letting what they start settle. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new HealingConfigError('ms', `expected a finite number of ms >= 0 to advance by, got ${String(ms)}`);
    const target = this.time + ms;
    await settle();
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.pending[0];
      if (next === undefined || next.at > target) break;
      this.pending.shift();
      this.time = next.at;
      next.callback();
      await settle();
    }
    this.time = target;
    await settle();
  }
}
