import { ignoreRejection } from './guards.js';

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
  /**
   * Each event's subscriptions, a new array at each change (never changed in place): an emit
   * walks the array it started with, so a listener added during it waits for the next emit (one
   * that subscribes again as it runs cannot loop), and emitting allocates nothing.
   */
  private map: Map<keyof Events, Subscription[]> | undefined = undefined;

  /** `true` while no listener is registered for any event. */
  get idle(): boolean {
    return this.map === undefined;
  }

  /**
   * Adds `listener` for `event` (callers check that it is a function); returns the function that
   * removes this subscription, and only it: the same function subscribed twice runs twice, and
   * stays subscribed once until its other unsubscribe is called.
   */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => unknown): () => void {
    const map = (this.map ??= new Map<keyof Events, Subscription[]>());
    const subscription: Subscription = { listener: listener as Listener, removed: false };
    map.set(event, [...(map.get(event) ?? []), subscription]);
    return () => {
      if (subscription.removed) return;
      subscription.removed = true; // an emit under way skips it from now on
      const left = (map.get(event) ?? []).filter((other) => other !== subscription);
      if (left.length > 0) {
        map.set(event, left);
        return;
      }
      map.delete(event);
      if (map.size === 0 && this.map === map) this.map = undefined;
    };
  }

  has(event: keyof Events): boolean {
    return this.map?.get(event) !== undefined;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const subscriptions = this.map?.get(event);
    if (subscriptions === undefined) return;
    for (const subscription of subscriptions) {
      if (subscription.removed) continue;
      try {
        ignoreRejection((subscription.listener as (payload: Events[K]) => unknown)(payload));
      } catch {
        // an observer must not break the call it observes
      }
    }
  }
}

interface Subscription {
  readonly listener: Listener;
  /** Unsubscribed: an emit that started before skips it. */
  removed: boolean;
}
