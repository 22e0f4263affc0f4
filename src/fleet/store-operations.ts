import { withinTimeout, type Clock } from '../clock.js';

/** A store operation that did not answer within `storeTimeoutMs`. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the state store did not answer within ${timeoutMs} ms`);
  }
}

/**
 * Runs one store operation under a timeout. A store that throws synchronously, rejects or does not
 * answer in time all end the same way: a rejected promise, never a hang. The timer is unref'd.
 */
export function withStoreTimeout<T>(clock: Clock, timeoutMs: number, operation: () => Promise<T>): Promise<T> {
  return withinTimeout(clock, timeoutMs, operation, () => new StoreTimeoutError(timeoutMs));
}
