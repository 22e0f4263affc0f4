// One process of a fleet, for the Redis integration tests and the bench: a SharedCircuitBreaker on
// a real redis-server, calling a dependency over HTTP through executeWithHealing. Driven by JSON
// commands on stdin; answers and events are JSON lines on stdout.
//
//   FLEET_WORKER='{"redisPort":6379,"instanceId":"w1","dependencyUrl":"http://127.0.0.1:8080/","namespace":"t1","options":{...}}'
//   node --import tsx test/redis/fleet-worker.ts
//
// `configure` swaps in a new breaker (another namespace, other options) without a new process,
// so one set of processes serves several test cases.
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { CircuitBreakerRegistry, executeWithHealing } from '../../src/index.js';
import { SharedCircuitBreaker, type SharedCircuitBreakerOptions, type StateStore } from '../../src/fleet/index.js';
import { createRedisStateStore } from '../../src/redis/index.js';

interface WorkerConfig {
  redisPort: number;
  instanceId: string;
  dependencyUrl: string;
  namespace: string;
  options: SharedCircuitBreakerOptions;
}

type Command =
  | { cmd: 'configure'; namespace: string; options: SharedCircuitBreakerOptions }
  | { cmd: 'calls'; count: number }
  | { cmd: 'load'; gapMs: number }
  | { cmd: 'stop' }
  | { cmd: 'stats' }
  | { cmd: 'reset' }
  | { cmd: 'exit' };

const config = JSON.parse(process.env.FLEET_WORKER ?? '{}') as WorkerConfig;
const send = (message: object) => process.stdout.write(`${JSON.stringify({ ...message, worker: config.instanceId, t: performance.timeOrigin + performance.now() })}\n`);

const client = new Redis(config.redisPort, '127.0.0.1', {
  enableOfflineQueue: false, // fail fast while disconnected: the breaker's own timeout is the backstop
  maxRetriesPerRequest: 0,
  retryStrategy: () => 20, // reconnect every 20 ms while redis-server is down
});
client.on('error', () => undefined); // reconnection is automatic; the breaker reports the outage
await new Promise<void>((resolve) => client.once('ready', () => resolve()));

let store: StateStore | undefined;
let breaker!: SharedCircuitBreaker;
let registry!: CircuitBreakerRegistry;

/** A new store and breaker in `namespace` (closing the previous ones), joined to Redis. */
async function configure(namespace: string, options: SharedCircuitBreakerOptions) {
  await (breaker as SharedCircuitBreaker | undefined)?.close();
  await store?.close();
  store = createRedisStateStore({ client, namespace });
  breaker = new SharedCircuitBreaker('dependency', { store, instanceId: config.instanceId, ...options });
  registry = new CircuitBreakerRegistry();
  registry.register(breaker);
  const own = breaker;
  for (const event of ['stateChange', 'storeUnavailable', 'storeRecovered'] as const) {
    own.on(event, (payload) => {
      if (own === breaker) send({ type: 'event', event, ...payload });
    });
  }
  await breaker.ready();
}

await configure(config.namespace, config.options);

/** One call of the dependency through the pipeline; the request says what this process believed. */
async function callOnce() {
  const started = performance.now();
  const result = await executeWithHealing(async () => {
    const response = await fetch(config.dependencyUrl, {
      headers: { 'x-worker': config.instanceId, 'x-state': breaker.state, 'x-generation': String(breaker.stats().generation) },
    });
    await response.arrayBuffer();
    if (!response.ok) throw Object.assign(new Error(`dependency answered ${response.status}`), { status: response.status });
    return response.status;
  }, undefined, { circuitName: 'dependency', registry, retry: { maxAttempts: 1 } });
  return { status: result.status, refused: result.circuitBreakerTriggered, ms: performance.now() - started };
}

let load: { running: boolean; done: Promise<void>; executions: number; errors: number; refused: number; maxMs: number } | undefined;

async function runLoad(gapMs: number, state: NonNullable<typeof load>) {
  while (state.running) {
    const outcome = await callOnce();
    state.executions++;
    if (outcome.refused) state.refused++;
    else if (outcome.status !== 'ok') state.errors++;
    state.maxMs = Math.max(state.maxMs, outcome.ms);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

async function handle(command: Command) {
  switch (command.cmd) {
    case 'configure':
      await configure(command.namespace, command.options);
      send({ type: 'configured', state: breaker.state, stats: breaker.stats() });
      break;
    case 'calls': {
      const outcomes = [];
      for (let i = 0; i < command.count; i++) outcomes.push(await callOnce());
      send({ type: 'calls', outcomes, state: breaker.state });
      break;
    }
    case 'load': {
      const state = { running: true, done: Promise.resolve(), executions: 0, errors: 0, refused: 0, maxMs: 0 };
      state.done = runLoad(command.gapMs, state);
      load = state;
      send({ type: 'loading' });
      break;
    }
    case 'stop': {
      const state = load;
      load = undefined;
      if (state !== undefined) {
        state.running = false;
        await state.done;
      }
      send({ type: 'stopped', executions: state?.executions ?? 0, errors: state?.errors ?? 0, refused: state?.refused ?? 0, maxMs: state?.maxMs ?? 0 });
      break;
    }
    case 'stats':
      send({ type: 'stats', state: breaker.state, stats: breaker.stats() });
      break;
    case 'reset':
      breaker.reset();
      send({ type: 'reset' });
      break;
    case 'exit':
      await breaker.close();
      await store?.close();
      client.disconnect();
      send({ type: 'bye' });
      lines.close();
      break;
  }
}

send({ type: 'ready', state: breaker.state, stats: breaker.stats() });
const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  const command = JSON.parse(line) as Command;
  // 'stop' and 'stats' must not wait behind a running 'calls'; everything else runs in order.
  if (command.cmd === 'stats') void handle(command);
  else queue = queue.then(() => handle(command));
});
