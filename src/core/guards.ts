/**
 * Type guards that never throw, shared by every layer (errors, classification, the recovery
 * steps and the pipeline): a value under test can be anything, a hostile Proxy included.
 */

/** Whether a value is a promise or promise-like (has a `then` method), so it must be awaited. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * `value instanceof type`, but never throws: a Proxy's `getPrototypeOf` trap (or a revoked
 * Proxy) makes `instanceof` throw, and classification must not.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any class, private constructors included
export function isInstance(value: unknown, type: Function): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}
