// How the Redis store waits for its connections, with stand-ins for ioredis connections that the
// test moves through ioredis's statuses: these hold on any machine, with or without redis-server.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createRedisStateStore, type RedisClientLike } from '../../src/redis/index.js';

/** A connection in a given ioredis status, which the test moves on by emitting its events. */
class StandInConnection extends EventEmitter {
  readonly channels: string[] = [];
  constructor(public status: string) {
    super();
  }
  subscribe(channel: string): Promise<unknown> {
    this.channels.push(channel);
    return Promise.resolve(1);
  }
  unsubscribe(): Promise<unknown> {
    return Promise.resolve(1);
  }
  quit(): Promise<unknown> {
    return Promise.resolve('OK');
  }
}

/** A client whose subscribers (its duplicates) start in the given statuses, one per duplicate. */
function clientWithSubscribers(...statuses: string[]) {
  const subscribers: StandInConnection[] = [];
  const client: RedisClientLike = {
    evalsha: () => Promise.resolve([1_700_000_000_000, 'CLOSED', 0, 0, 0, 'reset']),
    eval: () => Promise.resolve([1_700_000_000_000, 'CLOSED', 0, 0, 0, 'reset']),
    set: () => Promise.resolve('OK'),
    duplicate: () => {
      const subscriber = new StandInConnection(statuses[subscribers.length] ?? 'ready');
      subscribers.push(subscriber);
      return subscriber;
    },
  };
  return { client, subscribers };
}

describe('the Redis store waits for a connection attempt, not for ever', () => {
  it('rejects a subscription whose connection attempt closed, drops its listeners, and subscribes on the next try', async () => {
    const { client, subscribers } = clientWithSubscribers('connecting');
    const store = createRedisStateStore({ client });
    const first = store.subscribe(() => undefined);
    await Promise.resolve();
    const subscriber = subscribers[0]!;
    expect(subscriber.listenerCount('ready')).toBe(1);
    subscriber.status = 'reconnecting';
    subscriber.emit('close');
    await expect(first).rejects.toThrow(/subscriber connection is closed/);
    expect([subscriber.listenerCount('ready'), subscriber.listenerCount('close'), subscriber.listenerCount('end')]).toEqual([0, 0, 0]);
    subscriber.status = 'ready';
    await store.subscribe(() => undefined); // what the breaker's next rejoin does
    expect(subscriber.channels).toEqual(['self-healing:state']);
  });

  it('replaces its own subscriber once that one has ended (its retryStrategy gave up)', async () => {
    const { client, subscribers } = clientWithSubscribers('end', 'ready');
    const store = createRedisStateStore({ client });
    await expect(store.subscribe(() => undefined)).rejects.toThrow(/subscriber connection is ended/);
    await store.subscribe(() => undefined);
    expect(subscribers).toHaveLength(2);
    expect(subscribers.map((subscriber) => subscriber.channels)).toEqual([[], ['self-healing:state']]);
  });

  it('waits for the command client\'s first connection, then sends the command', async () => {
    const { client: base } = clientWithSubscribers();
    const connection = new StandInConnection('connecting');
    const sent: string[] = [];
    const client = Object.assign(connection, {
      evalsha: (...args: unknown[]) => {
        sent.push(connection.status);
        return base.evalsha(...(args as Parameters<RedisClientLike['evalsha']>));
      },
      eval: base.eval,
      set: base.set,
      duplicate: base.duplicate,
    });
    const store = createRedisStateStore({ client });
    const read = store.readState('payments');
    await Promise.resolve();
    expect(sent).toEqual([]);
    connection.status = 'ready';
    connection.emit('ready');
    await read;
    expect(sent).toEqual(['ready']);
    expect(connection.listenerCount('close')).toBe(0);
  });
});
