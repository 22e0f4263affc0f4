import type { Clock } from '../clock.js';
import { HealingConfigError, RegistryFullError } from '../errors.js';
import { CircuitBreaker, type CircuitBreakerStats } from './circuit-breaker.js';
import type { CircuitBreakerLike } from './circuit-breaker-like.js';
import type { CircuitBreakerConfig, ResolvedCircuitBreakerConfig } from './circuit-config.js';
import { Listeners, type CircuitEvents } from './circuit-events.js';
import { subscribe, type KnownEvents } from '../config/known-events.js';
import { isEvictable, SWEEP_EVERY } from './idle-eviction.js';
import { checkSameConfig } from './config-mismatch.js';
import { NamedConfigs } from './named-configs.js';
import { resolveRegistryOptions, type CircuitBreakerRegistryOptions, type RegistryEvents, type RegistryMembershipEvent } from './registry-options.js';
import { checkCircuitNameLength, parseSnapshot, SNAPSHOT_VERSION, signSnapshot, snapshotEntry, snapshotTime, type RegistrySnapshot } from './snapshot.js';

export type { CircuitBreakerRegistryOptions, RegistryEvents, RegistryMembershipEvent } from './registry-options.js';

const REGISTRY_EVENTS: KnownEvents<RegistryEvents> = {
  emitter: 'registry',
  events: { added: true, removed: true, open: true, halfOpen: true, close: true, stateChange: true, reject: true },
};

/**
 * Named breakers, shared by everything that asks for the same name. `getCircuitBreaker` uses a
 * process-wide default registry; make your own to isolate tests or tenants.
 *
 * @example
 * ```ts
 * const registry = new CircuitBreakerRegistry({ idleTimeoutMs: 10 * 60_000 });
 * registry.configure('llm', { policy: { type: 'count', windowSize: 20, failureRateThreshold: 50 } });
 * registry.get('openai', 'llm');
 * registry.get('openai:gpt-4o', { parent: 'openai' });
 * await executeWithHealing(ask, { prompt }, { circuitName: 'openai:gpt-4o', registry });
 * ```
 */
export class CircuitBreakerRegistry {
  /** The time source of every breaker in this registry. */
  readonly clock: Clock;
  /** The most breakers this registry holds. */
  readonly maxBreakers: number;
  /** Idle time after which a breaker may be evicted, if set. */
  readonly idleTimeoutMs: number | undefined;
  private readonly breakers = new Map<string, CircuitBreakerLike>();
  private readonly namedConfigs = new NamedConfigs();
  private readonly events = new Listeners<RegistryEvents>();
  private readonly host: { clock: Clock; events: Listeners<CircuitEvents> };
  private lookupsSinceSweep = 0;
  private lastSweepAt = 0;
  /** What `find` returned last: each execution looks its breaker up by name, mostly the same one again. */
  private lastFound: CircuitBreakerLike | undefined = undefined;
  private removed = 0;

  constructor(options: CircuitBreakerRegistryOptions = {}) {
    const resolved = resolveRegistryOptions(options);
    this.clock = resolved.clock;
    this.maxBreakers = resolved.maxBreakers;
    this.idleTimeoutMs = resolved.idleTimeoutMs;
    this.host = { clock: this.clock, events: this.events as unknown as Listeners<CircuitEvents> };
  }

  /**
   * Defines a shared config by name, for `get(name, configName)`. Breakers already created keep
   * the config they were created with.
   * @example
   * ```ts
   * registry.configure('llm', { failureThreshold: 3, breakDurationMs: 30_000 });
   * ```
   */
  configure(configName: string, config: CircuitBreakerConfig): this {
    this.namedConfigs.define(configName, config);
    return this;
  }

  /**
   * Returns the breaker named `name`, creating it with `config` (or the shared config called so)
   * if it does not exist yet. Asking for an existing breaker with a config (defaults filled in)
   * other than the one it was created with is a `HealingConfigError` naming each difference, never
   * a silent ignore; `get(name)` without a config returns it whatever its config.
   * @throws {HealingConfigError} for a wrong config, an unknown config name, or a conflicting config.
   */
  get(name: string, config?: CircuitBreakerConfig | string): CircuitBreaker {
    const existing = this.breakers.get(name);
    if (existing !== undefined) {
      if (!(existing instanceof CircuitBreaker)) {
        throw new HealingConfigError('circuitName', `"${name}" is a registered external breaker; use registry.find(name) to reach it`);
      }
      if (config !== undefined) {
        const resolved = this.namedConfigs.resolve(config);
        if (resolved.parent !== undefined) this.checkNoCycle(name, resolved.parent);
        checkSameConfig(name, existing.config, resolved);
      }
      this.touch(existing);
      return existing;
    }
    if (typeof name !== 'string' || name.length === 0) {
      throw new HealingConfigError('circuitName', `expected a non-empty string, got ${JSON.stringify(name)}`);
    }
    checkCircuitNameLength(name, 'circuitName'); // else the registry's snapshot could not be restored
    return this.create(name, this.namedConfigs.resolve(config));
  }

