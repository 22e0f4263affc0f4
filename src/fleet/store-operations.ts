import { withinTimeout, type Clock } from '../clock.js';
import type { StateStore } from './state-store.js';

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

/**
 * How each part of a shared breaker (its state replica, probe lease, outcome batch) reaches the
 * store: under the breaker's timeout, with failures reported to the breaker (which then runs on
 * local state), and not at all once the breaker is closed.
 */
export interface StoreLink {
  /** The breaker's name: its key in the store. */
  name: string;
  store: StateStore;
  /** This process's name in the store (quorum counts, lease owner). */
  instanceId: string;
  clock: Clock;
  /** Runs one store operation under the store timeout: it rejects rather than hangs. */
  operate: <T>(operation: () => Promise<T>) => Promise<T>;
  storeFailed: (error: unknown) => void;
  isClosed: () => boolean;
}
