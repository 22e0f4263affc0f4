import { isInstance } from './core/guards.js';
import type { HealingResult } from './pipeline/healing-result.js';
import { cutAtTokenBoundary } from './core/cut-text.js';
import { LastText } from './core/last-text.js';

/**
 * Builds an error without capturing a stack trace.
 *
 * Used for errors the library raises on hot paths (an open circuit refusing a call, an attempt
 * timing out): their stack would only show library frames, and capturing it costs microseconds.
 */
export function withoutStack<E extends Error>(build: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * `instanceof` for an error class of ours: its own instances and its subclasses', and, for the
 * class itself, an error with its `code` made by another copy of the package in the process (two
 * installed versions, or the CommonJS and the ES module copy that a loader such as tsx evaluates
 * apart), so `isCircuitOpenError` and `catch (e) { if (e instanceof ...) }` hold across copies.
 * @internal
 */
export function ownOrSameCode(cls: object, base: object, code: string, value: unknown): boolean {
  try {
    // `isPrototypeOf` is what `instanceof` does without a Symbol.hasInstance, and V8 compiles it as one.
    if ((cls as { prototype: object }).prototype.isPrototypeOf(value as object)) return true;
    return cls === base && value instanceof Error && (value as { code?: unknown }).code === code;
  } catch {
    return false; // a Proxy's trap or a `code` getter that throws: `instanceof` must not (the pipeline asks it of whatever fn threw)
  }
}

/**
 * Makes `instanceof cls` (and the `is*` guards) {@link ownOrSameCode}. Defined after the class,
 * not as a static member inside it: a class body that names its own class is emitted by the
 * bundler as `class _Name`, and the error would print as `_HealingConfigError`.
 * @internal
 */
export function recogniseOtherCopies(cls: object, code: string): void {
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: object, value: unknown): boolean {
      return ownOrSameCode(this, cls, code, value);
    },
  });
}

/**
 * Thrown (or rejected) when options, a breaker config or an environment variable are invalid.
 * `option` names the offending option path, e.g. `retry.maxAttempts`.
 *
 * @example
 * ```ts
 * try {
 *   await executeWithHealing(fn, args, { retry: { maxAttempts: 0 } });
 * } catch (error) {
 *   if (isHealingConfigError(error)) console.error(error.option); // 'retry.maxAttempts'
 * }
 * ```
 */
export class HealingConfigError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = 'ERR_HEALING_CONFIG';
  override readonly name = 'HealingConfigError';
  /** The option (or environment variable) that is wrong, as a dotted path. */
  readonly option: string;

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(`Invalid \`${option}\`: ${message}`, options);
    this.option = option;
  }
}
recogniseOtherCopies(HealingConfigError, 'ERR_HEALING_CONFIG');

/**
 * The error of an attempt refused by an open circuit breaker. Built without a stack trace, so
 * refusing is cheap.
 *
 * @example
 * ```ts
 * const result = await executeWithHealing(callApi, {}, { circuitName: 'api' });
 * if (result.status === 'error' && isCircuitOpenError(result.error)) {
 *   console.log(`retry in ${result.error.retryAfterMs} ms`);
 * }
 * ```
 */
export class CircuitOpenError extends Error {
  readonly code = 'ERR_CIRCUIT_OPEN';
  override readonly name = 'CircuitOpenError';
  /** The breaker that refused. */
  readonly circuit: string;
  /** How long until the breaker lets a probe through, in ms (0 when a probe is already in flight). */
  readonly retryAfterMs: number;

  private constructor(circuit: string, retryAfterMs: number, rampPercent: number | null) {
    super(rampPercent === null
      ? openMessage(circuit)
      : `Circuit "${circuit}" is ramping up after a recovery (admitting ${rampPercent} % of calls): the call was refused without running it`);
    this.circuit = circuit;
    this.retryAfterMs = retryAfterMs;
  }

  /** Creates the error without capturing a stack trace; `rampPercent` when a ramp refused it. */
  static create(circuit: string, retryAfterMs: number, rampPercent: number | null = null): CircuitOpenError {
    return withoutStack(() => new this(circuit, retryAfterMs, rampPercent));
  }
}
recogniseOtherCopies(CircuitOpenError, 'ERR_CIRCUIT_OPEN');

/**
 * The message of a refusal by an open circuit, one string per circuit while it keeps refusing:
 * every refusal's actions redact this message, and the redaction remembers the last one it did,
 * which an identical string (not merely an equal one built anew) finds without comparing text.
 */
function openMessage(circuit: string): string {
  return openMessages.of(circuit) ?? openMessages.keep(`Circuit "${circuit}" is open: the call was refused without running it`, circuit);
}

const openMessages = new LastText();

/**
 * Thrown when a registry already holds `maxBreakers` breakers and none is idle enough to evict:
 * usually a sign that breaker names carry an unbounded key (a user id, a full URL).
 *
 * @example
 * ```ts
 * try { registry.get(`host:${host}`); } catch (error) { if (error instanceof RegistryFullError) useSharedBreaker(); }
 * ```
 */
export class RegistryFullError extends Error {
  readonly code = 'ERR_REGISTRY_FULL';
  override readonly name = 'RegistryFullError';
  readonly maxBreakers: number;

  constructor(maxBreakers: number, wanted: string) {
    super(`Cannot create circuit "${wanted}": the registry already holds its maximum of ${maxBreakers} breakers. ` +
      'Name breakers by a bounded key (host, model, tenant tier), set idleTimeoutMs so idle ones are evicted, or raise maxBreakers.');
    this.maxBreakers = maxBreakers;
  }
}
recogniseOtherCopies(RegistryFullError, 'ERR_REGISTRY_FULL');

