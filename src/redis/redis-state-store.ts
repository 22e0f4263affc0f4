import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import {
  type CompareAndSetResult, type SharedCircuitState, type StateStore, type StateTransition, type StoredState,
  type WindowSpec, type WindowTotals,
} from '../fleet/state-store.js';
import { ADD_TO_WINDOW, COMPARE_AND_SET, READ_STATE } from './lua-scripts.js';
import type { RedisClientLike, RedisSubscriberLike } from './redis-types.js';
import { answeredWithin, connectLazily, nextReady } from './connection-waits.js';

/**
 * Options of {@link createRedisStateStore}.
 * @example
 * ```ts
 * const options: RedisStateStoreOptions = { client: new Redis(url, { enableOfflineQueue: false }), namespace: 'checkout' };
 * ```
 */
export interface RedisStateStoreOptions {
  /** An ioredis `Redis` or `Cluster` client. Create it with `enableOfflineQueue: false` so commands fail fast while it is disconnected (during its first connection, the store waits for it to be ready). */
  client: RedisClientLike;
  /** The connection that receives state changes. Default `client.duplicate()` (closed by `close()`). */
  subscriber?: RedisSubscriberLike;
  /** Prefix of every key and of the channel, so several apps can share one Redis. Default `'self-healing'`. */
  namespace?: string;
  /** How long a breaker's state is kept after its last transition, in ms. Default 7 days. */
  stateTtlMs?: number;
  /**
   * Longest wait in `close()` for the subscriber's `QUIT` (or `UNSUBSCRIBE`) to be answered, in ms;
   * after it (or at once, when the connection refuses QUIT because Redis is down), an owned
   * subscriber is disconnected. So `close()` returns within this bound even when Redis is frozen,
   * and leaves no connection reconnecting. Default 1000.
   */
  closeTimeoutMs?: number;
}

const optionsSchema = z.strictObject({
  client: z.custom<RedisClientLike>((value) => typeof (value as RedisClientLike | undefined)?.evalsha === 'function' &&
    typeof (value as RedisClientLike).duplicate === 'function', 'expected an ioredis client (new Redis(...) or new Cluster(...))'),
  subscriber: z.custom<RedisSubscriberLike>((value) => typeof (value as RedisSubscriberLike | undefined)?.subscribe === 'function',
    'expected an ioredis connection for pub/sub').optional(),
  // Braces would break the hash tag that keeps each breaker's keys in one cluster slot.
  namespace: z.string().min(1).max(100).regex(/^[^{}]*$/, 'must not contain { or } (they would break Redis Cluster hash tags)').optional(),
  stateTtlMs: z.number().int().min(1_000).optional(),
  closeTimeoutMs: z.number().int().min(1).max(60_000).optional(),
});

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');
const SCRIPTS = {
  addToWindow: { source: ADD_TO_WINDOW, sha: sha1(ADD_TO_WINDOW) },
  readState: { source: READ_STATE, sha: sha1(READ_STATE) },
  compareAndSet: { source: COMPARE_AND_SET, sha: sha1(COMPARE_AND_SET) },
};

const messageSchema = z.object({
  key: z.string(),
  state: z.enum(['CLOSED', 'OPEN']),
  generation: z.number().int().min(0),
  openUntil: z.coerce.number().min(0),
  openings: z.number().int().min(0),
  reason: z.string(),
});

/**
 * A {@link StateStore} on Redis (or Redis Cluster) through ioredis: what shared breakers use to
 * share state across processes. Keys are `namespace:{key}:…`: the hash tag keeps each breaker's
 * keys in one cluster slot, so every script runs on one node. Time comes from Redis (`TIME`).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { SharedCircuitBreaker } from 'self-healing/fleet';
 * import { createRedisStateStore } from 'self-healing/redis';
 *
 * const store = createRedisStateStore({ client: new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false }) });
 * const breaker = new SharedCircuitBreaker('payments', { store, failureThreshold: 20 });
 * ```
 */
export function createRedisStateStore(options: RedisStateStoreOptions): StateStore {
  return new RedisStateStore(parseWith(optionsSchema, options, 'redisStateStore'));
}

