import { z } from 'zod';
import type { CircuitBreakerLike } from '../circuit/circuit-breaker-like.js';
import type { CircuitState } from '../circuit/circuit-breaker.js';
import { checkCircuitNameLength, CIRCUIT_NAME_TOO_LONG, MAX_CIRCUIT_NAME_LENGTH } from '../circuit/snapshot.js';
import { parseWith } from '../config/parse.js';
import type { Assert, Same } from '../config/same-type.js';
import { HealingConfigError } from '../errors.js';
import { fireGate, gateOf, type Gate, type GateTicket } from './gate.js';
import type { OpossumCircuitBreaker, OpossumWindowStats } from './opossum-types.js';

/** The largest timer delay: what a shut-down breaker reports as the time left open ("never"). */
const NEVER_MS = 2 ** 31 - 1;

/**
 * Options of {@link fromOpossum}.
 *
 * @example
 * ```ts
 * const options: FromOpossumOptions = { name: 'payments-eu' };
 * ```
 */
export interface FromOpossumOptions {
  /** The adapter's name in the registry (what `circuitName` refers to). Default: the opossum breaker's name. */
  name?: string;
}

const optionsSchema = z.strictObject({
  name: z.string({ error: 'the name must be a non-empty string' }).min(1, 'the name must be a non-empty string')
    .max(MAX_CIRCUIT_NAME_LENGTH, CIRCUIT_NAME_TOO_LONG).optional(),
}, { error: 'expected { name? }' });

// The interface keeps its field docs; this keeps it and the schema the same.
type _Check = Assert<Same<FromOpossumOptions, z.input<typeof optionsSchema>>>;

/**
 * What {@link OpossumBreakerAdapter.stats} returns: the adapter's view plus opossum's rolling window.
 *
 * @example
 * ```ts
 * const { state, window } = adapter.stats();
 * console.log(`${state}: ${window.failures}/${window.fires} failed in the window`);
 * ```
 */
export interface OpossumAdapterStats {
  /** The adapter's name in the registry. */
  name: string;
  /** The opossum breaker's own name. */
  opossumName: string;
  state: CircuitState;
  /** opossum's `enabled` (a disabled breaker admits every call and records no outcome). */
  enabled: boolean;
  /** opossum's `isShutdown` (refuses every call for good). */
  shutdown: boolean;
  /** Calls this adapter admitted and whose outcome is not recorded yet. */
  inFlight: number;
  /** When the breaker last opened (ms since the epoch), or `null`. */
  openedAt: number | null;
  resetTimeoutMs: number;
  errorThresholdPercentage: number;
  volumeThreshold: number;
  /** opossum's rolling-window totals (`breaker.stats`), without the latency lists. */
  window: OpossumWindowStats;
}

/**
 * A `CircuitBreakerLike` backed by an opossum breaker: what {@link fromOpossum} returns. Register
 * it with `registry.register(adapter)` and name it in `circuitName`.
 *
 * @example
 * ```ts
 * const adapter: OpossumBreakerAdapter = fromOpossum(breaker);
 * if (adapter.opossum.opened) console.log(`retry in ${adapter.remainingOpenMs()} ms`);
 * ```
 */
export interface OpossumBreakerAdapter<B extends OpossumCircuitBreaker = OpossumCircuitBreaker> extends CircuitBreakerLike {
  /** The opossum breaker: its events, metrics, `shutdown()`. */
  readonly opossum: B;
  stats(): OpossumAdapterStats;
}

class Adapter<B extends OpossumCircuitBreaker> implements OpossumBreakerAdapter<B> {
  readonly name: string;
  readonly opossum: B;
  private readonly gate: Gate;
  /** Admitted calls, oldest first: the pipeline's protocol carries no handle, so outcomes settle them in order. */
  private readonly inFlight: GateTicket[] = [];

  constructor(breaker: B, gate: Gate, name: string) {
    this.opossum = breaker;
    this.gate = gate;
    this.name = name;
  }

  get state(): CircuitState {
    const breaker = this.opossum;
    if (breaker.isShutdown || breaker.opened) return 'OPEN';
    return breaker.halfOpen ? 'HALF_OPEN' : 'CLOSED';
  }

  canExecute(): boolean {
    const ticket = fireGate(this.opossum, this.gate);
    if (ticket === undefined) return false;
    this.inFlight.push(ticket);
    return true;
  }

  // opossum measures each call's latency itself (from fire() to the outcome), so the pipeline's
  // `durationMs` is not needed.
  recordSuccess(): void {
    this.inFlight.shift()?.succeed();
  }

  recordFailure(error?: unknown): void {
    this.inFlight.shift()?.fail(error ?? new Error(`a call through circuit "${this.name}" failed`));
  }

