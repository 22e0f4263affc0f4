// Fleet mode on a real redis-server with one process's connections going through a TCP proxy
// that the test cuts or freezes, as a flaky network would. Pub/sub does not replay what a
// subscriber missed while it was disconnected, so these show the safety net: an open breaker with
// traffic re-reads the shared state at least every rejoinIntervalMs, and closing never hangs on
// a link that stopped answering. Real time is unavoidable with a real server: intervals are a few
// hundred ms and every wait polls a condition with a generous deadline.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SharedCircuitBreaker, type SharedCircuitBreakerOptions } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';
import { hasRedisServer, RedisServer, waitFor } from './redis-server.js';
import { TcpProxy } from './tcp-proxy.js';

const REJOIN_MS = 200;
const STORE_TIMEOUT_MS = 150;
const CLOSE_TIMEOUT_MS = 200;
/** Far above the bound on any machine, far below "never", which is what a missed push means without the re-read. */
const CATCH_UP_DEADLINE_MS = 10 * REJOIN_MS;
const OPTIONS: SharedCircuitBreakerOptions = {
  failureThreshold: 3, windowMs: 60_000, breakDurationMs: 60_000, flushIntervalMs: 20,
  storeTimeoutMs: STORE_TIMEOUT_MS, rejoinIntervalMs: REJOIN_MS, localFailureThreshold: 1_000,
};

