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
 * The real clock. Its timers are `unref`'d, so a pending backoff or timeout never keeps a
 * process alive on its own. Globals are looked up on every call so fake timers installed later
 * (e.g. `vi.useFakeTimers()`) are honoured.
 *
 * @example
 * ```ts
 * const registry = new CircuitBreakerRegistry({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms);
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
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
