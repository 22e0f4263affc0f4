import { Redis } from 'ioredis';
import type { RedisClientLike } from '../../src/redis/index.js';
import { Dependency, startWorkers, type Worker } from '../../test/redis/fleet.js';
import { hasRedisServer, RedisServer, waitFor } from '../../test/redis/redis-server.js';
import { check, measure, median } from '../harness.js';
import type { BenchSettings, Row, ScenarioResult } from '../types.js';
import { lib, fleetLib, redisLib } from '../library.js';

const { CircuitBreakerRegistry, executeWithHealing } = lib;
const { MemoryStateStore, SharedCircuitBreaker } = fleetLib;
const { createRedisStateStore } = redisLib;

/** An ioredis client that counts the commands the store sends through it. */
function countingClient(client: Redis): RedisClientLike & { commands: number } {
  const counting = {
    commands: 0,
    evalsha: (...args: Parameters<RedisClientLike['evalsha']>) => (counting.commands++, client.evalsha(...args)),
    eval: (...args: Parameters<RedisClientLike['eval']>) => (counting.commands++, client.eval(...args)),
    set: (...args: Parameters<RedisClientLike['set']>) => (counting.commands++, client.set(...args)),
    duplicate: () => client.duplicate(),
  };
  return counting;
}

/**
 * Scenario 7: what fleet mode adds per call, and how fast an open decision reaches the fleet.
 *
 * Per call: `canExecute()` + `recordSuccess()` on a closed breaker, native and shared (on the
 * memory store and on a real redis-server), and a whole pipeline call through each. Admission is
 * synchronous, so no call can wait on Redis; outcomes are flushed every `flushIntervalMs` in the
 * background, and the scenario counts those commands per call.
 *
 * Propagation: 4 worker processes share a breaker through Redis; one records the failures that
 * open it; the time from its decision to the last process seeing `OPEN` (pub/sub), per trial.
 */
export async function fleet(settings: BenchSettings): Promise<ScenarioResult[]> {
  const registry = new CircuitBreakerRegistry();
  const native = registry.get('fleet-native');
  const memoryShared = new SharedCircuitBreaker('fleet-memory', { store: new MemoryStateStore() });
  registry.register(memoryShared);
  const gate = (breaker: { canExecute(): boolean; recordSuccess(): void }) => () => {
    if (breaker.canExecute()) breaker.recordSuccess();
  };
  const notes: string[] = [];
  let redis: RedisServer | undefined;
  let client: Redis | undefined;
  let redisShared: InstanceType<typeof SharedCircuitBreaker> | undefined;
  let store: ReturnType<typeof createRedisStateStore> | undefined;
  let counting: ReturnType<typeof countingClient> | undefined;
  let redisCalls = 0;
  let propagation: ScenarioResult | undefined;
  try {
    const candidates = [
      { id: 'native', label: 'native breaker: canExecute + recordSuccess', run: gate(native), sync: true },
      { id: 'shared-memory', label: 'shared breaker, memory store: canExecute + recordSuccess', run: gate(memoryShared), sync: true },
    ];
    const pipeline = (circuitName: string) => () => executeWithHealing(async () => 1, undefined, { circuitName, registry });
    const pipelines = [
      { id: 'pipeline-native', label: 'executeWithHealing through the native breaker', run: pipeline('fleet-native') },
    ];
    if (hasRedisServer()) {
      redis = await RedisServer.start();
      client = new Redis(redis.port, '127.0.0.1', { enableOfflineQueue: false });
      client.on('error', () => undefined);
      await new Promise<void>((resolve) => client!.once('ready', () => resolve()));
      counting = countingClient(client);
      store = createRedisStateStore({ client: counting, namespace: 'bench' });
      redisShared = new SharedCircuitBreaker('fleet-redis', { store });
      await redisShared.ready();
      check(redisShared.stats().mode === 'shared', 'the Redis store did not answer');
      registry.register(redisShared);
      const redisGate = gate(redisShared);
      candidates.push({ id: 'shared-redis', label: 'shared breaker, Redis store: canExecute + recordSuccess', run: () => { redisCalls++; redisGate(); }, sync: true });
      const redisPipeline = pipeline('fleet-redis');
      pipelines.push({ id: 'pipeline-redis', label: 'executeWithHealing through the shared breaker on Redis', run: () => { redisCalls++; return redisPipeline(); } });
    } else {
      notes.push('redis-server not found: the Redis rows and the propagation figures are skipped (apt-get install -y redis-server to measure them).');
    }
    const rows: Row[] = [...(await measure(candidates, settings)), ...(await measure(pipelines, settings))];
    for (const breaker of [native, memoryShared, redisShared]) check(breaker === undefined || breaker.state === 'CLOSED', 'a breaker left CLOSED');
    if (redisShared !== undefined && counting !== undefined) {
      await redisShared.close(); // flushes what is pending
      check(redisShared.stats().store.errors === 0, `store errors: ${redisShared.stats().store.lastError}`);
      notes.push(`Redis commands per call: ${(counting.commands / redisCalls).toExponential(1)} (${counting.commands} commands, all background flushes, for ${redisCalls.toLocaleString('en-US')} calls): no call waits on a network round trip.`);
      propagation = await measurePropagation(redis!, settings);
    }
    return [{
      id: 'fleet',
      title: '10. Fleet mode: a closed shared breaker, per call',
      unit: 'ns/op',
      rows,
      notes: [...notes, 'The shared rows include counting outcomes for the next batched flush (every 250 ms, in the background).'],
    }, ...(propagation ? [propagation] : [])];
  } finally {
    await memoryShared.close();
    await redisShared?.close();
    await store?.close(); // quits the subscriber connection it opened
    await client?.quit().catch(() => client?.disconnect()); // quit: disconnect() leaves a short socket-end timer
    await redis?.stop();
  }
}