describe.skipIf(!hasRedisServer())('fleet mode through a TCP link the test cuts', () => {
  let redis: RedisServer;
  let proxy: TcpProxy;
  let cleanup: Array<() => unknown> = [];
  let namespace = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });
  afterAll(async () => {
    await redis?.stop();
  });

  function client(port: number): Redis {
    const connection = new Redis(port, '127.0.0.1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 20 });
    connection.on('error', () => undefined); // refused reconnections while the link is cut
    cleanup.push(() => connection.disconnect());
    return connection;
  }

  /**
   * A leader on a direct connection and a follower whose subscriber (and, with `commandsToo`, its
   * commands) go through the proxy; both open once the leader has failed `failureThreshold` times.
   */
  async function openPair({ commandsToo = false } = {}) {
    proxy = await TcpProxy.start(redis.port);
    cleanup.push(() => proxy.stop());
    const ns = `flaky-${++namespace}`;
    const leaderStore = createRedisStateStore({ client: client(redis.port), namespace: ns });
    const followerStore = createRedisStateStore({
      client: client(commandsToo ? proxy.port : redis.port), subscriber: client(proxy.port), namespace: ns, closeTimeoutMs: CLOSE_TIMEOUT_MS,
    });
    const leader = new SharedCircuitBreaker('payments', { ...OPTIONS, store: leaderStore, instanceId: 'leader' });
    const follower = new SharedCircuitBreaker('payments', { ...OPTIONS, store: followerStore, instanceId: 'follower' });
    cleanup.push(async () => {
      await follower.close();
      await leader.close();
      await followerStore.close();
      await leaderStore.close();
    });
    await Promise.all([leader.ready(), follower.ready()]);
    expect(follower.stats().mode).toBe('shared');
    for (let i = 0; i < 3; i++) {
      leader.canExecute();
      leader.recordFailure(new Error('503'));
    }
    await waitFor('both open', () => leader.state === 'OPEN' && follower.state === 'OPEN', CATCH_UP_DEADLINE_MS);
    return { leader, follower, followerStore };
  }

  /** Calls `breaker` every 20 ms until `until()` holds; returns how long that took, or throws after the deadline. */
  async function trafficUntil(breaker: SharedCircuitBreaker, what: string, until: () => boolean): Promise<number> {
    const started = Date.now();
    await waitFor(what, () => {
      if (breaker.canExecute()) breaker.releasePermission();
      return until();
    }, CATCH_UP_DEADLINE_MS);
    return Date.now() - started;
  }

  it('catches up with a reset whose push it missed while its subscriber was cut off', async () => {
    const { leader, follower } = await openPair();
    proxy.cut();
    leader.reset(); // published while the follower's subscriber is down: never delivered to it
    await waitFor('the reset stored', () => leader.state === 'CLOSED');
    expect(follower.state).toBe('OPEN');
    await trafficUntil(follower, 'the follower closed', () => follower.state === 'CLOSED');
    expect(proxy.connections).toBe(0); // caught up by its re-read, with the subscriber still cut off
    expect(follower.stats()).toMatchObject({ mode: 'shared', generation: leader.stats().generation });
  });

  it('notices that the store is unreachable while open (mode local, storeUnavailable), and shares again once the link is back', async () => {
    const { leader, follower } = await openPair({ commandsToo: true });
    const events: string[] = [];
    follower.on('storeUnavailable', () => events.push('down'));
    follower.on('storeRecovered', () => events.push('up'));
    proxy.cut();
    await trafficUntil(follower, 'the follower local', () => follower.stats().mode === 'local');
    expect(events).toEqual(['down']);
    expect(follower.state).toBe('OPEN'); // it keeps refusing on its own meanwhile
    leader.reset();
    proxy.restore();
    await trafficUntil(follower, 'the follower shared and closed', () => follower.stats().mode === 'shared' && follower.state === 'CLOSED');
    expect(events).toEqual(['down', 'up']);
  });

  it('takes the closed generation 0 when Redis lost its data while it was open and its subscriber cut off', async () => {
    const { follower } = await openPair();
    proxy.cut();
    const admin = new Redis(redis.port, '127.0.0.1');
    cleanup.push(() => admin.disconnect());
    await admin.flushall(); // an empty restart, as far as the data goes
    await trafficUntil(follower, 'the follower closed', () => follower.state === 'CLOSED');
    expect(follower.stats()).toMatchObject({ state: 'CLOSED', generation: 0, mode: 'shared' });
  });

  it('joins in shared mode when its command connection gets ready after its subscriber (enableOfflineQueue: false)', async () => {
    // ioredis refuses a command sent before its connection is ready; at startup that is a store
    // not connected yet, not an unreachable one, so the breaker must not start in local mode.
    proxy = await TcpProxy.start(redis.port);
    cleanup.push(() => proxy.stop());
    proxy.hold(); // the command connection stays in its handshake until restore()
    const ns = `flaky-${++namespace}`;
    const commands = client(proxy.port);
    const store = createRedisStateStore({ client: commands, subscriber: client(redis.port), namespace: ns });
    const breaker = new SharedCircuitBreaker('payments', { ...OPTIONS, storeTimeoutMs: CATCH_UP_DEADLINE_MS, store, instanceId: 'late' });
    const events: string[] = [];
    breaker.on('storeUnavailable', () => events.push('down'));
    cleanup.push(async () => {
      await breaker.close();
      await store.close();
    });
    const admin = client(redis.port);
    // Redis has the subscription, so the join has moved on to reading the state, on the command
    // connection still in its handshake.
    await waitFor('the subscriber subscribed', async () =>
      admin.status === 'ready' && ((await admin.pubsub('NUMSUB', `${ns}:state`)) as [string, number])[1] === 1, CATCH_UP_DEADLINE_MS);
    expect(commands.status).toBe('connect');
    proxy.restore();
    await breaker.ready();
    expect(breaker.stats().mode).toBe('shared');
    expect(events).toEqual([]);
  });

  it('closes within storeTimeoutMs + closeTimeoutMs when its link stopped answering mid-flush', async () => {
    const { follower, followerStore } = await openPair({ commandsToo: true });
    follower.reset();
    follower.canExecute();
    follower.recordFailure(new Error('503')); // pending: close() flushes it into a link that answers nothing
    proxy.freeze();
    const started = Date.now();
    await follower.close();
    await followerStore.close();
    // The bound is 350 ms; a second of slack for a loaded machine, still far from "never".
    expect(Date.now() - started).toBeLessThan(STORE_TIMEOUT_MS + CLOSE_TIMEOUT_MS + 1_000);
    proxy.restore();
  });
});
