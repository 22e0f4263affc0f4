// store.close() and the documented shutdown (breaker.close(), then store.close()) end within a
// bound even when Redis is frozen (SIGSTOP: connections stay open, nothing answers).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SharedCircuitBreaker } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';
import { extractSnippets } from '../docs/snippets/extract.js';
import { freePort, hasRedisServer, RedisServer, waitFor } from './redis-server.js';

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

describe.skipIf(!hasRedisServer())('closing a Redis store while redis-server is down', () => {
  // With enableOfflineQueue: false, ioredis refuses QUIT at once on a connection that is not
  // ready: the store must drop its subscriber then too, or it reconnects forever and the process
  // never exits.
  it.each(['never started', 'killed'] as const)('store.close() disconnects its own subscriber when redis-server is %s', async (scenario) => {
    const server = scenario === 'killed' ? await RedisServer.start() : undefined;
    const client = new Redis(server?.port ?? (await freePort()), '127.0.0.1', { enableOfflineQueue: false });
    client.on('error', () => undefined);
    let subscriber: Redis | undefined;
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (...args) => (subscriber = duplicate(...args)); // to watch the store's own subscriber
    try {
      const store = createRedisStateStore({ client, closeTimeoutMs: CLOSE_TIMEOUT_MS });
      const breaker = new SharedCircuitBreaker('payments', { store, storeTimeoutMs: STORE_TIMEOUT_MS });
      await breaker.ready();
      expect(breaker.stats().mode).toBe(server === undefined ? 'local' : 'shared');
      await server?.kill();
      await waitFor('the subscriber to lose its connection', () => subscriber !== undefined && subscriber.status !== 'ready');
      const disconnect = vi.spyOn(subscriber!, 'disconnect');
      await breaker.close();
      await store.close();
      expect(disconnect).toHaveBeenCalled();
    } finally {
      client.disconnect();
      await server?.stop();
    }
  }, 10_000);
});

/** The shutdown lines of the fleet snippet of `file` (from its `// On shutdown` comment on), which use `payments`, `store` and `redis`. */
function documentedShutdown(file: string): string {
  const snippet = extractSnippets(file).find((candidate) => candidate.code.includes('// On shutdown'));
  if (snippet === undefined) throw new Error(`${file}: no snippet with an "// On shutdown" comment`);
  return snippet.code.slice(snippet.code.indexOf('// On shutdown'));
}

describe.skipIf(!hasRedisServer())('the documented shutdown while redis-server is down', () => {
  // The snippet's type-check cannot see this: redis.quit() rejects at once on a client that is
  // not connected (enableOfflineQueue: false), so the sequence must not let that escape.
  it.each(['docs/fleet.md', 'README.md'])('%s: runs to the end and disconnects the client', async (file) => {
    const shutdown = documentedShutdown(file);
    const redis = new Redis(await freePort(), '127.0.0.1', { enableOfflineQueue: false });
    redis.on('error', () => undefined);
    try {
      const store = createRedisStateStore({ client: redis, closeTimeoutMs: CLOSE_TIMEOUT_MS });
      const payments = new SharedCircuitBreaker('payments', { store, storeTimeoutMs: STORE_TIMEOUT_MS });
      await payments.ready();
      const disconnect = vi.spyOn(redis, 'disconnect');
      // The lines are plain JavaScript: run them as they are printed.
      const run = new Function('payments', 'store', 'redis', `return (async () => {\n${shutdown}\n})();`) as
        (payments: SharedCircuitBreaker, store: unknown, redis: Redis) => Promise<void>;
      await expect(run(payments, store, redis)).resolves.toBeUndefined();
      expect(disconnect).toHaveBeenCalled();
    } finally {
      redis.disconnect();
    }
  }, 10_000);
});
