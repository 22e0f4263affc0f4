// Smoke test of the CJS build as a user's CommonJS script requires it. Each dist/*.cjs entry is a
// require() of the ES module build (require(esm), stable from Node 22.12, our engines floor), so
// every entry, required or imported, shares one copy of every class.
const assert = require('node:assert/strict');
const lib = require('self-healing');
const {
  executeWithHealing, HealingPipeline, withSelfHealing, ErrorClassifier, CircuitBreakerRegistry,
  getCircuitBreaker, HealingConfigError, HealingError, CircuitOpenError,
} = lib;
const CircuitBreaker = require('opossum');
const opossumEntry = require('self-healing/opossum');
const { createOpossumBreaker, fromOpossum } = opossumEntry;
const { injectFault, injectLatency, seededRandom } = require('self-healing/testing');
const httpEntry = require('self-healing/http');
const { Redis } = require('ioredis');
const redisEntry = require('self-healing/redis');
const fleetEntry = require('self-healing/fleet');
const otelEntry = require('self-healing/otel');
const llmEntry = require('self-healing/llm');
const { healTools } = require('self-healing/tools');

const warnings = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

assert.match(require.resolve('self-healing'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]index\.cjs$/);
for (const [name, value] of Object.entries({
  executeWithHealing, HealingPipeline, withSelfHealing, ErrorClassifier, CircuitBreakerRegistry,
  getCircuitBreaker, HealingConfigError, HealingError, CircuitOpenError,
})) {
  assert.equal(typeof value, 'function', `export ${name}`);
}