/**
 * The error of an attempt that ran longer than `timeoutMs`. Its signal was aborted with this error.
 *
 * @example
 * ```ts
 * const result = await executeWithHealing(slowCall, {}, { timeoutMs: 1_000 });
 * if (result.status === 'error' && isAttemptTimeoutError(result.error)) console.log('too slow');
 * ```
 */
export class AttemptTimeoutError extends Error {
  readonly code = 'ERR_ATTEMPT_TIMEOUT';
  override readonly name = 'AttemptTimeoutError';
  /** The per-attempt limit that was exceeded. */
  readonly timeoutMs: number;

  private constructor(timeoutMs: number) {
    super(`Attempt timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }

  /** Creates the error without capturing a stack trace. */
  static create(timeoutMs: number): AttemptTimeoutError {
    return withoutStack(() => new this(timeoutMs));
  }
}
recogniseOtherCopies(AttemptTimeoutError, 'ERR_ATTEMPT_TIMEOUT');

/**
 * Wraps a thrown value that is not an `Error` (a string, `null`, a plain object), so that
 * `HealingResult.error` is always an `Error`. The original value is kept in `thrown`.
 *
 * @example
 * ```ts
 * const result = await executeWithHealing(() => { throw 'boom'; }, {});
 * if (result.status === 'error' && result.error instanceof NonErrorThrownError) {
 *   console.log(result.error.thrown); // 'boom'
 * }
 * ```
 */
export class NonErrorThrownError extends Error {
  readonly code = 'ERR_NON_ERROR_THROWN';
  override readonly name = 'NonErrorThrownError';
  /** The value that was thrown. */
  readonly thrown: unknown;

  constructor(thrown: unknown) {
    super(`A non-Error value was thrown: ${describeThrown(thrown)}`);
    this.thrown = thrown;
  }
}
recogniseOtherCopies(NonErrorThrownError, 'ERR_NON_ERROR_THROWN');

function describeThrown(value: unknown): string {
  try {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text === undefined ? String(value) : cutAtTokenBoundary(text, 200); // redacted later: a cut token would slip past its pattern
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return 'a value that cannot be read'; // a Proxy whose traps throw
    }
  }
}

/**
 * Returns `value` when it is an `Error`, else wraps it in a {@link NonErrorThrownError}. Never
 * throws: `instanceof` on a Proxy with a throwing `getPrototypeOf` trap (or a revoked one) does.
 */
export function toError(value: unknown): Error {
  return isInstance(value, Error) ? (value as Error) : new NonErrorThrownError(value);
}

/**
 * The message of an error, as a string, without ever throwing: a thrown value's `message` can be
 * a getter that throws, or not a string at all.
 */
export function messageOf(error: Error): string {
  try {
    const message: unknown = error.message;
    return typeof message === 'string' ? message : String(message);
  } catch {
    return '(the error message could not be read)';
  }
}

/**
 * Thrown by functions wrapped with `withSelfHealing` when healing failed. `result` is the whole
 * {@link HealingResult}; `cause` is its `error`.
 *
 * @example
 * ```ts
 * try {
 *   await client.fetchUser('42');
 * } catch (error) {
 *   if (isHealingError(error)) console.log(error.result.healingActions);
 * }
 * ```
 */
export class HealingError<R = unknown> extends Error {
  readonly code = 'ERR_HEALING_FAILED';
  override readonly name = 'HealingError';
  /** What was tried, and why it ended. */
  readonly result: HealingResult<R> & { status: 'error' };

  constructor(result: HealingResult<R> & { status: 'error' }) {
    const giveUp = result.healingActions[result.healingActions.length - 1];
    // The give-up action's error is the message with its secrets redacted (the pipeline wrote
    // it): this message is often logged or handed to a model, where the raw one must not go.
    super(
      `Self-healing gave up after ${result.attempts} attempt(s)` +
        `${giveUp?.reason ? ` (${giveUp.reason})` : ''}: ${giveUp?.error ?? messageOf(result.error)}`,
      { cause: result.error },
    );
    this.result = result;
  }
}
recogniseOtherCopies(HealingError, 'ERR_HEALING_FAILED');

/**
 * Type guard for {@link HealingConfigError}.
 * @example
 * ```ts
 * if (isHealingConfigError(error)) console.error(error.option);
 * ```
 */
export function isHealingConfigError(error: unknown): error is HealingConfigError {
  return error instanceof HealingConfigError;
}

/**
 * Type guard for {@link CircuitOpenError}.
 * @example
 * ```ts
 * if (isCircuitOpenError(result.error)) console.log(result.error.circuit);
 * ```
 */
export function isCircuitOpenError(error: unknown): error is CircuitOpenError {
  return error instanceof CircuitOpenError;
}

/**
 * Type guard for {@link AttemptTimeoutError}.
 * @example
 * ```ts
 * if (isAttemptTimeoutError(result.error)) console.log(result.error.timeoutMs);
 * ```
 */
export function isAttemptTimeoutError(error: unknown): error is AttemptTimeoutError {
  return error instanceof AttemptTimeoutError;
}

/**
 * Type guard for {@link HealingError}.
 * @example
 * ```ts
 * if (isHealingError(error)) console.log(error.result.attempts);
 * ```
 */
export function isHealingError(error: unknown): error is HealingError {
  return error instanceof HealingError;
}
