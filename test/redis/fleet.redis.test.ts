// Fleet mode against a real redis-server: 4 separate Node processes (test/redis/fleet-worker.ts)
// share one breaker through Redis and call one dependency (an HTTP server in this process, which
// logs what each caller's breaker believed when it called). Real time is unavoidable across
// processes: windows and intervals are tens to hundreds of ms, and every wait polls a condition
// with a bounded deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedCircuitBreakerOptions } from '../../src/fleet/index.js';
import { Dependency, startWorkers, type Worker } from './fleet.js';
import { hasRedisCli } from './redis-cluster.js';
import { ENABLE_REDIS_SUITE, hasRedisServer, RedisServer, waitFor } from './redis-server.js';

const available = hasRedisServer();
const inCI = process.env.CI === 'true';
if (!available && !inCI) {
  console.warn(`\n[self-healing] Redis suite SKIPPED: redis-server not found. To run it, ${ENABLE_REDIS_SUITE}.\n`);
}

const BASE: SharedCircuitBreakerOptions = {
  failureThreshold: 8, windowMs: 10_000, breakDurationMs: 10_000, probeTimeoutMs: 2_000,
  flushIntervalMs: 50, storeTimeoutMs: 250, rejoinIntervalMs: 100, localFailureThreshold: 1_000,
};

describe('redis-server is installed where the Redis suite must run', () => {
  it.runIf(inCI)('finds redis-server and redis-cli (CI always runs the Redis suites; .ci/run installs them)', () => {
    expect(available, `redis-server is missing: ${ENABLE_REDIS_SUITE}`).toBe(true);
    expect(hasRedisCli(), `redis-cli is missing (the Redis Cluster suite needs it): ${ENABLE_REDIS_SUITE}`).toBe(true);
  });
});

