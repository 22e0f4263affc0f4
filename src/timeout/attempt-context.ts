import type { Clock } from '../clock.js';
import { AttemptTimeoutError } from '../errors.js';
import type { AttemptContext } from '../pipeline/options.js';

/**
 * The context of one attempt. Its signal is created only when something needs it (fn reads it, a
 * caller's signal must reach fn, a hedge may abort it), so an attempt that needs none allocates
 * none. A timeout alone needs none: its timer aborts the signal if fn has read it, and ends the
 * race of {@link race} itself, so the common `timeoutMs` attempt, whose fn may never read its
 * signal, makes no `AbortController` and adds no listener to any signal.
 */
export class AttemptContextImpl implements AttemptContext {
  /** Held so the map of attempt contexts outlives a full GC between calls: see `Execution.idle`. */
  static readonly idle = new AttemptContextImpl(0, undefined);
  readonly attempt: number;
  /** With `timeoutGraceMs`: fn settled within the grace period after its timeout (set only then). */
  declare stoppedInGrace: boolean | undefined;
  private controller: AbortController | undefined;
  private readonly callerSignal: AbortSignal | undefined;
  private timer: unknown;
  private clock: Clock | undefined;
  private unlinkCaller: (() => void) | undefined;
  /** The timeout's error, once its timer has fired. */
  private declare timedOutWith: AttemptTimeoutError | undefined;
  /** The reject of {@link race}'s promise, which the timeout calls. */
  private declare onTimeout: ((error: AttemptTimeoutError) => void) | undefined;

  constructor(attempt: number, callerSignal: AbortSignal | undefined) {
    this.attempt = attempt;
    this.callerSignal = callerSignal;
  }

  get signal(): AbortSignal {
    // With only a caller signal and no timeout, fn gets the caller's own signal.
    if (this.controller === undefined && this.timer === undefined && this.callerSignal !== undefined) return this.callerSignal;
    return this.ensureController().signal;
  }

  /** Whether the attempt must be raced against its signal (a timeout or a caller signal). */
  get abortable(): boolean {
    return this.timer !== undefined || this.callerSignal !== undefined;
  }

  /**
   * Arms the per-attempt timeout: the signal (made now only with a caller's signal to link, else
   * when first read) aborts with an {@link AttemptTimeoutError}, and {@link race} rejects with it.
   */
  startTimeout(clock: Clock, timeoutMs: number): void {
    if (this.callerSignal !== undefined) this.ensureController();
    this.clock = clock;
    this.timer = clock.setTimeout(() => this.expire(timeoutMs), timeoutMs);
  }

  /**
   * Settles with fn's `promise`, or rejects as soon as the attempt ends early: with the timeout's
   * error when only the timeout can end it (no caller signal), without listening to any signal;
   * else as {@link raceWithSignal}. fn's late outcome is observed (never unhandled) and dropped.
   * Not for a hedged attempt, which {@link abort} ends when it loses: race that one against its
   * signal with {@link raceWithSignal}.
   */
  race<T>(promise: PromiseLike<T>): Promise<T> {
    if (this.callerSignal !== undefined || this.timer === undefined) return raceWithSignal(promise, this.signal);
    const expired = this.timedOutWith;
    if (expired !== undefined) {
      Promise.resolve(promise).catch(() => {});
      return Promise.reject(expired);
    }
    return new Promise<T>((resolve, reject) => {
      this.onTimeout = reject;
      Promise.resolve(promise).then(resolve, reject);
    });
  }

  private expire(timeoutMs: number): void {
    const error = AttemptTimeoutError.create(timeoutMs);
    this.timedOutWith = error;
    this.controller?.abort(error);
    this.onTimeout?.(error);
  }

  /**
   * Like {@link raceWithSignal}, but after a timeout fn gets `graceMs` to settle before it is
   * abandoned, so what runs next (a retry, a rollback) does not overlap it. The attempt still
   * fails with the timeout. A caller's abort ends it at once, as always, and the grace never runs
   * past the deadline: `deadlineLeftMs`, asked when the timeout fires, cuts it short.
   */
  raceWithGrace<T>(promise: PromiseLike<T>, graceMs: number, deadlineLeftMs?: () => number): Promise<T> {
    const signal = this.signal;
    const clock = this.clock;
    if (clock === undefined) return raceWithSignal(promise, signal);
    return new Promise<T>((resolve, reject) => {
      let graceTimer: unknown;
      let timedOut = false;
      const caller = this.callerSignal;
      // During the grace period the attempt's own signal has already aborted (with the timeout),
      // so a caller's abort must be heard on the caller's signal itself.
      const onCallerAbort = () => {
        if (graceTimer === undefined) return;
        clock.clearTimeout(graceTimer);
        graceTimer = undefined;
        reject(caller!.reason);
      };
      const onAbort = () => {
        if (!(signal.reason instanceof AttemptTimeoutError)) {
          if (graceTimer !== undefined) clock.clearTimeout(graceTimer);
          reject(signal.reason);
          return;
        }
        timedOut = true;
        const grace = deadlineLeftMs === undefined ? graceMs : Math.min(graceMs, deadlineLeftMs());
        if (!(grace > 0)) {
          reject(signal.reason); // the deadline is here: no grace, fn's late outcome is dropped
          return;
        }
        graceTimer = clock.setTimeout(() => {
          graceTimer = undefined;
          caller?.removeEventListener('abort', onCallerAbort);
          reject(signal.reason);
        }, grace);
        if (caller?.aborted === true) onCallerAbort();
        else caller?.addEventListener('abort', onCallerAbort, { once: true });
      };
      const settle = (finish: () => void) => {
        signal.removeEventListener('abort', onAbort);
        caller?.removeEventListener('abort', onCallerAbort);
        if (timedOut) {
          if (graceTimer === undefined) return; // abandoned already: the late outcome is dropped
          clock.clearTimeout(graceTimer);
          this.stoppedInGrace = true;
          reject(signal.reason);
        } else finish();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve(promise).then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  /** Gives fn this attempt's own signal (linked to the caller's), so {@link abort} reaches it. */
  useOwnSignal(): void {
    this.ensureController();
  }

  /** Aborts this attempt's signal (a hedge that lost the race). */
  abort(reason: unknown): void {
    this.ensureController().abort(reason);
  }

  /** Clears the timer and the link to the caller's signal. */
  dispose(): void {
    if (this.timer !== undefined) this.clock!.clearTimeout(this.timer);
    this.unlinkCaller?.();
  }

  private ensureController(): AbortController {
    if (this.controller !== undefined) return this.controller;
    const controller = new AbortController();
    this.controller = controller;
    // Read after its timeout fired: the signal is born aborted, as it would have been.
    if (this.timedOutWith !== undefined) controller.abort(this.timedOutWith);
    const caller = this.callerSignal;
    if (caller !== undefined) {
      if (caller.aborted) controller.abort(caller.reason);
      else {
        const forward = () => controller.abort(caller.reason);
        caller.addEventListener('abort', forward, { once: true });
        this.unlinkCaller = () => caller.removeEventListener('abort', forward);
      }
    }
    return controller;
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts, whichever
 * comes first. Used so that a timed-out or cancelled attempt returns at once even when fn
 * ignores its signal; fn's late outcome is observed (never unhandled) and dropped.
 */
export function raceWithSignal<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    Promise.resolve(promise).catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
