import { KeepAlive, type Clock } from '../clock.js';
import { toError } from '../errors.js';

/** How a shared recovery ended. Never a rejection: every waiter reads the same value, and none goes unhandled. */
export type RecoveryEnd = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/**
 * What a failure on a key does, given the key's state (see {@link RecoveryFlights.onFailure}). An
 * execution that waits for the `flight` holds its `keepAlive` meanwhile: the recovery's time limit
 * keeps the process alive while someone awaits it, and not once every waiter gave up.
 */
export type FailureStep =
  | { readonly step: 'run'; readonly flight: Promise<RecoveryEnd>; readonly keepAlive: KeepAlive }
  | { readonly step: 'wait'; readonly flight: Promise<RecoveryEnd>; readonly keepAlive: KeepAlive }
  | { readonly step: 'recovered' };

interface KeyState {
  /** Executions of the strategy on this key now running (their attempt, wait or retry). */
  active: number;
  /** Recoveries of this key that succeeded since the state was created: an attempt notes it as it starts. */
  recovered: number;
  /** The recovery running now, if any: the one promise every failure on the key joins, and who awaits it. */
  flight: { readonly end: Promise<RecoveryEnd>; readonly keepAlive: KeepAlive } | undefined;
}

/**
 * The single-flight table of one `oneRecoveryPerKey` strategy: per key, the recovery in flight
 * and how many recoveries succeeded. A key's entry lives while an execution on it runs or its
 * recovery is in flight, and is deleted after both, so keys do not pile up (a key per tenant,
 * per tool) and nothing of a finished recovery is shared later.
 */
export class RecoveryFlights {
  readonly #keys = new Map<string, KeyState>();

  /** An execution's attempt on `key` starts: returns its epoch, the recoveries of the key so far. */
  enter(key: string): number {
    let state = this.#keys.get(key);
    if (state === undefined) this.#keys.set(key, (state = { active: 0, recovered: 0, flight: undefined }));
    state.active++;
    return state.recovered;
  }

  /** The execution that entered on `key` is done with it. */
  leave(key: string): void {
    const state = this.#keys.get(key);
    if (state === undefined) return;
    state.active--;
    this.#dropIfIdle(key, state);
  }

  /** Whether a failure of an attempt that entered at `epoch` would start a recovery of `key` now. */
  wouldRun(key: string, epoch: number): boolean {
    const state = this.#keys.get(key);
    return state === undefined || (state.flight === undefined && state.recovered <= epoch);
  }

  /**
   * What a qualifying failure of an attempt that entered at `epoch` does: join the recovery in
   * flight (`wait`); skip recovering when one succeeded after the attempt started, since the
   * attempt may have failed on the state before it (`recovered`); or start one (`run`, with
   * `recover` called now, once, given the flight's {@link KeepAlive} for its timer).
   */
  onFailure(key: string, epoch: number, recover: (keepAlive: KeepAlive) => Promise<RecoveryEnd>): FailureStep {
    const state = this.#keys.get(key)!;
    if (state.flight !== undefined) return { step: 'wait', flight: state.flight.end, keepAlive: state.flight.keepAlive };
    if (state.recovered > epoch) return { step: 'recovered' };
    const keepAlive = new KeepAlive();
    // A rejection (there should be none) still frees the key: a stuck entry would make every
    // later failure on it wait for a recovery that never ends.
    const flight = recover(keepAlive).then(undefined, (thrown: unknown): RecoveryEnd => ({ ok: false, error: toError(thrown) })).then((end) => {
      // Cleared before any waiter resumes (they await this very promise): a failure seen by a
      // waiter's retry never joins the recovery it just waited for.
      state.flight = undefined;
      if (end.ok) state.recovered++;
      this.#dropIfIdle(key, state);
      return end;
    });
    state.flight = { end: flight, keepAlive };
    return { step: 'run', flight, keepAlive };
  }

  /** Whether a recovery of `key` is in flight now. */
  recovering(key: string): boolean {
    return this.#keys.get(key)?.flight !== undefined;
  }

  /** Keys with an execution running or a recovery in flight (for tests and leak checks). */
  get size(): number {
    return this.#keys.size;
  }

  #dropIfIdle(key: string, state: KeyState): void {
    if (state.active === 0 && state.flight === undefined && this.#keys.get(key) === state) this.#keys.delete(key);
  }
}

/**
 * Runs the user's `recover` once, as a {@link RecoveryEnd}: a throw, a rejection or passing
 * `timeoutMs` on `clock` end it as failed. At the timeout `signal` aborts, so a recovery that
 * listens can stop, and the key is free for a new one; its late outcome is observed and dropped.
 * The timer is cleared as soon as the recovery settles. It keeps the process alive while
 * `keepAlive` is held (an execution awaits the recovery), and not otherwise.
 */
export function runRecovery(
  recover: (signal: AbortSignal) => void | PromiseLike<void>, clock: Clock, timeoutMs: number, what: string,
  keepAlive: KeepAlive = new KeepAlive(),
): Promise<RecoveryEnd> {
  const controller = new AbortController();
  let pending: PromiseLike<void>;
  try {
    pending = Promise.resolve(recover(controller.signal));
  } catch (thrown) {
    return Promise.resolve({ ok: false, error: toError(thrown) });
  }
  return new Promise<RecoveryEnd>((resolve) => {
    // Held while executions await the recovery: a script whose only work left is that wait must
    // not exit mid-call. A recovery outlives the executions that started it (an abort ends them,
    // not it): once none waits, its time limit must not keep an idle process alive.
    const timer = keepAlive.track(clock.setTimeout(() => {
      keepAlive.untrack(timer);
      const error = new Error(`${what} did not finish within ${timeoutMs} ms`);
      controller.abort(error);
      resolve({ ok: false, error });
    }, timeoutMs));
    const done = () => {
      clock.clearTimeout(timer);
      keepAlive.untrack(timer);
    };
    pending.then(
      () => { done(); resolve({ ok: true }); },
      (thrown: unknown) => { done(); resolve({ ok: false, error: toError(thrown) }); },
    );
  });
}
