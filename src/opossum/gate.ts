import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { delayMs, positiveMs } from '../config/schema-helpers.js';
import { HealingConfigError } from '../errors.js';
import type { OpossumBreakerOptions, OpossumCircuitBreaker } from './opossum-types.js';

/**
 * The opossum majors whose `CircuitBreaker#call` was read to confirm what {@link fireGate} relies
 * on. test/opossum/opossum-internals.test.ts fails when the installed opossum is not one of them.
 */
export const CHECKED_OPOSSUM_MAJORS: readonly number[] = [8, 9, 10];

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * A thenable that runs its reactions synchronously when settled, instead of on a later microtask
 * as a Promise would. The gate action returns one, so opossum's `.then(...).catch(...)` handlers
 * run inside `recordSuccess` / `recordFailure`: opossum counts the outcome and opens or closes
 * before that call returns, as the pipeline's breaker protocol expects. It follows the Promise
 * rules that matter here: a handler's throw rejects the derived thenable, a missing handler passes
 * the outcome on, and a rejection nobody handles surfaces as an unhandled rejection (as opossum's
 * own promise chain would).
 */
export class SyncThenable {
  private outcome: Outcome | undefined;
  private reactions: Array<(outcome: Outcome) => void> = [];
  private handled = false;

  settle(outcome: Outcome): void {
    if (this.outcome !== undefined) return;
    this.outcome = outcome;
    const reactions = this.reactions;
    this.reactions = [];
    for (const react of reactions) react(outcome);
    if (!outcome.ok && !this.handled) {
      queueMicrotask(() => {
        if (!this.handled) void Promise.reject(outcome.error);
      });
    }
  }

  then(onFulfilled?: ((value: unknown) => unknown) | null, onRejected?: ((error: unknown) => unknown) | null): SyncThenable {
    this.handled = true;
    const next = new SyncThenable();
    const react = (outcome: Outcome): void => {
      const handler = outcome.ok ? onFulfilled : onRejected;
      if (typeof handler !== 'function') return next.settle(outcome);
      try {
        next.settle({ ok: true, value: handler(outcome.ok ? outcome.value : outcome.error) });
      } catch (error) {
        next.settle({ ok: false, error });
      }
    };
    if (this.outcome === undefined) this.reactions.push(react);
    else react(this.outcome);
    return next;
  }

  catch(onRejected?: ((error: unknown) => unknown) | null): SyncThenable {
    return this.then(undefined, onRejected);
  }
}

/**
 * One call that opossum admitted: the thenable our action returned to opossum stays pending while
 * the pipeline runs the user's function, and is settled with its outcome.
 */
export class GateTicket {
  started = false;
  private readonly outcome = new SyncThenable();

  /** Called by the gate action, inside `fire()`: the call is admitted. */
  start(): SyncThenable {
    this.started = true;
    return this.outcome;
  }

  /** opossum sees the action resolve: a 'success' (closes a half-open breaker). */
  succeed(): void {
    this.outcome.settle({ ok: true, value: undefined });
  }

  /** opossum sees the action reject with `error`: its errorFilter, then 'failure' and its trip rule. */
  fail(error: unknown): void {
    this.outcome.settle({ ok: false, error });
  }
}

/** What the adapter needs to know about a breaker built by {@link createOpossumBreaker}. */
export interface Gate {
  /** The options object opossum keeps as `breaker.options`; opossum fills in its defaults. */
  readonly options: OpossumBreakerOptions;
  /** `Date.now()` when the breaker last opened, or -1. */
  openedAt: number;
  /** How many times opossum refused a call ('reject' or 'semaphoreLocked'). */
  refusals: number;
}

const gates = new WeakMap<object, Gate>();

/** The gate of a breaker built by {@link createOpossumBreaker}, or `undefined`. */
export function gateOf(breaker: object): Gate | undefined {
  return gates.get(breaker);
}

/**
 * The action every gate breaker is built around. It runs nothing: it hands opossum a thenable that
 * the adapter settles with the outcome of the call the pipeline made.
 */
function selfHealingGate(ticket: unknown): Promise<unknown> {
  if (!(ticket instanceof GateTicket)) {
    return Promise.reject(new TypeError(
      'This opossum breaker was built by createOpossumBreaker(): it runs the calls of a HealingPipeline ' +
      '(through fromOpossum()), and has no action of its own to fire().',
    ));
  }
  // opossum takes any thenable (`typeof result.then === 'function'`), and chains on it with
  // .then().catch(): a SyncThenable, so that it sees the outcome synchronously.
  return ticket.start() as unknown as Promise<unknown>;
}

const ignore = (): void => {};

/**
 * Asks opossum to admit one call, by firing the gate breaker: opossum itself emits 'fire', refuses
 * ('reject' when open or when its one half-open probe is taken, 'semaphoreLocked' at `capacity`)
 * or runs the gate action, which admits the call. Returns the admitted call's ticket, or
 * `undefined` when opossum refused.
 *
 * This (with the {@link SyncThenable} the gate action returns) is the one place that relies on
 * how opossum works rather than on what it documents. `CircuitBreaker#call`:
 *
 * 1. decides synchronously: it emits 'reject' / 'semaphoreLocked', or calls the action inside the
 *    `new Promise` executor, before `fire()` returns;
 * 2. chains its outcome handlers on the action's result with `result.then(...).catch(...)`, so a
 *    thenable that settles synchronously has them run synchronously.
 *
 * Checked in lib/circuit.js of opossum 8.0.0, 9.0.0 and 10.0.0 ({@link CHECKED_OPOSSUM_MAJORS});
 * test/opossum/opossum-internals.test.ts pins both. If a future opossum broke (1), this throws
 * rather than refuse every call; if it broke (2), outcomes would reach opossum a microtask late.
 */
