// Key layout and option checks of the Redis store, with a recording stand-in for ioredis: these
// hold on any machine, with or without redis-server.
import { describe, expect, it } from 'vitest';
import { createRedisStateStore, type RedisClientLike, type RedisStateStoreOptions } from '../../src/redis/index.js';
import { configError } from '../helpers/config-error.js';

/** Records the key of every script and command; answers like an empty Redis. */
function recordingClient() {
  const keys: string[] = [];
  const reply = (key: string) => {
    keys.push(key);
    if (key.endsWith(':state')) return Promise.resolve([1, 1_700_000_000_000, 'CLOSED', 1, 0, 0, 'reset']);
    return Promise.resolve([1_700_000_000_000, [], []]);
  };
  const client: RedisClientLike = {
    evalsha: (_sha, _numkeys, ...args) => reply(String(args[0])),
    eval: (_script, _numkeys, ...args) => reply(String(args[0])),
    set: (key) => {
      keys.push(key);
      return Promise.resolve('OK');
    },
    duplicate: () => { throw new Error('no subscriber in this test'); },
  };
  return { client, keys };
}

describe('createRedisStateStore: keys fit Redis Cluster', () => {
  it('puts every key of a breaker under the namespace, with the breaker\'s name as hash tag', async () => {
    const { client, keys } = recordingClient();
    const store = createRedisStateStore({ client, namespace: 'checkout' });
    await store.addToWindow('payments@3', { calls: 1 }, { bucketMs: 1_000, buckets: 10 }, 'pod-1');
    await store.readState('payments');
    await store.compareAndSet('payments', 0, { state: 'OPEN', breakMs: 1_000, openings: 1, reason: 'failure-threshold' });
    await store.acquireLease('payments', 'probe:1', 'pod-1', 1_000);
    expect(keys).toEqual(['checkout:{payments@3}', 'checkout:{payments}:state', 'checkout:{payments}:state', 'checkout:{payments}:lease:probe:1']);
  });

  it('uses the namespace "self-healing" by default', async () => {
    const { client, keys } = recordingClient();
    await createRedisStateStore({ client }).readState('search');
    expect(keys).toEqual(['self-healing:{search}:state']);
  });

  it('rejects bad options with the option path', () => {
    const { client } = recordingClient();
    expect(configError(() => createRedisStateStore({ client, namespace: 'a{b}' })).option).toBe('redisStateStore.namespace');
    expect(configError(() => createRedisStateStore({ client: {} as RedisClientLike })).option).toBe('redisStateStore.client');
    expect(configError(() => createRedisStateStore({ client, stateTtlMs: 10 })).option).toBe('redisStateStore.stateTtlMs');
    expect(configError(() => createRedisStateStore({ client, nameSpace: 'x' } as RedisStateStoreOptions)).option).toBe('redisStateStore.nameSpace');
  });
});