  // opossum has no outcome that counts neither way: any settled call is a success or a failure. A
  // call that says nothing about the dependency's health is reported as a success, as opossum
  // does for an error its `errorFilter` accepts.
  releasePermission(): void {
    this.inFlight.shift()?.succeed();
  }

  reset(): void {
    // close() on a shut-down opossum breaker would overwrite its shutdown state.
    if (!this.opossum.isShutdown) this.opossum.close();
  }

  remainingOpenMs(): number {
    const breaker = this.opossum;
    if (breaker.isShutdown) return NEVER_MS;
    if (!breaker.opened) return 0;
    const resetTimeout = this.resetTimeoutMs();
    const openedAt = this.gate.openedAt < 0 ? Date.now() : this.gate.openedAt;
    // While opossum says open, its reset timer has not fired yet: at least 1 ms is left.
    return Math.max(1, openedAt + resetTimeout - Date.now());
  }

  stats(): OpossumAdapterStats {
    const breaker = this.opossum;
    const { fires, successes, failures, rejects, timeouts, fallbacks, semaphoreRejections, latencyMean } = breaker.stats;
    return {
      name: this.name,
      opossumName: breaker.name,
      state: this.state,
      enabled: breaker.enabled,
      shutdown: breaker.isShutdown,
      inFlight: this.inFlight.length,
      openedAt: this.gate.openedAt < 0 ? null : this.gate.openedAt,
      resetTimeoutMs: this.resetTimeoutMs(),
      errorThresholdPercentage: Number(this.gate.options.errorThresholdPercentage ?? 50),
      volumeThreshold: breaker.volumeThreshold,
      window: { fires, successes, failures, rejects, timeouts, fallbacks, semaphoreRejections, latencyMean },
    };
  }

  private resetTimeoutMs(): number {
    return Number(this.gate.options.resetTimeout ?? 30_000);
  }
}

/**
 * Adapts an opossum breaker built by {@link createOpossumBreaker} to the pipeline's breaker
 * protocol. Each pipeline attempt becomes one `fire()` of the breaker, so admission and every
 * outcome go through opossum's own logic, statistics, events and metrics:
 *
 * - `canExecute()` fires the breaker: opossum admits the call, or refuses it ('reject' when open
 *   or when its single half-open probe is taken, 'semaphoreLocked' at `capacity`, or shut down);
 * - `recordSuccess()` resolves the call: opossum emits 'success' (closing a half-open breaker);
 * - `recordFailure(error)` rejects it with the error: opossum applies `errorFilter`, emits
 *   'failure' and opens by its rate rule (or at once when half-open);
 * - `releasePermission()` (a permanent error such as a 404, or a cancelled call) resolves it:
 *   opossum counts a success, as for an error its `errorFilter` accepts.
 *
 * Several adapters may share one breaker (under different names); each call is its own `fire()`.
 *
 * @throws {HealingConfigError} when `breaker` was not built by `createOpossumBreaker` (`fromOpossum.breaker`),
 * or for a bad option (`fromOpossum.name`: empty, longer than a circuit name may be, or misspelt).
 * @example
 * ```ts
 * import CircuitBreaker from 'opossum';
 * import { CircuitBreakerRegistry, HealingPipeline } from 'self-healing';
 * import { createOpossumBreaker, fromOpossum } from 'self-healing/opossum';
 *
 * const registry = new CircuitBreakerRegistry();
 * const breaker = createOpossumBreaker(CircuitBreaker, { name: 'inventory', volumeThreshold: 10 });
 * registry.register(fromOpossum(breaker));
 * const pipeline = new HealingPipeline({ circuitName: 'inventory', registry });
 * ```
 */
export function fromOpossum<B extends OpossumCircuitBreaker>(breaker: B, options: FromOpossumOptions = {}): OpossumBreakerAdapter<B> {
  const gate = breaker !== null && typeof breaker === 'object' ? gateOf(breaker) : undefined;
  if (gate === undefined) {
    throw new HealingConfigError('fromOpossum.breaker',
      'the breaker must be built by createOpossumBreaker(CircuitBreaker, options). ' +
      'An opossum breaker built around your own function can only run that function through fire(), ' +
      'so a pipeline cannot drive it; build it with createOpossumBreaker and the same options instead.',
    );
  }
  const name = parseWith(optionsSchema, options, 'fromOpossum').name ?? breaker.name;
  if (typeof name !== 'string' || name.length === 0) throw new HealingConfigError('fromOpossum.name', 'the name must be a non-empty string');
  checkCircuitNameLength(name, 'fromOpossum.name'); // the opossum name, taken as the circuit name
  return new Adapter(breaker, gate, name);
}
