// Smoke test of the ESM build as a user's plain Node script imports it.
import assert from 'node:assert/strict';
import * as lib from 'self-healing';
import {
  executeWithHealing, HealingPipeline, withSelfHealing, ErrorClassifier, CircuitBreakerRegistry,
  getCircuitBreaker, HealingConfigError, HealingError, CircuitOpenError,
} from 'self-healing';
import CircuitBreaker from 'opossum';
import * as opossumEntry from 'self-healing/opossum';
import { createOpossumBreaker, fromOpossum } from 'self-healing/opossum';
import { injectFault, injectHang, ManualClock, seededRandom } from 'self-healing/testing';
import { createServer } from 'node:http';
import * as httpEntry from 'self-healing/http';
import { createHealingHandler, createNodeListener } from 'self-healing/http';
import { Redis } from 'ioredis';
import * as redisEntry from 'self-healing/redis';
import { SharedCircuitBreaker } from 'self-healing/fleet';
import { instrumentOpenTelemetry } from 'self-healing/otel';
import { createLLMReflector } from 'self-healing/llm';
import { healTools } from 'self-healing/tools';
import { createRequire } from 'node:module';

const warnings = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

assert.match(import.meta.resolve('self-healing'), /\/node_modules\/self-healing\/dist\/index\.js$/);
for (const [name, value] of Object.entries({
  executeWithHealing, HealingPipeline, withSelfHealing, ErrorClassifier, CircuitBreakerRegistry,
  getCircuitBreaker, HealingConfigError, HealingError, CircuitOpenError,
})) {
  assert.equal(typeof value, 'function', `export ${name}`);
}
assert.equal('default' in lib, false, 'no default export');
// Every class prints as its own name (a bundler's `class _HealingConfigError` would show in logs and stacks).
for (const [entry, exports] of Object.entries({ main: lib, opossum: opossumEntry, http: httpEntry, redis: redisEntry })) {
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value === 'function' && /^[A-Z]/.test(name)) assert.equal(value.name, name, `${entry}: ${name} is named ${value.name}`);
  }
}
assert.match(String(new HealingConfigError('retry', 'bad')), /^HealingConfigError: /);

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

// self-healing/opossum: an opossum breaker driven by the pipeline, on opossum's real timers.
assert.match(import.meta.resolve('self-healing/opossum'), /\/node_modules\/self-healing\/dist\/opossum\.js$/);
assert.deepEqual(Object.keys(opossumEntry).sort(), ['createOpossumBreaker', 'fromOpossum']);
const opossum = createOpossumBreaker(CircuitBreaker, {
  name: 'inventory', volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 50, timeout: false,
});
const events = [];
for (const event of ['fire', 'success', 'failure', 'reject', 'open', 'halfOpen', 'close']) opossum.on(event, () => events.push(event));
const registry = new CircuitBreakerRegistry();
registry.register(fromOpossum(opossum));
const inventory = new HealingPipeline({ circuitName: 'inventory', registry, retry: { maxAttempts: 3, minDelayMs: 0 } });
let inventoryCalls = 0;
const tripped = await inventory.execute(async () => {
  inventoryCalls++;
  throw Object.assign(new Error('busy'), { status: 503 });
}, undefined);
assert.equal(inventoryCalls, 2, 'opossum opened after 2 failures (volumeThreshold 2)');
assert.equal(tripped.circuitBreakerTriggered, true);
assert.deepEqual(tripped.healingActions.map((action) => action.kind), ['retry', 'retry', 'circuit_open', 'give_up']);
assert.equal(opossum.opened, true);
await new Promise((resolve) => setTimeout(resolve, 80)); // opossum's resetTimeout half-opens it
assert.equal(opossum.halfOpen, true);
const probe = await inventory.execute(async () => 'back', undefined);
assert.equal(probe.result, 'back');
assert.equal(opossum.closed, true);
// opossum closes a half-open breaker from its own 'success' listener, so 'close' comes first.
assert.deepEqual(events, ['fire', 'failure', 'fire', 'failure', 'open', 'fire', 'reject', 'halfOpen', 'fire', 'close', 'success']);
opossum.shutdown();
// self-healing/testing: chaos wrappers drive the pipeline; their config errors are the main
// entry's HealingConfigError (the subpath shares it instead of bundling a copy).
assert.match(import.meta.resolve('self-healing/testing'), /\/node_modules\/self-healing\/dist\/testing\.js$/);
const flaky = injectFault(async () => 'real', { rate: 0.5, random: seededRandom(1), error: () => Object.assign(new Error('busy'), { status: 503 }) });
const chaosPipeline = new HealingPipeline({ retry: { maxAttempts: 20, minDelayMs: 0 } });
for (let i = 0; i < 20; i++) assert.equal((await chaosPipeline.execute(flaky, undefined)).result, 'real');
assert.ok(flaky.stats.injected > 0 && flaky.stats.injected < flaky.stats.calls, JSON.stringify(flaky.stats));
const hung = await executeWithHealing(injectHang(async () => 'never'), undefined, { timeoutMs: 20, retry: { maxAttempts: 1 } });
assert.equal(hung.error?.name, 'AttemptTimeoutError');
assert.throws(() => injectFault(async () => 1, { rate: 2 }), (error) => error instanceof HealingConfigError && error.option === 'rate');
// ManualClock: a backoff passes on the test's time.
const manualClock = new ManualClock();
let manualCalls = 0;
const waiting = new HealingPipeline({ clock: manualClock, retry: { minDelayMs: 5_000, jitter: 'none' } })
  .execute(async () => { if (++manualCalls === 1) throw Object.assign(new Error('busy'), { status: 503 }); return 'later'; }, undefined);