  /**
   * Adds a breaker built elsewhere (e.g. an opossum adapter from `self-healing/opossum`) under its
   * `name`, so pipelines can use it through `circuitName`. A name can be taken only once.
   */
  register(breaker: CircuitBreakerLike): CircuitBreakerLike {
    const name = breaker?.name;
    if (typeof name !== 'string' || name.length === 0) {
      throw new HealingConfigError('breaker.name', 'a registered breaker needs a non-empty string name');
    }
    checkCircuitNameLength(name, 'breaker.name'); // the limit every circuit name has
    if (this.breakers.has(name)) throw new HealingConfigError('breaker.name', `a breaker named "${name}" already exists in this registry`);
    this.ensureRoom(name);
    this.breakers.set(name, breaker);
    this.events.emit('added', { name, reason: 'registered' });
    return breaker;
  }

  /** The breaker named `name`, native or registered, or `undefined`; never creates one. */
  find(name: string): CircuitBreakerLike | undefined {
    const last = this.lastFound;
    const breaker = last !== undefined && last.name === name ? last : this.breakers.get(name);
    if (breaker === undefined) return undefined;
    if (breaker instanceof CircuitBreaker) this.touch(breaker);
    return (this.lastFound = breaker);
  }

  /**
   * @internal How many breakers have left this registry (deleted or evicted). A pipeline's plan
   * keeps the breaker it found by name, and asks again only once this has changed.
   */
  get removals(): number {
    return this.removed;
  }

  /** Whether a breaker named `name` exists. */
  has(name: string): boolean {
    return this.breakers.has(name);
  }

  /** Removes the breaker named `name`; the next `get` creates a fresh one. A parent of live breakers cannot be removed. */
  delete(name: string): boolean {
    const breaker = this.breakers.get(name);
    if (breaker === undefined) return false;
    if (breaker instanceof CircuitBreaker && breaker.children > 0) {
      throw new HealingConfigError('circuitName', `"${name}" is the parent of ${breaker.children} breaker(s); delete those first`);
    }
    this.remove(name, breaker, 'deleted');
    return true;
  }

  /** Every breaker, in creation order. */
  all(): CircuitBreakerLike[] {
    return [...this.breakers.values()];
  }

  /** Every breaker's stats, as plain JSON. */
  stats(): Array<CircuitBreakerStats | object> {
    return this.all().map((breaker) => breaker.stats());
  }

  /** Closes every breaker and clears forced states. */
  resetAll(): void {
    for (const breaker of this.breakers.values()) breaker.reset();
  }

  /**
   * Subscribes to registry events: `added`, `removed`, and every breaker's `open`, `halfOpen`,
   * `close`, `reject` and `stateChange`. Returns the unsubscribe function.
   * @throws {HealingConfigError} for an event it does not have (listing those it has), or a listener that is not a function.
   * @example
   * ```ts
   * registry.on('open', ({ circuit, reason }) => alert(`${circuit} opened (${reason})`));
   * ```
   */
  on<K extends keyof RegistryEvents>(event: K, listener: (payload: RegistryEvents[K]) => void): () => void {
    return subscribe(this.events, REGISTRY_EVENTS, event, listener);
  }

  /**
   * Evicts every breaker idle for `idleTimeoutMs` that is unforced, has nothing in flight, parents
   * nothing, and is closed or past its break (open within its break, it is kept). Returns how many
   * went. Lookups also do this now and then, by themselves.
   */
  evictIdle(): number {
    const idleTimeoutMs = this.idleTimeoutMs;
    if (idleTimeoutMs === undefined) return 0;
    const now = this.clock.now();
    this.lastSweepAt = now;
    this.lookupsSinceSweep = 0;
    let evicted = 0;
    for (const [name, breaker] of this.breakers) {
      if (breaker instanceof CircuitBreaker && isEvictable(breaker, now, idleTimeoutMs)) {
        this.remove(name, breaker, 'idle');
        evicted++;
      }
    }
    return evicted;
  }

  /**
   * The state of every native breaker, to carry across a restart or a serverless invocation.
   * Remaining break time is saved, so a restored breaker stays open for what was left.
   * @example
   * ```ts
   * await writeFile('breakers.json', JSON.stringify(registry.snapshot()));
   * ```
   */
  snapshot(): RegistrySnapshot {
    const breakers: RegistrySnapshot['breakers'] = [];
    for (const [name, breaker] of this.breakers) {
      if (breaker instanceof CircuitBreaker) breakers.push(snapshotEntry(name, breaker.snapshotState()));
    }
    return signSnapshot({ version: SNAPSHOT_VERSION, takenAt: snapshotTime(this.clock.now()), breakers });
  }

