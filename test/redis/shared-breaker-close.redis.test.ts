// What a SharedCircuitBreaker does once closed, on a real redis-server: calls still in flight
// during a shutdown (and any made after) go on being decided by this process's own breaker,
// started from the fleet's last state, and nothing reaches the store any more. Local time is a
// ManualClock; Redis answers in real time, and every wait polls a condition with a deadline.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, CircuitOpenError, executeWithHealing } from '../../src/index.js';
import { SharedCircuitBreaker, type SharedCircuitBreakerOptions, type StateStore } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';
import { flushMicrotasks, ManualClock } from '../helpers/manual-clock.js';
import { hasRedisServer, RedisServer, waitFor } from './redis-server.js';

const OPTIONS: SharedCircuitBreakerOptions = { failureThreshold: 5, breakDurationMs: 30_000, storeTimeoutMs: 2_000, flushIntervalMs: 60_000 };

describe.skipIf(!hasRedisServer())('a SharedCircuitBreaker after close(), on a real redis-server', () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  const stores: StateStore[] = [];
  const breakers: SharedCircuitBreaker[] = [];
  let namespace = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterEach(async () => {
    for (const breaker of breakers.splice(0)) await breaker.close();
    for (const store of stores.splice(0)) await store.close();
  });

  afterAll(async () => {
    for (const client of clients) await client.quit();
    await redis?.stop();
  });

  /** Two processes of one fleet: each with its own connection, store and local clock. */
  async function fleet() {
    const name = `close-${++namespace}`;
    const process = async () => {
      const client = new Redis(redis.port, '127.0.0.1');
      clients.push(client);
      const store = createRedisStateStore({ client, namespace: name });
      stores.push(store);
      const clock = new ManualClock();
      const breaker = new SharedCircuitBreaker('payments', { ...OPTIONS, store, clock });
      breakers.push(breaker);
      await breaker.ready();
      return { client, store, clock, breaker };
    };
    return { name, closing: await process(), other: await process() };
  }

  /** One call through the breaker, by hand: admitted or not, then its failure if admitted. */
  function failedCall(breaker: SharedCircuitBreaker): boolean {
    if (!breaker.canExecute()) return false;
    breaker.recordFailure(Object.assign(new Error('503'), { status: 503 }));
    return true;
  }

  it('decides alone once closed: failures of calls in flight and after open it at failureThreshold, and the store hears nothing', async () => {
    const { name, closing, other } = await fleet();
    const { breaker } = closing;
    expect(breaker.canExecute()).toBe(true); // a call in flight while the process shuts down
    await breaker.close();
    breaker.recordFailure(new Error('503')); // ...which fails after close()
    const admitted = Array.from({ length: 9 }, () => failedCall(breaker));
    expect(admitted).toEqual([true, true, true, true, false, false, false, false, false]);
    expect(breaker.state).toBe('OPEN');
    expect(breaker.stats()).toMatchObject({ mode: 'local', failures: 5, rejections: 5, store: { available: true } });

    const registry = new CircuitBreakerRegistry();
    registry.register(breaker);
    let ran = 0;
    const result = await executeWithHealing(async () => ++ran, {}, { circuitName: 'payments', registry, retry: { maxAttempts: 1 } });
    expect(result.status).toBe('error');
    expect(result.error).toBeInstanceOf(CircuitOpenError);
    expect(ran).toBe(0);

    // Nothing was sent: no window, no state; the rest of the fleet stays closed.
    await flushMicrotasks();
    expect(await closing.client.keys(`${name}:*`)).toEqual([]);
    expect((await closing.store.readState('payments')).state).toMatchObject({ state: 'CLOSED', generation: 0 });
    expect(other.breaker.state).toBe('CLOSED');
  });

  it('starts from the fleet\'s state: closed while the fleet is open, it refuses for the rest of the break, then probes on its own', async () => {
    const { closing, other } = await fleet();
    for (let i = 0; i < OPTIONS.failureThreshold!; i++) failedCall(other.breaker);
    await waitFor('the fleet\'s opening to reach the other process', () => closing.breaker.state === 'OPEN');
    await closing.breaker.close();
    expect(closing.breaker.canExecute()).toBe(false);
    // What is left of the fleet's break, on Redis's clock as this process last read it.
    const remainingMs = closing.breaker.remainingOpenMs();
    expect(remainingMs).toBeGreaterThan(0);
    await closing.clock.advance(remainingMs - 1);
    expect(closing.breaker.canExecute()).toBe(false);
    await closing.clock.advance(1);
    expect(closing.breaker.state).toBe('HALF_OPEN');
    expect(closing.breaker.canExecute()).toBe(true); // its own probe: the fleet's lease is out of reach
    closing.breaker.recordSuccess();
    expect(closing.breaker.state).toBe('CLOSED');
    // The fleet's state is the other process's business: still open there.
    expect((await other.store.readState('payments')).state.state).toBe('OPEN');
  });

  it('resets only itself once closed: the fleet stays open', async () => {
    const { closing, other } = await fleet();
    for (let i = 0; i < OPTIONS.failureThreshold!; i++) failedCall(other.breaker);
    await waitFor('the fleet\'s opening to reach the other process', () => closing.breaker.state === 'OPEN');
    await closing.breaker.close();
    closing.breaker.reset();
    expect(closing.breaker.state).toBe('CLOSED');
    // A compare-and-set sent now would be on this connection before the read, so the read would see it.
    await flushMicrotasks();
    expect((await closing.store.readState('payments')).state).toMatchObject({ state: 'OPEN', generation: 1 });
    expect(other.breaker.state).toBe('OPEN');
  });
});