class RedisStateStore implements StateStore {
  readonly kind = 'redis';
  private readonly client: RedisClientLike;
  private readonly namespace: string;
  private readonly channel: string;
  private readonly stateTtlMs: number;
  private readonly ownsSubscriber: boolean;
  private readonly closeTimeoutMs: number;
  private subscriber: RedisSubscriberLike | undefined;
  private subscribed: Promise<void> | undefined;
  /** The connection whose 'message' and 'error' handlers are attached. */
  private listening: RedisSubscriberLike | undefined;
  private readonly listeners = new Set<(key: string, state: SharedCircuitState) => void>();
  /** Whether the command client has been ready once (see {@link firstConnection}). */
  private connected = false;
  private connecting: Promise<void> | undefined;

  constructor(options: RedisStateStoreOptions) {
    this.client = options.client;
    this.namespace = options.namespace ?? 'self-healing';
    this.channel = `${this.namespace}:state`;
    this.stateTtlMs = options.stateTtlMs ?? 7 * 24 * 3_600_000;
    this.subscriber = options.subscriber;
    this.ownsSubscriber = options.subscriber === undefined;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 1_000;
  }

  async addToWindow(key: string, increments: Readonly<Record<string, number>>, window: WindowSpec, member?: string): Promise<WindowTotals> {
    const args: Array<string | number> = [window.bucketMs, window.buckets, member ?? ''];
    for (const [field, amount] of Object.entries(increments)) args.push(field, Math.trunc(amount));
    const [now, sums, members] = (await this.run(SCRIPTS.addToWindow, this.prefix(key), args)) as [number, Array<string | number>, Array<string | number>];
    return { now: Number(now), totals: pairs(sums), members: pairs(members) };
  }

  async readState(key: string): Promise<StoredState> {
    const reply = (await this.run(SCRIPTS.readState, `${this.prefix(key)}:state`, [])) as unknown[];
    return { now: Number(reply[0]), state: stateOf(reply.slice(1)) };
  }

  async compareAndSet(key: string, expectedGeneration: number, next: StateTransition): Promise<CompareAndSetResult> {
    const reply = (await this.run(SCRIPTS.compareAndSet, `${this.prefix(key)}:state`, [
      expectedGeneration, next.state, Math.round(next.breakMs), next.openings, next.reason, this.channel, key, this.stateTtlMs,
    ])) as unknown[];
    return { applied: reply[0] === 1, now: Number(reply[1]), state: stateOf(reply.slice(2)) };
  }

