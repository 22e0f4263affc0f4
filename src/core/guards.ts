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
 * What user code returned, if it is a thenable, gets a rejection handler that drops the rejection:
 * an observer (a listener, a logger, a deposit nobody awaits) must not leave one unhandled. Any
 * thenable, not only a native promise: another library's (or realm's) is handled too.
 * @example
 * ```ts
 * ignoreRejection(logger.info(fields, message)); // an async sink that is down
 * ```
 */
export function ignoreRejection(returned: unknown): void {
  if (isThenable(returned)) Promise.resolve(returned).catch(() => {});
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

/**
 * The value of `object`'s own data property `key`; `undefined` for an accessor (which may read
 * otherwise each time), an inherited or missing property, or a Proxy whose trap throws.
 * @example
 * ```ts
 * dataValue({ retry: { maxAttempts: 2 } }, 'retry'); // { maxAttempts: 2 }
 * dataValue({ get retry() { return {}; } }, 'retry'); // undefined
 * ```
 */
export function dataValue(object: unknown, key: PropertyKey): unknown {
  if (object === null || typeof object !== 'object') return undefined;
  try {
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}
