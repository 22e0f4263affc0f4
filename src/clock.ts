import { z } from 'zod';
import { parseWith } from './config/parse.js';
import { hasMethods, MAX_MS } from './config/schema-helpers.js';

/**
 * The source of time for everything in the library: breakers, backoff waits, timeouts and
 * durations. Inject your own (or use fake timers) to test without real sleeps.
 *
 * @example
 * ```ts
 * const pipeline = new HealingPipeline({ clock: myManualClock });
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch (like `Date.now()`). */
  now(): number;
  /** Schedules `callback` after `ms`. The returned handle goes to `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a callback scheduled with `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock. Its timers are not `unref`'d: a pending backoff wait or attempt timeout is work
 * in progress, and must keep the process alive until the execution resolves (a script whose only
 * pending work is a retry would otherwise exit without its result). Every timer is cleared as
 * soon as its wait or attempt ends, so none outlives the execution. Globals are looked up on
 * every call so fake timers installed later (e.g. `vi.useFakeTimers()`) are honoured.
 *
 * @example
 * ```ts
 * const registry = new CircuitBreakerRegistry({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Whether `value` has what a {@link Clock} must: the check of `clockSchema` and of {@link isWaitable}. */
const isClock = hasMethods('now', 'setTimeout', 'clearTimeout');

/**
 * The check of a {@link Clock} argument or option, in the layer every other may import: a
 * clock's methods are called long after it was given, where a missing one would fail far from
 * its cause.
 */
export const clockSchema = z.custom<Clock>(isClock,
  'expected a Clock with now(), setTimeout() and clearTimeout()');

/**
 * Whether `clock` and `signal` are what a wait needs, by plain checks: a retry waits through
 * {@link sleep} each time, and zod is run only to word the error of arguments that fail them.
 */
export function isWaitable(clock: unknown, signal: unknown): boolean {
  return isClock(clock) && (signal === undefined || signal instanceof AbortSignal);
}

/** The arguments of a wait on a clock ({@link sleep}, `Bulkhead.wait`), checked before anything is scheduled. */
export const waitArgsSchema = z.object({
  clock: clockSchema,
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal or undefined').optional(),
});

const sleepArgsSchema = waitArgsSchema.extend({
  ms: z.number({ error: 'expected a number of ms' })
    // 0 or less is no wait (a deadline already passed). Above the limit: refused, not clamped, as a
    // platform timer given more fires after 1 ms, and a wait cut to 24.8 days is not what was asked.
    .max(MAX_MS, `expected at most ${MAX_MS} ms (about 24.8 days, the longest a timer waits); wait in steps for longer`),
});

/**
 * Waits `ms` on `clock`. Resolves `true` when the time has passed (at once for 0 or less: the time
 * left to a deadline already passed), `false` at once when `signal` aborts (or was already
 * aborted). Never rejects for valid arguments, and leaves no timer or listener behind.
 *
 * Misuse is refused before anything is scheduled, by a rejection (never a synchronous throw) with
 * a {@link HealingConfigError} naming the argument: `clock` (not a Clock), `ms` (NaN, not a
 * number, or more than 2 147 483 647, the longest a timer can wait, about 24.8 days: longer is
 * refused, not clamped) or `signal` (neither an AbortSignal nor undefined). A clock whose
 * `setTimeout` throws rejects with its error, with the abort listener removed.
 *
 * @example
 * ```ts
 * const elapsed = await sleep(systemClock, 500, controller.signal);
 * if (!elapsed) return; // aborted
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  // `ms <= MAX_MS` is false for NaN too.
  if (!(typeof ms === 'number' && ms <= MAX_MS && isWaitable(clock, signal))) {
    try {
      parseWith(sleepArgsSchema, { clock, ms, signal }, '');
    } catch (error) {
      return Promise.reject(error);
    }
  }
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise<boolean>((resolve, reject) => {
    let handle: unknown;
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      clock.clearTimeout(handle);
      resolve(false);
    };
    // The listener before the timer, so no abort can miss a timer; a clock that throws takes the listener back.
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      handle = clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
    } catch (error) {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
      return;
    }
    if (aborted) clock.clearTimeout(handle); // the signal aborted while the clock was setting the timer
  });
}

/**
 * Lets a timer not keep the process alive (Node's timers, and fake clocks' that have `unref`), for
 * background work nobody awaits: health checks, flushes, store timeouts. Returns the handle.
 *
 * @example
 * ```ts
 * const handle = unrefTimer(clock.setTimeout(flush, 250));
 * ```
 */
export function unrefTimer(handle: unknown): unknown {
  (handle as { unref?: () => void } | undefined)?.unref?.();
  return handle;
}

/**
 * Whether the timers bounding one piece of work keep the process alive, by who awaits it. The
 * rule of {@link systemClock}, for work that may be awaited or not (a shared recovery, a check
 * run both by an interval and on demand): while a caller awaits it (between `hold()` and the
 * release it returns), its time limit is work in progress and keeps the process alive, so a
 * script awaiting it cannot exit mid-call; while none does, it runs in the background and its
 * timers are unref'd. The timers are `track`ed from the moment they are set to the moment they
 * fire or are cleared.
 *
 * @example
 * ```ts
 * const keepAlive = new KeepAlive();
 * const pending = withinTimeout(clock, 5_000, () => ping(), () => new Error('ping timed out'), keepAlive);
 * const release = keepAlive.hold(); // this caller awaits it
 * try { await pending; } finally { release(); }
 * ```
 */
export class KeepAlive {
  #holds = 0;
  readonly #timers = new Set<unknown>();

  /** A caller awaits the work: its timers keep the process alive until every caller released. Returns the (idempotent) release. */
  hold(): () => void {
    if (this.#holds++ === 0) for (const timer of this.#timers) refTimer(timer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds === 0) for (const timer of this.#timers) unrefTimer(timer);
    };
  }

  /** A timer bounding the work is set: it keeps the process alive while the work is held. */
  track(handle: unknown): unknown {
    this.#timers.add(handle);
    return this.#holds > 0 ? handle : unrefTimer(handle);
  }

  /** The timer fired or was cleared. */
  untrack(handle: unknown): void {
    this.#timers.delete(handle);
  }
}

function refTimer(handle: unknown): void {
  (handle as { ref?: () => void } | undefined)?.ref?.();
}

/**
 * Runs work under a timeout on `clock`. A synchronous throw, a rejection and no answer in time all
 * end the same way: a rejected promise (with `timedOut()`'s reason on timeout), never a hang. The
 * timer is cleared as soon as the work settles. Without `keepAlive` it is unref'd: background
 * work nobody awaits (a store operation); with one, it keeps the process alive while the
 * {@link KeepAlive} is held (work a caller awaits: a pager, an on-demand health check).
 *
 * @example
 * ```ts
 * const ok = await withinTimeout(clock, 2_000, () => ping(), () => new Error('ping timed out'));
 * ```
 */
export function withinTimeout<T>(
  clock: Clock, timeoutMs: number, operation: () => T | PromiseLike<T>, timedOut: () => unknown, keepAlive?: KeepAlive,
): Promise<T> {
  let pending: PromiseLike<T>;
  try {
    pending = Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      keepAlive?.untrack(timer);
      reject(timedOut());
    }, timeoutMs);
    if (keepAlive === undefined) unrefTimer(timer);
    else keepAlive.track(timer);
    const done = () => {
      clock.clearTimeout(timer);
      keepAlive?.untrack(timer);
    };
    pending.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