async function main() {
  let calls = 0;
  const result = await executeWithHealing(async ({ id }) => {
    calls++;
    if (calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return `item ${id}`;
  }, { id: 7 }, { retry: { minDelayMs: 0 } });

  assert.equal(result.status, 'ok', JSON.stringify(result));
  assert.equal(result.attempts, 2);
  assert.equal(result.healed, true);
  assert.equal(result.result, 'item 7');
  assert.equal(calls, 2);
  assert.equal(new ErrorClassifier().classify(Object.assign(new Error('busy'), { status: 503 })).disposition, 'transient');
  // A real backoff wait: the pending retry must keep the process alive until the result arrives,
  // and the long attempt timeout must not outlive the call (the check kills a run that hangs).
  let slowCalls = 0;
  const waited = await executeWithHealing(async () => {
    slowCalls++;
    if (slowCalls === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return 'after a wait';
  }, undefined, { timeoutMs: 600_000, retry: { minDelayMs: 30, jitter: 'none' } });
  assert.equal(waited.status, 'ok', JSON.stringify(waited));
  assert.equal(waited.result, 'after a wait');
  assert.equal(waited.healingActions[0]?.delayMs, 30);

  // self-healing/opossum from require(): an opossum breaker driven by the pipeline.
  assert.match(require.resolve('self-healing/opossum'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]opossum\.cjs$/);
  assert.deepEqual(Object.keys(opossumEntry).sort(), ['createOpossumBreaker', 'fromOpossum']);
  const opossum = createOpossumBreaker(CircuitBreaker, {
    name: 'inventory', volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 50, timeout: false,
  });
  const events = [];
  for (const event of ['fire', 'success', 'failure', 'reject', 'open', 'halfOpen', 'close']) opossum.on(event, () => events.push(event));
  const registry = new CircuitBreakerRegistry();
  registry.register(fromOpossum(opossum));
  const inventory = new HealingPipeline({ circuitName: 'inventory', registry, retry: { maxAttempts: 3, minDelayMs: 0 } });
  const tripped = await inventory.execute(async () => {
    throw Object.assign(new Error('busy'), { status: 503 });
  }, undefined);
  assert.equal(tripped.circuitBreakerTriggered, true);
  assert.deepEqual(tripped.healingActions.map((action) => action.kind), ['retry', 'retry', 'circuit_open', 'give_up']);
  await new Promise((resolve) => setTimeout(resolve, 80)); // opossum's resetTimeout half-opens it
  const probe = await inventory.execute(async () => 'back', undefined);
  assert.equal(probe.result, 'back');
  assert.equal(opossum.closed, true);
  // opossum closes a half-open breaker from its own 'success' listener, so 'close' comes first.
  assert.deepEqual(events, ['fire', 'failure', 'fire', 'failure', 'open', 'fire', 'reject', 'halfOpen', 'fire', 'close', 'success']);
  opossum.shutdown();
  // self-healing/testing through require(): dist/testing.cjs shares dist/index.cjs's classes.
  assert.match(require.resolve('self-healing/testing'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]testing\.cjs$/);
  const flaky = injectFault(async () => 'real', { rate: 0.5, random: seededRandom(2) });
  const chaosPipeline = new HealingPipeline({ retry: { maxAttempts: 20, minDelayMs: 0 } });
  for (let i = 0; i < 20; i++) assert.equal((await chaosPipeline.execute(flaky, undefined)).result, 'real');
  assert.ok(flaky.stats.injected > 0 && flaky.stats.injected < flaky.stats.calls, JSON.stringify(flaky.stats));
  const slow = await executeWithHealing(injectLatency(async () => 'late', { latencyMs: 600_000 }), undefined, { timeoutMs: 20, retry: { maxAttempts: 1 } });
  assert.equal(slow.error && slow.error.name, 'AttemptTimeoutError'); // and the 10-minute latency timer is cleared
  assert.throws(() => injectLatency(async () => 1, { latencyMs: -1 }), (error) => error instanceof HealingConfigError && error.option === 'latencyMs');

  // self-healing/http from require(): the Fetch handler over the main entry's registry.
  assert.match(require.resolve('self-healing/http'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]http\.cjs$/);
  assert.deepEqual(Object.keys(httpEntry).sort(), ['HealingHistory', 'createHealingHandler', 'createNodeListener']);
  const handler = httpEntry.createHealingHandler({ registry });
  const circuits = await (await handler(new Request('http://localhost/circuits'))).json();
  assert.deepEqual(circuits.map((breaker) => breaker.name), ['inventory']);
  assert.throws(() => httpEntry.createHealingHandler({ registry, maxBodyBytes: -1 }), HealingConfigError);
  // OpenTelemetry is an optional peer, not installed here: instrumenting is a no-op.
  assert.match(require.resolve('self-healing/otel'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]otel\.cjs$/);
  assert.equal(otelEntry.instrumentOpenTelemetry(inventory).enabled, false);

  // self-healing/redis from require(), with a real (never connected) ioredis client.
  assert.match(require.resolve('self-healing/redis'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]redis\.cjs$/);
  assert.deepEqual(Object.keys(redisEntry).sort(), ['createRedisStateStore']);
  assert.equal(redisEntry.createRedisStateStore({ client: new Redis({ lazyConnect: true }) }).kind, 'redis');
  // One copy of every class across entries: a subpath's errors are the main entry's classes.
  assert.throws(() => redisEntry.createRedisStateStore({ client: {} }), (error) => Object.getPrototypeOf(error) === HealingConfigError.prototype && error.option === 'redisStateStore.client');
  assert.throws(() => llmEntry.createLLMReflector({}), (error) => Object.getPrototypeOf(error) === HealingConfigError.prototype);
  assert.match(require.resolve('self-healing/fleet'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]fleet\.cjs$/);
  const shared = new fleetEntry.SharedCircuitBreaker('shared-cjs', { failureThreshold: 1 });
  await shared.ready();
  assert.equal(shared.canExecute(), true);
  shared.recordSuccess();
  await shared.close();
  // self-healing/tools from require(): a tool healed, its failure the main entry's HealingError.
  assert.match(require.resolve('self-healing/tools'), /[\\/]node_modules[\\/]self-healing[\\/]dist[\\/]tools\.cjs$/);
  let toolCalls = 0;
  const agentTools = healTools({
    lookup: { execute: async ({ id }) => { if (++toolCalls === 1) throw Object.assign(new Error('busy'), { status: 503 }); return id; } },
    denied: { execute: async () => { throw Object.assign(new Error('forbidden'), { status: 403 }); } },
  }, { registry, retry: { minDelayMs: 0 } });
  assert.equal(await agentTools.lookup.execute({ id: 'a1' }, { toolCallId: 't1', messages: [] }), 'a1');
  await assert.rejects(agentTools.denied.execute({}, { toolCallId: 't2', messages: [] }), HealingError);
  assert.deepEqual(warnings, [], 'no process warnings (require(esm) must not warn)');

  console.log(`ok cjs on Node ${process.version}: status=${result.status} attempts=${result.attempts} healed=${result.healed} opossum=${events.length} events chaos=${flaky.stats.injected}/${flaky.stats.calls}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
