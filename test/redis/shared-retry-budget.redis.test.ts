// A retry budget shared through a real redis-server: two "processes" (two connections, two
// budgets) draw on one fleet-wide budget. Skipped without redis-server, like the other Redis
// suites (fleet.redis.test.ts fails under CI=true when it is missing).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedRetryBudget } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';
import { hasRedisServer, RedisServer } from './redis-server.js';

describe.skipIf(!hasRedisServer())('SharedRetryBudget on a real redis-server', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    for (const client of clients) await client.quit();
    await redis?.stop();
  });

  async function budget(): Promise<SharedRetryBudget> {
    const client = new Redis(redis.port, '127.0.0.1');
    clients.push(client);
    await new Promise((resolve) => client.once('ready', resolve));
    // This test is about sharing, not store timeouts: a generous limit keeps a slow first
    // connection on a busy machine from sending a flush to local mode.
    return new SharedRetryBudget('checkout', {
      store: createRedisStateStore({ client, namespace: 'budget-test' }), ratio: 0.1, minRetries: 5, storeTimeoutMs: 5_000,
    });
  }

  it('gives the fleet one budget: what one process spends, the other cannot', async () => {
    const a = await budget();
    const b = await budget();
    for (let i = 0; i < 100; i++) a.deposit();
    for (let i = 0; i < 100; i++) b.deposit();
    await a.flush();
    await b.flush();
    await a.flush();
    expect(a.stats()).toMatchObject({ mode: 'shared', calls: 200 });

    const taken = Array.from({ length: 40 }, () => a.tryWithdraw()).filter(Boolean).length;
    expect(taken).toBe(25); // 0.1 x 200 + 5, for the whole fleet
    await a.flush();
    await b.flush();
    expect(b.tryWithdraw()).toBe(false);
    expect(b.stats()).toMatchObject({ calls: 200, retries: 25 });
    await Promise.all([a.close(), b.close()]);
  });
});