describe.skipIf(!available)('fleet mode on a real redis-server, 4 processes', () => {
  let redis: RedisServer;
  let dependency: Dependency;
  /** The 4 processes, started once; each case gives them a fresh breaker in its own namespace. */
  let workers: Worker[] = [];
  let namespace = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
    dependency = await Dependency.start();
    workers = await startWorkers(4, { redisPort: redis.port, dependencyUrl: dependency.url, namespace: 'warm-up', options: BASE });
  }, 30_000);

  afterAll(async () => {
    const stderr = await Promise.all(workers.map((worker) => worker.exit()));
    await redis?.stop();
    await dependency?.stop();
    expect(stderr.join('')).toBe(''); // no unhandled rejection, no warning, no stray ioredis error
  });

  async function fleet(options: SharedCircuitBreakerOptions) {
    dependency.requests.length = 0;
    dependency.status = 503;
    dependency.failing = undefined;
    const name = `test-${++namespace}`;
    await Promise.all(workers.map((worker) => worker.configure(name, { ...BASE, ...options })));
    return workers;
  }

  function statesOf(group: Worker[]): Promise<string[]> {
    return Promise.all(group.map((worker) => worker.state()));
  }

  async function waitForStates(group: Worker[], state: string, timeoutMs = 3_000): Promise<void> {
    await waitFor(`every worker ${state}`, async () => (await statesOf(group)).every((s) => s === state), timeoutMs);
  }

  it('opens fleet-wide after failureThreshold failures in total, and a restarted process starts open', async () => {
    const group = await fleet({});
    // 2 failures each: 8 in total, while each process alone saw only 2 of the 8 needed.
    const answers = await Promise.all(group.map((worker) => worker.ask({ cmd: 'calls', count: 2 }, 'calls')));
    expect(answers.flatMap((answer) => answer.outcomes).every((outcome: { refused: boolean }) => !outcome.refused)).toBe(true);
    await waitForStates(group, 'OPEN');
    expect(dependency.requests).toHaveLength(8);

    // Every process now refuses without calling the dependency.
    const refused = await Promise.all(group.map((worker) => worker.ask({ cmd: 'calls', count: 3 }, 'calls')));
    expect(refused.flatMap((answer) => answer.outcomes).every((outcome: { refused: boolean }) => outcome.refused)).toBe(true);
    expect(dependency.requests).toHaveLength(8);

    // A process (re)started now reads the open state from Redis before its first call.
    const [restarted] = await startWorkers(1, { redisPort: redis.port, dependencyUrl: dependency.url, namespace: `test-${namespace}`, options: BASE }, 'restarted');
    try {
      expect(restarted!.messages.find((message) => message.type === 'ready')!.state).toBe('OPEN');
      const first = await restarted!.ask({ cmd: 'calls', count: 1 }, 'calls');
      expect(first.outcomes[0].refused).toBe(true);
      expect(dependency.requests).toHaveLength(8);
    } finally {
      expect(await restarted!.exit()).toBe('');
    }
  });

  it('sends exactly one half-open probe across the fleet per recovery window', async () => {
    const group = await fleet({ breakDurationMs: 150 });
    for (const worker of group) worker.send({ cmd: 'load', gapMs: 5 });
    const probes = () => dependency.requests.filter((request) => request.state === 'HALF_OPEN');
    await waitFor('4 recovery windows', () => new Set(probes().map((probe) => probe.generation)).size >= 4, 5_000);
    await Promise.all(group.map((worker) => worker.ask({ cmd: 'stop' }, 'stopped')));

    const perWindow = new Map<number, number>();
    for (const probe of probes()) perWindow.set(probe.generation, (perWindow.get(probe.generation) ?? 0) + 1);
    expect([...perWindow.values()].every((count) => count === 1), JSON.stringify([...perWindow])).toBe(true);
    // Nothing reached the dependency while a process believed the circuit open.
    expect(dependency.requests.filter((request) => request.state === 'OPEN')).toEqual([]);
  });

  it('with a quorum of 2, ignores a single failing instance and opens once a second one fails', async () => {
    const group = await fleet({ failureThreshold: 4, quorum: 2 });
    dependency.failing = new Set(['w1']);
    await Promise.all(group.map((worker) => worker.ask({ cmd: 'calls', count: 6 }, 'calls')));
    await waitFor('w1 flushed its failures', async () => {
      const { stats } = await group[0]!.ask({ cmd: 'stats' }, 'stats');
      return stats.fleet?.failures === 6 && stats.pending.calls === 0;
    });
    const { stats } = await group[0]!.ask({ cmd: 'stats' }, 'stats');
    expect(stats.fleet).toMatchObject({ failures: 6, failingInstances: 1 });
    expect(await statesOf(group)).toEqual(['CLOSED', 'CLOSED', 'CLOSED', 'CLOSED']);

    dependency.failing = new Set(['w1', 'w2']);
    await group[1]!.ask({ cmd: 'calls', count: 1 }, 'calls');
    await waitForStates(group, 'OPEN');
  });

  it('survives redis-server being killed and restarted under load: no call fails or hangs, local meanwhile, shared again after', async () => {
    const group = await fleet({});
    dependency.status = 200;
    for (const worker of group) worker.send({ cmd: 'load', gapMs: 2 });
    await waitFor('traffic', () => dependency.requests.length >= 40);

    await redis.kill();
    await Promise.all(group.map((worker) => worker.next((message) => message.event === 'storeUnavailable')));
    const during = await Promise.all(group.map((worker) => worker.ask({ cmd: 'stats' }, 'stats')));
    expect(during.map((answer) => answer.stats.mode)).toEqual(['local', 'local', 'local', 'local']);
    const servedWhileDown = dependency.requests.length;
    await waitFor('calls served while Redis is down', () => dependency.requests.length >= servedWhileDown + 40);

    await redis.launch();
    await Promise.all(group.map((worker) => worker.next((message) => message.event === 'storeRecovered')));
    const loads = await Promise.all(group.map((worker) => worker.ask({ cmd: 'stop' }, 'stopped')));
    for (const load of loads) {
      expect(load.errors, `${load.worker}: calls that failed`).toBe(0);
      expect(load.refused, `${load.worker}: calls refused`).toBe(0);
      // No call hangs on the store: a call that waited for Redis would last as long as the outage.
      // The bound is loose on purpose, so a busy CI machine's scheduling cannot fail it.
      expect(load.maxMs, `${load.worker}: slowest call (ms)`).toBeLessThan(5_000);
    }

    // Shared again: 8 failures in total across the 4 processes open all of them.
    dependency.status = 503;
    await Promise.all(group.map((worker) => worker.ask({ cmd: 'calls', count: 2 }, 'calls')));
    await waitForStates(group, 'OPEN');
    const after = await Promise.all(group.map((worker) => worker.ask({ cmd: 'stats' }, 'stats')));
    expect(after.map((answer) => answer.stats.mode)).toEqual(['shared', 'shared', 'shared', 'shared']);
  });
});
