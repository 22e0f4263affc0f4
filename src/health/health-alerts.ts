import { HealingConfigError } from '../errors.js';
import type { HealthAlert } from './health-types.js';

/** The alert callbacks of one monitor: each hears every level change, and none can break it. */
export class AlertCallbacks {
  private readonly callbacks = new Set<(alert: HealthAlert) => unknown>();

  /** Adds `callback`; returns the function that removes it. */
  subscribe(callback: (alert: HealthAlert) => unknown): () => void {
    if (typeof callback !== 'function') throw new HealingConfigError('onAlert', `expected a function, got ${typeof callback}`);
    this.callbacks.add(callback);
    return () => {
      this.callbacks.delete(callback);
    };
  }

  /** Calls every callback with `alert`, ignoring a throw or a rejection. */
  emit(alert: HealthAlert): void {
    for (const callback of this.callbacks) {
      try {
        const returned = callback(alert) as unknown;
        if (returned instanceof Promise) returned.catch(() => {});
      } catch {
        // an alert callback must not break recording
      }
    }
  }
}
