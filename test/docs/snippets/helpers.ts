/**
 * Offline stand-ins for the names runnable snippets use without declaring them: what a test
 * would have (a user service that answers, a manual clock) and the sinks of the user's own code
 * (an alert, a logger). Each snippet gets fresh ones: the runner loads a new copy of this module
 * (and of the library) per snippet. Anything that stands for a live service belongs in
 * placeholders.d.ts instead, which only type-checked snippets see.
 */
import { CircuitBreakerRegistry, HealingPipeline, HealingStatistics, HealthMonitor } from '../../../src/index.js';
import { ManualClock } from '../../../src/testing/index.js';

export interface User {
  id: string;
  name: string;
}

/** A user service that answers at once. */
export async function getUser({ id }: { id: string }): Promise<User> {
  return { id, name: `user ${id}` };
}

/** What a fallback serves when the user service cannot answer. */
export const cachedUser: User = { id: '0', name: 'cached user' };

/** Time that moves only when told: `await clock.advance(ms)`. */
export const clock = new ManualClock();

/** A registry of the snippet's own, so breakers of one snippet never meet another's. */
export const registry = new CircuitBreakerRegistry();

/** The 'payments' breaker of `registry`. */
export const breaker = registry.get('payments');

/** A pipeline with the defaults. */
export const pipeline = new HealingPipeline();

export const statistics = new HealingStatistics();
export const monitor = new HealthMonitor();

/** What `alert` and `page` were asked to send, and what `log` logged. */
export const sent: string[] = [];

export function alert(message: string): void {
  sent.push(message);
}

export async function page(message: string): Promise<void> {
  sent.push(message);
}

/** A pino-like logger: `log.info(object, message)`. */
export const log = {
  info: (object: object, message?: string) => void sent.push(`info ${message ?? ''} ${JSON.stringify(object)}`),
  warn: (object: object, message?: string) => void sent.push(`warn ${message ?? ''} ${JSON.stringify(object)}`),
  error: (object: object, message?: string) => void sent.push(`error ${message ?? ''} ${JSON.stringify(object)}`),
};

/** A payment that goes through. */
export async function pay(): Promise<string> {
  return 'paid';
}

/** The base URL of the API the fetch snippets call; the runner's fetch answers it offline. */
export const api = 'https://api.example.com';

/** Consumes a value. */
export function use(value: unknown): void {
  sent.push(`used ${JSON.stringify(value)}`);
}
