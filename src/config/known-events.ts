import { HealingConfigError } from '../errors.js';
import type { Listeners } from '../core/listeners.js';
import { suggestionFor } from './suggest-option.js';

// The check every public `on` makes (the pipeline's, a registry's, a breaker's...), kept out of
// core/listeners.ts so that the emitter imports nothing above it.

/**
 * The events a public `on` accepts: `emitter` names it in the error ('circuit breaker'), and
 * `events` lists every one of them as a record, so the compiler says when one is missing.
 *
 * @example
 * ```ts
 * const known: KnownEvents<{ escalate: Escalation }> = { emitter: 'adaptive healing', events: { escalate: true } };
 * ```
 */
export interface KnownEvents<Events> {
  readonly emitter: string;
  readonly events: { readonly [K in keyof Events]-?: true };
}

/**
 * Refuses a subscription that would never be called, as every public `on` does (the pipeline's,
 * a registry's, a breaker's...): an event the emitter does not have (`'opened'` for `'open'`) is a
 * HealingConfigError listing the known ones, with the nearest as a suggestion; a listener that is
 * not a function is one too. Silently kept, either would only ever miss what it waits for.
 */
export function checkSubscription(emitter: string, known: readonly string[], event: unknown, listener: unknown): void {
  if (typeof event !== 'string' || !known.includes(event)) {
    throw new HealingConfigError('event', `unknown ${emitter} event ${describeEvent(event)}${nearest(event, known)}; known: ${known.join(', ')}`);
  }
  if (typeof listener !== 'function') throw new HealingConfigError('listener', `expected a function, got ${typeof listener}`);
}

/** ` (did you mean "open"?)` when an event name is near enough to `event`, else nothing. */
function nearest(event: unknown, known: readonly string[]): string {
  if (typeof event !== 'string') return '';
  // The option names' suggestion, without its words for options (another library's option name).
  const suggestion = suggestionFor(event, known, '');
  const name = known.find((candidate) => suggestion?.startsWith(`did you mean ${candidate}?`));
  if (name === undefined) return '';
  return ` (did you mean ${JSON.stringify(name)}?${name.toLowerCase() === event.toLowerCase() ? ' event names are case-sensitive' : ''})`;
}

function describeEvent(event: unknown): string {
  if (typeof event === 'string') return JSON.stringify(event.length > 60 ? `${event.slice(0, 60)}…` : event);
  return typeof event === 'symbol' ? event.toString() : `of type ${event === null ? 'null' : typeof event}`;
}

/**
 * {@link checkSubscription} against `known`, then `listeners.on(event, listener)`: a public `on` in one line.
 * @example
 * ```ts
 * on(event, listener) { return subscribe(this.listeners, { emitter: 'adaptive healing', events: { escalate: true } }, event, listener); }
 * ```
 */
export function subscribe<Events extends object, K extends keyof Events>(
  listeners: Listeners<Events>, known: KnownEvents<Events>, event: K, listener: (payload: Events[K]) => unknown,
): () => void {
  checkSubscription(known.emitter, Object.keys(known.events), event, listener);
  return listeners.on(event, listener);
}
