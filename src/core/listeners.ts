import { isThenable } from './guards.js';

type Listener = (payload: never) => unknown;

/**
 * The one typed event emitter of the library: breakers, the registry, pipelines, features,
 * adaptive healing and the health monitor's alerts all use it.
 *
 * - While nobody listens it holds no map at all ({@link Listeners.idle}), so a hot path pays one
 *   field check, and it returns to that state when the last listener leaves.
 * - A listener that throws, or returns a promise that rejects, is ignored: observers can never
 *   break the call they observe, and no rejection goes unhandled.
 */
export class Listeners<Events extends object> {
  private map: Map<keyof Events, Set<Listener>> | undefined = undefined;

  /** `true` while no listener is registered for any event. */
  get idle(): boolean {
    return this.map === undefined;
  }

  /** Adds `listener` for `event` (callers check that it is a function); returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => unknown): () => void {
    const map = (this.map ??= new Map());
    let set = map.get(event);
    if (set === undefined) map.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => {
      if (!set.delete(listener as Listener) || set.size > 0) return;
      map.delete(event);
      if (map.size === 0 && this.map === map) this.map = undefined;
    };
  }

  has(event: keyof Events): boolean {
    return this.map?.get(event) !== undefined;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.map?.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        const returned = (listener as (payload: Events[K]) => unknown)(payload);
        // Any thenable, not only a native promise: another library's (or realm's) promise that
        // rejects is handled too, once a rejection handler is attached to it.
        if (isThenable(returned)) Promise.resolve(returned).catch(() => {});
      } catch {
        // an observer must not break the call it observes
      }
    }
  }
}