  async acquireLease(key: string, lease: string, owner: string, ttlMs: number): Promise<boolean> {
    if (!this.connected) await this.firstConnection();
    const reply = await this.client.set(`${this.prefix(key)}:lease:${lease}`, owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
    return reply === 'OK';
  }

  async subscribe(listener: (key: string, state: SharedCircuitState) => void): Promise<() => void> {
    await (this.subscribed ??= this.startSubscriber().catch((error: unknown) => {
      this.subscribed = undefined;
      throw error;
    }));
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscribed = undefined;
    if (subscriber === undefined) return;
    if (this.ownsSubscriber) {
      this.subscriber = undefined;
      // A frozen Redis never answers QUIT, and a connection that is down refuses it: wait
      // closeTimeoutMs at most, then drop the connection unless QUIT was answered.
      if (!(await answeredWithin(subscriber.quit(), this.closeTimeoutMs))) subscriber.disconnect?.();
    } else {
      await answeredWithin(subscriber.unsubscribe(this.channel), this.closeTimeoutMs); // the caller's connection: not ours to drop
    }
  }

  /**
   * Waits for the command client's first connection attempt. With `enableOfflineQueue: false`
   * ioredis rejects a command sent before the connection is ready, and at startup such a
   * rejection does not mean the store is unreachable, only not connected yet: a subscriber ready
   * first would have the breaker read the state on a connection still in its handshake, and start
   * in local mode with a `storeUnavailable` event. The wait ends with that attempt (`'ready'`, or
   * `'close'` / `'end'` when it fails, and then the command goes out for ioredis to refuse), so a
   * store call never waits longer than one connection attempt, even when called directly. Once
   * the client has been ready, commands fail fast while it reconnects, as that option asks. One
   * set of listeners serves every command waiting meanwhile.
   */
  private firstConnection(): Promise<void> | void {
    const client = this.client;
    const status = client.status;
    if (status === undefined || status === 'ready' || client.once === undefined) {
      this.connected = true;
      return;
    }
    // lazyConnect: connected on first use, as ioredis itself would (it refuses that command when
    // its offline queue is off, so the store connects first and waits).
    if (status === 'wait') connectLazily(client);
    else if (status !== 'connecting' && status !== 'connect') return; // 'reconnecting', 'end': ioredis answers the command itself
    // `once` is there: checked above.
    return (this.connecting ??= nextReady(client as Pick<RedisSubscriberLike, 'once' | 'removeListener'>).then((ready) => {
      this.connecting = undefined;
      if (ready) this.connected = true;
    }));
  }

  private prefix(key: string): string {
    return `${this.namespace}:{${key}}`;
  }

  private async startSubscriber(): Promise<void> {
    // Our own subscriber that ended (its retryStrategy gave up) never connects again: a new one.
    if (this.ownsSubscriber && this.subscriber?.status === 'end') this.subscriber = undefined;
    const subscriber = (this.subscriber ??= this.client.duplicate());
    if (this.listening === subscriber) return this.subscribeWhenReady(subscriber);
    this.listening = subscriber;
    // The connection reconnects and resubscribes by itself; its errors are reported through the
    // breakers' own store operations, so here they must not become unhandled 'error' events.
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel, message) => {
      if (channel === this.channel) this.dispatch(message);
    });
    return this.subscribeWhenReady(subscriber);
  }

  private async subscribeWhenReady(subscriber: RedisSubscriberLike): Promise<void> {
    // A fresh connection (with enableOfflineQueue: false) refuses commands until it is ready, and
    // one made with lazyConnect (a duplicate of such a client too) connects only when asked.
    if (subscriber.status === 'wait') connectLazily(subscriber);
    const status = subscriber.status;
    // A failed attempt rejects, so the next rejoin subscribes again (subscribe() forgets a rejection).
    if (status !== undefined && status !== 'ready' && (status === 'end' || !(await nextReady(subscriber)))) {
      throw new Error(`the Redis subscriber connection is ${subscriber.status === 'end' ? 'ended' : 'closed'}, not ready`);
    }
    await subscriber.subscribe(this.channel);
  }

  private dispatch(message: string): void {
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(message));
    } catch {
      return; // not ours, or from an incompatible version: ignore
    }
    const { key, ...rest } = parsed;
    const state = rest as SharedCircuitState;
    for (const listener of this.listeners) {
      try {
        listener(key, state);
      } catch {
        // a listener must not stop the others
      }
    }
  }

  /** EVALSHA, and EVAL once when Redis does not know the script yet (after a restart or a failover). */
  private async run(script: { source: string; sha: string }, key: string, args: Array<string | number>): Promise<unknown> {
    if (!this.connected) await this.firstConnection();
    try {
      return await this.client.evalsha(script.sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return this.client.eval(script.source, 1, key, ...args);
    }
  }
}

function pairs(flat: Array<string | number>): Record<string, number> {
  const record: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = Number(flat[i + 1]);
  return record;
}

/**
 * The shared state in a script's reply. A `state` this version does not know (another version's,
 * or one written by hand) reads as `CLOSED` at the stored generation, as a missing hash reads as
 * closed: the next transition is a compare-and-set on that generation, so it is applied and
 * overwrites the hash with a state every process knows. (The scripts compare against the stored
 * generation, so reading generation 0 instead would have every compare-and-set refused, and the
 * breaker could never open.)
 */
function stateOf(fields: unknown[]): SharedCircuitState {
  const [state, generation, openUntil, openings, reason] = fields;
  const known = state === 'OPEN' || state === 'CLOSED';
  return {
    state: known ? state : 'CLOSED', generation: Number(generation), openUntil: known ? Number(openUntil) : 0,
    openings: Number(openings), reason: String(reason) as SharedCircuitState['reason'],
  };
}