/** Time from one process's open decision to every process of 4 seeing `OPEN`, over several trials. */
async function measurePropagation(redis: RedisServer, settings: BenchSettings): Promise<ScenarioResult> {
  const dependency = await Dependency.start();
  const threshold = 8;
  let workers: Worker[] = [];
  try {
    workers = await startWorkers(4, {
      redisPort: redis.port, dependencyUrl: dependency.url, namespace: 'bench-propagation',
      options: { failureThreshold: threshold, windowMs: 60_000, breakDurationMs: 60_000, flushIntervalMs: 250 },
    });
    const trials = settings.quick ? 2 : 10;
    const lags: number[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const marks = workers.map((worker) => worker.messages.length);
      const opened = (worker: Worker, i: number) => worker.messages.slice(marks[i]).find((m) => m.event === 'stateChange' && m.to === 'OPEN');
      await workers[0]!.ask({ cmd: 'calls', count: threshold }, 'calls');
      await waitFor('every worker OPEN', () => workers.every((worker, i) => opened(worker, i) !== undefined));
      const times = workers.map((worker, i) => opened(worker, i)!.t as number);
      lags.push(Math.max(...times) - times[0]!);
      await workers[0]!.ask({ cmd: 'reset' }, 'reset');
      await waitFor('every worker CLOSED', async () => (await Promise.all(workers.map((worker) => worker.state()))).every((s) => s === 'CLOSED'));
    }
    return {
      id: 'propagation',
      title: '11. Fleet mode: an open decision reaching all 4 processes (Redis pub/sub)',
      unit: 'ms',
      rows: [{ id: 'open-to-all', label: 'decision in one process -> OPEN in the last of 4', value: median(lags), min: Math.min(...lags), max: Math.max(...lags), count: trials, rounds: trials }],
      notes: [`${trials} trials; each: ${threshold} failures in one process trip the fleet's threshold, then reset(). Times: each process's performance.timeOrigin + performance.now() when its breaker emitted stateChange to OPEN.`],
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.exit()));
    await dependency.stop();
  }
}
