// The Redis store's scripts against a real redis-server (skipped without one, like the fleet
// suite; fleet.redis.test.ts fails under CI=true when redis-server is missing).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedCircuitBreaker, type SharedCircuitState, type StateStore } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';
import { freePort, hasRedisServer, RedisServer, waitFor } from './redis-server.js';

describe.skipIf(!hasRedisServer())('createRedisStateStore on a real redis-server', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const stores: StateStore[] = [];
  let namespace = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const client of clients) await client.quit();
    await redis?.stop();
  });

  function connect(): Redis {
    const client = new Redis(redis.port, '127.0.0.1', { enableOfflineQueue: true });
    clients.push(client);
    return client;
  }

  /** Two stores (two "processes") on one namespace, each with its own connection. */
  function pair() {
    const name = `store-${++namespace}`;
    const made = [createRedisStateStore({ client: connect(), namespace: name }), createRedisStateStore({ client: connect(), namespace: name })];
    stores.push(...made);
    return { a: made[0]!, b: made[1]!, name };
  }

  it.each([false, true])('connects a lazyConnect client itself, so a breaker on it shares state (enableOfflineQueue: %s)', async (offlineQueue) => {
    // Nothing else connects a lazyConnect client (nor its duplicate, the subscriber) before the
    // store needs it; the breaker used to stay in local mode for good.
    const client = new Redis(redis.port, '127.0.0.1', { lazyConnect: true, enableOfflineQueue: offlineQueue });
    clients.push(client);
    const store = createRedisStateStore({ client, namespace: `lazy-${++namespace}` });
    stores.push(store);
    // Two fresh connections, one after the other, on a loaded machine: far more than they need.
    const breaker = new SharedCircuitBreaker('payments', { store, failureThreshold: 1, storeTimeoutMs: 2_000 });
    try {
      const events: string[] = [];
      breaker.on('storeUnavailable', () => events.push('down'));
      await breaker.ready();
      expect(breaker.stats().mode).toBe('shared');
      breaker.canExecute();
      breaker.recordFailure(new Error('503'));
      await waitFor('the opening stored', async () => (await store.readState('payments')).state.state === 'OPEN');
      expect(events).toEqual([]);
    } finally {
      await breaker.close();
    }
  });

  it.each([
    ['keeps retrying', () => 50],
    ['gives up', () => null],
  ])('a store call during a first connection that fails is refused, never left waiting (retryStrategy %s)', async (_, retryStrategy) => {
    // Called directly, with no breaker's storeTimeoutMs around it: the wait for the first
    // connection ends with its attempt, and ioredis refuses the command (offline queue off).
    const client = new Redis(await freePort(), '127.0.0.1', { enableOfflineQueue: false, retryStrategy });
    client.on('error', () => undefined);
    try {
      const store = createRedisStateStore({ client, namespace: `refused-${++namespace}` });
      await expect(store.readState('payments')).rejects.toThrow(/enableOfflineQueue|Connection is closed/);
    } finally {
      client.disconnect(); // never connected: nothing to QUIT, unlike the suite's other clients
    }
  });

  it('sums increments across processes and counts distinct members per field, by Redis time', async () => {
    const { a, b } = pair();
    const window = { bucketMs: 1_000, buckets: 10 };
    await a.addToWindow('payments@0', { calls: 3, failures: 2 }, window, 'pod-a');
    await a.addToWindow('payments@0', { calls: 1, failures: 1 }, window, 'pod-a');
    const totals = await b.addToWindow('payments@0', { calls: 5, failures: 0 }, window, 'pod-b');
    expect(totals.totals).toEqual({ calls: 9, failures: 3 });
    expect(totals.members).toEqual({ calls: 2, failures: 1 });
    const [seconds] = await connect().time();
    expect(Math.abs(totals.now - Number(seconds) * 1_000)).toBeLessThan(2_000);
  });

  /**
   * Runs `write`, then reads each key's PTTL at once. The TTL left is the one set, less the time
   * between the write and the read, which this measures: the slack is that and nothing more
   * (1 ms added for Redis's whole-millisecond clock).
   */
  async function pttlsAfter(client: Redis, write: () => Promise<unknown>, pattern: string): Promise<{ ttls: Map<string, number>; slackMs: number }> {
    const started = performance.now();
    await write();
    const keys = await client.keys(pattern);
    const ttls = new Map<string, number>();
    for (const key of keys) ttls.set(key, await client.pttl(key));
    return { ttls, slackMs: performance.now() - started + 1 };
  }

  function expectTtl(key: string, ttl: number | undefined, expectedMs: number, slackMs: number): void {
    expect(ttl, key).toBeDefined();
    expect(ttl!, `${key}: PTTL ${ttl} ms, set to ${expectedMs} ms`).toBeLessThanOrEqual(expectedMs);
    expect(ttl!, `${key}: PTTL ${ttl} ms, set to ${expectedMs} ms ${slackMs.toFixed(1)} ms ago at most`).toBeGreaterThan(expectedMs - slackMs);
  }

  it('keeps every key under the namespace with the key as hash tag, and expires each after its documented TTL', async () => {
    const { a, name } = pair();
    const client = connect();
    // Window buckets and their members live bucketMs * (buckets + 1): 100 * 6 = 600 ms.
    const window = await pttlsAfter(client, () => a.addToWindow('payments@0', { failures: 1 }, { bucketMs: 100, buckets: 5 }, 'pod-a'), `${name}:{payments@0}:*`);
    const buckets = [...window.ttls].filter(([key]) => /:w:\d+$/.test(key));
    const members = [...window.ttls].filter(([key]) => /:m:failures:\d+$/.test(key));
    expect(buckets, 'one bucket key').toHaveLength(1);
    expect(members, 'one members key').toHaveLength(1);
    for (const [key, ttl] of [...buckets, ...members]) expectTtl(key, ttl, 600, window.slackMs);
    // The state: 7 days after its last transition by default.
    const state = await pttlsAfter(client, () => a.compareAndSet('payments', 0, { state: 'OPEN', breakMs: 1_000, openings: 1, reason: 'failure-threshold' }), `${name}:{payments}:state`);
    expectTtl(`${name}:{payments}:state`, state.ttls.get(`${name}:{payments}:state`), 7 * 24 * 3_600_000, state.slackMs);
    // The probe lease: the ttlMs asked for (PX).
    const lease = await pttlsAfter(client, () => a.acquireLease('payments', 'probe:1', 'pod-a', 1_000), `${name}:{payments}:lease:*`);
    expectTtl(`${name}:{payments}:lease:probe:1`, lease.ttls.get(`${name}:{payments}:lease:probe:1`), 1_000, lease.slackMs);

    const keys = (await client.keys(`${name}:*`)).sort();
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(key).toMatch(new RegExp(`^${name}:\\{payments(@0)?\\}:`));
  });

  it('keeps the state for stateTtlMs after each transition', async () => {
    const name = `ttl-${++namespace}`;
    const store = createRedisStateStore({ client: connect(), namespace: name, stateTtlMs: 5_000 });
    stores.push(store);
    const client = connect();
    const key = `${name}:{payments}:state`;
    const opened = await pttlsAfter(client, () => store.compareAndSet('payments', 0, { state: 'OPEN', breakMs: 60_000, openings: 1, reason: 'failure-threshold' }), key);
    expectTtl(key, opened.ttls.get(key), 5_000, opened.slackMs);
    // The next transition sets it again (not the break's 60 s, not the default 7 days).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = await pttlsAfter(client, () => store.compareAndSet('payments', 1, { state: 'CLOSED', breakMs: 0, openings: 1, reason: 'reset' }), key);
    expectTtl(key, closed.ttls.get(key), 5_000, closed.slackMs);
  });

  it('slides the window: outcomes older than the window no longer count', async () => {
    const { a } = pair();
    const window = { bucketMs: 50, buckets: 2 };
    await a.addToWindow('svc@0', { failures: 4 }, window);
    await waitFor('the bucket to leave the window', async () => (await a.addToWindow('svc@0', { failures: 0 }, window)).totals.failures === undefined, 2_000);
  });

  it('compare-and-set applies once per generation and pushes the new state to every subscriber', async () => {
    const { a, b } = pair();
    const pushed: Array<[string, SharedCircuitState]> = [];
    await b.subscribe((key, state) => pushed.push([key, state]));
    const opened = await a.compareAndSet('payments', 0, { state: 'OPEN', breakMs: 5_000, openings: 1, reason: 'failure-threshold' });
    expect(opened).toMatchObject({ applied: true, state: { state: 'OPEN', generation: 1, openings: 1, reason: 'failure-threshold' } });
    expect(opened.state.openUntil - opened.now).toBe(5_000);
    const late = await b.compareAndSet('payments', 0, { state: 'OPEN', breakMs: 9_000, openings: 1, reason: 'failure-threshold' });
    expect(late).toMatchObject({ applied: false, state: { generation: 1, openUntil: opened.state.openUntil } });
    await waitFor('the push', () => pushed.length === 1);
    expect(pushed[0]).toEqual(['payments', opened.state]);
    expect((await b.readState('payments')).state).toEqual(opened.state);
    expect((await b.readState('never-used')).state).toMatchObject({ state: 'CLOSED', generation: 0 });
  });

  it.each(['HALF_OPEN', 'open', ''])('reads an unknown stored state (%j) as closed at the stored generation, so the breaker can still open', async (unknown) => {
    // Another version's state, or one written by hand: compare-and-set asks for the stored
    // generation, so the next transition overwrites it. (Generation 0 would be refused for ever.)
    const { a, name } = pair();
    await connect().hset(`${name}:{payments}:state`, 'state', unknown, 'generation', '5', 'openUntil', '0', 'openings', '1', 'reason', 'x');
    expect((await a.readState('payments')).state).toMatchObject({ state: 'CLOSED', generation: 5, openUntil: 0 });
    const breaker = new SharedCircuitBreaker('payments', { store: a, failureThreshold: 3, storeTimeoutMs: 2_000 });
    try {
      await breaker.ready();
      for (let i = 0; i < 3; i++) {
        breaker.canExecute();
        breaker.recordFailure(new Error('503'));
      }
      await waitFor('the opening stored', async () => (await a.readState('payments')).state.state === 'OPEN');
      expect((await a.readState('payments')).state).toMatchObject({ generation: 6, openings: 2 });
      expect(breaker.stats()).toMatchObject({ state: 'OPEN', mode: 'shared', generation: 6 });
    } finally {
      await breaker.close();
    }
  });

  it('gives a lease to one owner until it expires (SET NX PX)', async () => {
    const { a, b } = pair();
    expect(await a.acquireLease('payments', 'probe:3', 'pod-a', 100)).toBe(true);
    expect(await b.acquireLease('payments', 'probe:3', 'pod-b', 100)).toBe(false);
    expect(await b.acquireLease('payments', 'probe:4', 'pod-b', 100)).toBe(true); // another window
    await waitFor('the lease to expire', () => b.acquireLease('payments', 'probe:3', 'pod-b', 100), 2_000);
  });

  it('loads its scripts again when Redis forgot them (SCRIPT FLUSH, a restart, a failover)', async () => {
    const { a } = pair();
    await a.readState('payments');
    await connect().script('FLUSH');
    expect((await a.readState('payments')).state.generation).toBe(0);
  });
});
