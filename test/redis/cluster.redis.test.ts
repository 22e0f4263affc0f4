// Fleet mode on a real Redis Cluster of 3 masters (started by the test with redis-server and
// redis-cli, both from the Debian package redis-server): every script of a breaker runs on the one
// node that owns its hash tag, state changes reach subscribers whatever node published them.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedCircuitBreaker, type SharedCircuitBreakerOptions, type StateStore } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';
import { hasRedisCli, RedisCluster } from './redis-cluster.js';
import { hasRedisServer, waitFor } from './redis-server.js';

const NAMES = ['payments', 'search', 'inventory', 'auth', 'email', 'llm'];

describe.skipIf(!hasRedisServer() || !hasRedisCli())('fleet mode on a Redis Cluster of 3 masters', () => {
  let cluster: RedisCluster;
  const clients: Cluster[] = [];
  const stores: StateStore[] = [];
  const breakers: SharedCircuitBreaker[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
  }, 30_000);

  afterAll(async () => {
    for (const breaker of breakers) await breaker.close();
    for (const store of stores) await store.close();
    for (const client of clients) await client.quit();
    await cluster?.stop();
  });

  /** One "process": its own Cluster client and store. */
  async function joinCluster(): Promise<StateStore> {
    const client = new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
    clients.push(client);
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
    const store = createRedisStateStore({ client, namespace: 'cluster-test' });
    stores.push(store);
    return store;
  }

  async function breaker(name: string, store: StateStore, instanceId: string, options: SharedCircuitBreakerOptions = {}) {
    const made = new SharedCircuitBreaker(name, {
      store, instanceId, failureThreshold: 4, windowMs: 10_000, flushIntervalMs: 20, breakDurationMs: 200, probeTimeoutMs: 2_000,
      storeTimeoutMs: 500, ...options,
    });
    breakers.push(made);
    await made.ready();
    return made;
  }

  it('opens breakers whose keys live on different nodes, for both processes, and probes once', async () => {
    const [storeA, storeB] = [await joinCluster(), await joinCluster()];
    // The breakers' hash tags fall on more than one node (so more than one node runs scripts).
    const slots = await clients[0]!.cluster('SLOTS');
    const nodeOf = async (name: string) => {
      const slot = (await clients[0]!.cluster('KEYSLOT', `cluster-test:{${name}}:state`)) as number;
      return slots.find(([from, to]) => slot >= from && slot <= to)![2]![1];
    };
    expect(new Set(await Promise.all(NAMES.map(nodeOf))).size).toBeGreaterThanOrEqual(2);

    for (const name of NAMES) {
      const a = await breaker(name, storeA, 'a');
      const b = await breaker(name, storeB, 'b');
      for (const member of [a, b, a, b]) {
        expect(member.canExecute()).toBe(true);
        member.recordFailure(new Error('503'));
      }
      await waitFor(`${name}: both processes OPEN`, () => a.state !== 'CLOSED' && b.state !== 'CLOSED');
      for (const member of [a, b]) expect(member.stats()).toMatchObject({ mode: 'shared', store: { errors: 0 }, generation: 1 });
    }

    const [a, b] = breakers.slice(0, 2) as [SharedCircuitBreaker, SharedCircuitBreaker];
    await waitFor('half-open', () => a.state === 'HALF_OPEN' && b.state === 'HALF_OPEN');
    const admitted: string[] = [];
    const ask = () => {
      for (const member of [a, b]) if (member.canExecute()) admitted.push(member.instanceId);
    };
    await waitFor('the probe', () => {
      ask();
      return admitted.length > 0;
    });
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10)); // the other process's lease attempt settles meanwhile
      ask();
    }
    expect(admitted).toHaveLength(1);
    const prober = admitted[0] === 'a' ? a : b;
    prober.recordSuccess();
    await waitFor('both CLOSED', () => a.state === 'CLOSED' && b.state === 'CLOSED');
    expect(b.stats().generation).toBe(2);
  }, 20_000);
});