export function fireGate(breaker: OpossumCircuitBreaker, gate: Gate): GateTicket | undefined {
  if (breaker.isShutdown) return undefined;
  const ticket = new GateTicket();
  const refusalsBefore = gate.refusals;
  // The promise is opossum's view of the call (or of its refusal, or a user fallback's result);
  // the pipeline already has the real one, so this one is only kept from being unhandled.
  breaker.fire(ticket).then(ignore, ignore);
  if (ticket.started) return ticket;
  if (gate.refusals !== refusalsBefore || breaker.isShutdown) return undefined;
  throw new Error(
    `self-healing/opossum: opossum breaker "${breaker.name}" neither ran nor refused the call synchronously. ` +
    `This adapter relies on fire() deciding synchronously, as opossum ${CHECKED_OPOSSUM_MAJORS.join(', ')} do; ` +
    'the installed opossum behaves differently, please report it.',
  );
}

const NAME_REQUIRED = 'name is required (it names the breaker in opossum\'s metrics and in the registry)';
const SKIPS_THE_CALL = 'is not supported: a cached or coalesced fire() would skip the call the pipeline makes';

/**
 * The options this module types, checked before opossum sees them; every other key is opossum's
 * (its list changes between majors) and passes through as it is.
 */
const opossumOptionsSchema = z.looseObject({
  name: z.string({ error: NAME_REQUIRED }).min(1, NAME_REQUIRED),
  resetTimeout: delayMs.optional(),
  errorThresholdPercentage: z.number().min(0).max(100).optional(),
  volumeThreshold: z.number().int().min(0).optional(),
  timeout: z.union([delayMs, z.literal(false)]).optional(),
  rollingCountTimeout: positiveMs.optional(),
  rollingCountBuckets: z.number().int().min(1).optional(),
  cache: z.literal(false, { error: SKIPS_THE_CALL }).optional(),
  coalesce: z.literal(false, { error: SKIPS_THE_CALL }).optional(),
}, { error: 'expected opossum\'s options, with a name: { name, resetTimeout?, ... }' });

/**
 * The constructor of opossum's `CircuitBreaker` (the default export of 'opossum'). Loosely typed
 * so that @types/opossum's generic class fits, and plain JavaScript callers too.
 *
 * @example
 * ```ts
 * import CircuitBreaker from 'opossum';
 * const Ctor: OpossumConstructor<CircuitBreaker> = CircuitBreaker;
 * ```
 */
export type OpossumConstructor<B extends OpossumCircuitBreaker> =
  new (action: (...args: any[]) => Promise<unknown>, options?: any) => B;

/**
 * Builds an opossum `CircuitBreaker` whose calls come from a `HealingPipeline`. Pass it to
 * {@link fromOpossum} and register the adapter; attach opossum's Prometheus or Hystrix metrics,
 * event listeners and `healthCheck` to the breaker this returns, as to any opossum breaker.
 *
 * The breaker is built around a gate action instead of your function: each pipeline attempt is one
 * real `fire()`, so opossum's own code decides admission (open, half-open single probe,
 * `capacity`, `enabled`, shutdown) and sees every outcome (its latency, `timeout`, `errorFilter`,
 * rolling window, `errorThresholdPercentage`, `volumeThreshold`, `allowWarmUp`, and every event).
 *
 * Pass the `CircuitBreaker` class you import from 'opossum' (>= 9): this package does not import
 * opossum itself, so it always uses your copy and version. Do not call `fire()` on the result (it
 * rejects with a TypeError) nor give it a `.fallback()` (the pipeline's `fallback` does that job).
 * opossum's timers belong to the breaker: `breaker.shutdown()` stops them when you are done.
 *
 * @throws {HealingConfigError} naming the option (`createOpossumBreaker.name`) when `name` is missing, a
 * typed option is out of range (`resetTimeout: -1`), or `cache`/`coalesce` is set.
 * @example
 * ```ts
 * import CircuitBreaker from 'opossum';
 * import { createOpossumBreaker, fromOpossum } from 'self-healing/opossum';
 *
 * const breaker = createOpossumBreaker(CircuitBreaker, { name: 'payments', resetTimeout: 30_000 });
 * breaker.on('open', () => console.warn('payments circuit opened'));
 * registry.register(fromOpossum(breaker));
 * ```
 */
export function createOpossumBreaker<B extends OpossumCircuitBreaker>(
  CircuitBreaker: OpossumConstructor<B>,
  options: OpossumBreakerOptions,
): B {
  if (typeof CircuitBreaker !== 'function') {
    throw new HealingConfigError('createOpossumBreaker.CircuitBreaker', 'pass the CircuitBreaker class imported from "opossum"');
  }
  parseWith(opossumOptionsSchema, options, 'createOpossumBreaker');
  // opossum keeps this object as `breaker.options` and writes its defaults into it, so the
  // adapter reads the resolved `resetTimeout` here without touching opossum's internals.
  const gate: Gate = { options: { ...options }, openedAt: -1, refusals: 0 };
  const breaker = new CircuitBreaker(selfHealingGate, gate.options);
  // Opened through `options.state`: opossum's reset timer started during construction.
  if (breaker.opened) gate.openedAt = Date.now();
  breaker.on('open', () => { gate.openedAt = Date.now(); });
  const refused = (): void => { gate.refusals++; };
  breaker.on('reject', refused);
  breaker.on('semaphoreLocked', refused);
  gates.set(breaker, gate);
  return breaker;
}
