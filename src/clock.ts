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
 * Runs background work (a health check, a store operation) under a timeout on `clock`, with an
 * unref'd timer. A synchronous throw, a rejection and no answer in time all end the same way: a
 * rejected promise (with `timedOut()`'s reason on timeout), never a hang.
 *
 * @example
 * ```ts
 * const ok = await withinTimeout(clock, 2_000, () => ping(), () => new Error('ping timed out'));
 * ```
 */
export function withinTimeout<T>(clock: Clock, timeoutMs: number, operation: () => T | PromiseLike<T>, timedOut: () => unknown): Promise<T> {
  let pending: PromiseLike<T>;
  try {
    pending = Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<T>((resolve, reject) => {
    const timer = unrefTimer(clock.setTimeout(() => reject(timedOut()), timeoutMs));
    pending.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
