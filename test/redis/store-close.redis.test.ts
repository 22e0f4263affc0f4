// store.close() and the documented shutdown (breaker.close(), then store.close()) end within a
// bound even when Redis is frozen (SIGSTOP: connections stay open, nothing answers).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedCircuitBreaker } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';
import { hasRedisServer, RedisServer } from './redis-server.js';

const CLOSE_TIMEOUT_MS = 200;
const STORE_TIMEOUT_MS = 150;

describe.skipIf(!hasRedisServer())('closing a Redis store while redis-server is frozen', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    redis?.thaw();
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  it('store.close() and the shutdown sequence finish within storeTimeoutMs + closeTimeoutMs', async () => {
    const client = new Redis(redis.port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    clients.push(client);
    const store = createRedisStateStore({ client, namespace: 'frozen', closeTimeoutMs: CLOSE_TIMEOUT_MS });
    const breaker = new SharedCircuitBreaker('payments', { store, storeTimeoutMs: STORE_TIMEOUT_MS, flushIntervalMs: 10_000 });
    await breaker.ready();
    expect(breaker.stats().mode).toBe('shared');
    breaker.canExecute();
    breaker.recordFailure(new Error('503')); // pending: close() flushes it to a Redis that will not answer

    redis.freeze();
    const started = performance.now();
    await breaker.close();
    await store.close();
    const tookMs = performance.now() - started;
    // Generous for a loaded machine, yet far below "never" (today it does not return at all).
    expect(tookMs).toBeLessThan(STORE_TIMEOUT_MS + CLOSE_TIMEOUT_MS + 1_000);
  }, 10_000);

  it('rejects a closeTimeoutMs that is not a positive integer, naming the option', () => {
    const client = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    expect(() => createRedisStateStore({ client, closeTimeoutMs: 0 })).toThrow(/closeTimeoutMs/);
  });
});
