/**
 * The part of an ioredis client (`Redis` or `Cluster`) the state store uses. Declared here, not
 * imported, so `self-healing/redis` loads and type-checks without ioredis installed; pass a real
 * ioredis client.
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const client: RedisClientLike = new Redis(6379, '127.0.0.1');
 * ```
 */
export interface RedisClientLike {
  evalsha(sha1: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>;
  set(key: string, value: string, millisecondsToken: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
  /** A new connection with the same options (used for the subscriber). */
  duplicate(): RedisSubscriberLike;
  /** ioredis's connection status; during the first connection the store waits for `'ready'` before a command. */
  readonly status?: string;
  /** With `status`: the store waits for the first connection's `'ready'`, or its `'close'` or `'end'`. */
  once?(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  removeListener?(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  /** Connects a client made with `lazyConnect: true` (status `'wait'`): the store calls it on first use. */
  connect?(): Promise<unknown>;
}

/**
 * The part of an ioredis connection used to receive state changes (pub/sub).
 * @example
 * ```ts
 * const subscriber: RedisSubscriberLike = redis.duplicate();
 * ```
 */
export interface RedisSubscriberLike {
  /** ioredis's connection status; the store waits for `'ready'` before subscribing (and connects it if `'wait'`). */
  readonly status?: string;
  /** Connects a connection made with `lazyConnect: true`, which nothing else would connect before the store subscribes. */
  connect?(): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  removeListener?(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  quit(): Promise<unknown>;
  /** Drops the connection at once (ioredis); used when `quit()` gets no answer within `closeTimeoutMs`. */
  disconnect?(): void;
}