  /**
   * Restores a snapshot: each breaker (created if missing, with its usual config) takes its saved
   * state. The whole snapshot is validated first: one from another version, tampered with, or
   * malformed is a {@link HealingConfigError}, and nothing changes.
   * @example
   * ```ts
   * registry.restore(JSON.parse(await readFile('breakers.json', 'utf8')));
   * ```
   */
  restore(snapshot: unknown): void {
    const parsed = parseSnapshot(snapshot);
    let missing = 0;
    for (const saved of parsed.breakers) {
      const existing = this.breakers.get(saved.name);
      if (existing === undefined) missing++;
      else if (!(existing instanceof CircuitBreaker)) {
        throw new HealingConfigError('snapshot.breakers', `"${saved.name}" is a registered external breaker and cannot be restored`);
      }
    }
    // All or nothing: make room for every missing breaker before restoring any.
    if (this.breakers.size + missing > this.maxBreakers) this.evictIdle();
    if (this.breakers.size + missing > this.maxBreakers) throw new RegistryFullError(this.maxBreakers, `${missing} breakers of the snapshot`);
    for (const { name, ...state } of parsed.breakers) this.get(name).restoreState(state);
  }

  private create(name: string, config: ResolvedCircuitBreakerConfig): CircuitBreaker {
    const parent = config.parent === undefined ? undefined : this.parentFor(name, config.parent);
    this.ensureRoom(name);
    const breaker = new CircuitBreaker(name, config, this.host, parent);
    if (parent !== undefined) parent.children++;
    this.breakers.set(name, breaker);
    this.touch(breaker);
    this.events.emit('added', { name, reason: 'created' });
    return breaker;
  }

  private checkNoCycle(child: string, parentName: string): void {
    for (let name: string | undefined = parentName; name !== undefined;) {
      if (name === child) throw new HealingConfigError('circuitBreaker.parent', `"${child}" cannot have "${parentName}" as parent: that makes a cycle`);
      const ancestor = this.breakers.get(name);
      name = ancestor instanceof CircuitBreaker ? ancestor.parent?.name : undefined;
    }
  }

  private parentFor(child: string, parentName: string): CircuitBreaker {
    this.checkNoCycle(child, parentName);
    const existing = this.breakers.get(parentName);
    if (existing !== undefined && !(existing instanceof CircuitBreaker)) {
      throw new HealingConfigError('circuitBreaker.parent', `"${parentName}" is an external breaker and cannot be a parent`);
    }
    return this.get(parentName);
  }

  private ensureRoom(name: string): void {
    if (this.breakers.size < this.maxBreakers) return;
    if (this.evictIdle() === 0 || this.breakers.size >= this.maxBreakers) throw new RegistryFullError(this.maxBreakers, name);
  }

  private touch(breaker: CircuitBreaker): void {
    if (this.idleTimeoutMs === undefined) return;
    const now = this.clock.now();
    breaker.lastUsedAt = now;
    if (++this.lookupsSinceSweep >= SWEEP_EVERY && now - this.lastSweepAt >= this.idleTimeoutMs / 2) this.evictIdle();
  }

  private remove(name: string, breaker: CircuitBreakerLike, reason: RegistryMembershipEvent['reason']): void {
    this.breakers.delete(name);
    this.removed++;
    if (this.lastFound === breaker) this.lastFound = undefined;
    if (breaker instanceof CircuitBreaker && breaker.parent !== undefined) breaker.parent.children--;
    this.events.emit('removed', { name, reason });
  }
}

/**
 * What marks a registry, and holds the default one, for every copy of the package in the process:
 * a loader that evaluates the package twice (tsx's require hook, for a CommonJS dependency that
 * requires it while the app imports it) gives two copies of this module, which must still share
 * one default registry and accept each other's registries. The `v1` is the registry's protocol:
 * a version whose registry another could not drive would take `v2`.
 */
const REGISTRY_BRAND = Symbol.for('self-healing.CircuitBreakerRegistry.v1');
const DEFAULT_REGISTRY = Symbol.for('self-healing.defaultRegistry.v1');
Object.defineProperty(CircuitBreakerRegistry.prototype, REGISTRY_BRAND, { value: true });

/**
 * Whether `value` is a registry, of this copy of the package or of another in the process.
 * @example
 * ```ts
 * isRegistry(new CircuitBreakerRegistry()); // true
 * ```
 */
export function isRegistry(value: unknown): value is CircuitBreakerRegistry {
  if (value instanceof CircuitBreakerRegistry) return true;
  try {
    return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[REGISTRY_BRAND] === true;
  } catch {
    return false; // a Proxy's trap that throws
  }
}

/**
 * The process-wide registry that `getCircuitBreaker` and pipelines without a `registry` use: one
 * for the process, whichever copy of the package asks (see `REGISTRY_BRAND`).
 * @example
 * ```ts
 * getDefaultRegistry().resetAll();
 * ```
 */
export function getDefaultRegistry(): CircuitBreakerRegistry {
  const holder = globalThis as { [DEFAULT_REGISTRY]?: CircuitBreakerRegistry };
  return (holder[DEFAULT_REGISTRY] ??= new CircuitBreakerRegistry());
}

/**
 * The named breaker of the default registry, created with `config` on first use.
 *
 * @example
 * ```ts
 * const breaker = getCircuitBreaker('my_service');
 * if (breaker.canExecute()) {
 *   try { await callService(); breaker.recordSuccess(); } catch (error) { breaker.recordFailure(error); }
 * }
 * ```
 */
export function getCircuitBreaker(name: string, config?: CircuitBreakerConfig | string): CircuitBreaker {
  return getDefaultRegistry().get(name, config);
}