await manualClock.advance(5_000);
assert.equal((await waiting).result, 'later');
assert.equal(manualClock.timerCount, 0);

// self-healing/http: a registry, statistics and monitor from the main entry, served by the subpath
// (the entries share one copy of every class: see the instanceof checks below).
assert.match(import.meta.resolve('self-healing/http'), /\/node_modules\/self-healing\/dist\/http\.js$/);
assert.deepEqual(Object.keys(httpEntry).sort(), ['HealingHistory', 'createHealingHandler', 'createNodeListener']);
assert.throws(() => createHealingHandler({ registry, authToken: 'short' }), HealingConfigError, 'instanceof works across entries');
const statistics = new lib.HealingStatistics();
const monitor = new lib.HealthMonitor();
statistics.track(inventory, { component: 'stock' });
monitor.track(inventory);
await inventory.execute(async () => 'tracked', undefined);
const server = createServer(createNodeListener(createHealingHandler({ registry, statistics, monitor })));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const served = await (await fetch(`${base}/circuits`)).json();
assert.deepEqual(served.map((breaker) => breaker.name), ['inventory']);
assert.equal((await (await fetch(`${base}/stats`)).json()).pipelines.inventory.calls, 1);
assert.match(await (await fetch(`${base}/metrics`)).text(), /^self_healing_pipeline_calls_total\{pipeline="inventory"\} 1$/m);
assert.equal((await fetch(`${base}/circuits/inventory/reset`, { method: 'POST' })).status, 403);
server.close();

// OpenTelemetry is an optional peer, not installed here: instrumenting is a no-op.
assert.match(import.meta.resolve('self-healing/otel'), /\/node_modules\/self-healing\/dist\/otel\.js$/);
assert.equal(instrumentOpenTelemetry(inventory).enabled, false);

// self-healing/redis with a real ioredis client (never connected: no server here), and a shared
// breaker on the default in-memory store driven by the pipeline.
assert.match(import.meta.resolve('self-healing/redis'), /\/node_modules\/self-healing\/dist\/redis\.js$/);
assert.deepEqual(Object.keys(redisEntry).sort(), ['createRedisStateStore']);
assert.equal(redisEntry.createRedisStateStore({ client: new Redis({ lazyConnect: true }) }).kind, 'redis');
// One copy of every class in the process: the entries share chunks, so a subpath's errors are the
// main entry's classes, and require() from ESM gets the very same module.
assert.throws(() => redisEntry.createRedisStateStore({ client: {} }), (error) => Object.getPrototypeOf(error) === HealingConfigError.prototype && error.option === 'redisStateStore.client');
assert.throws(() => createLLMReflector({}), (error) => Object.getPrototypeOf(error) === HealingConfigError.prototype);
const required = createRequire(import.meta.url)('self-healing');
assert.equal(required.HealingConfigError, HealingConfigError, 'require() and import share one HealingConfigError');
assert.equal(required.getDefaultRegistry(), lib.getDefaultRegistry(), 'require() and import share one default registry');
assert.match(import.meta.resolve('self-healing/fleet'), /\/node_modules\/self-healing\/dist\/fleet\.js$/);
const shared = new SharedCircuitBreaker('shared-esm', { failureThreshold: 1 });
await shared.ready();
registry.register(shared);
const sharedResult = await executeWithHealing(async () => 'through the shared breaker', undefined, { circuitName: 'shared-esm', registry });
assert.equal(sharedResult.result, 'through the shared breaker');
await shared.close();
// self-healing/tools: a tool's execute healed, and its failure a HealingError of the main entry.
assert.match(import.meta.resolve('self-healing/tools'), /\/node_modules\/self-healing\/dist\/tools\.js$/);
let toolCalls = 0;
const agentTools = healTools({
  lookup: { description: 'Look up', execute: async ({ id }) => { if (++toolCalls === 1) throw Object.assign(new Error('busy'), { status: 503 }); return id; } },
  denied: { execute: async () => { throw Object.assign(new Error('forbidden'), { status: 403 }); } },
}, { registry, retry: { minDelayMs: 0 } });
assert.equal(await agentTools.lookup.execute({ id: 'a1' }, { toolCallId: 't1', messages: [] }), 'a1');
await assert.rejects(agentTools.denied.execute({}, { toolCallId: 't2', messages: [] }), HealingError);
assert.deepEqual(warnings, [], 'no process warnings');

console.log(`ok esm on Node ${process.version}: status=${result.status} attempts=${result.attempts} healed=${result.healed} opossum=${events.length} events chaos=${flaky.stats.injected}/${flaky.stats.calls}`);
