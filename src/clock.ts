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

/**
 * Waits `ms` on `clock`. Resolves `true` when the time has passed, `false` at once when `signal`
 * aborts (or was already aborted). Never rejects, and leaves no timer or listener behind.
 *
 * @example
 * ```ts
 * const elapsed = await sleep(systemClock, 500, controller.signal);
 * if (!elapsed) return; // aborted
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
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
