// ESM under moduleResolution node16: 'self-healing' must resolve to dist/index.d.ts (the
// "import" condition) with real types, not `any`.
import assert from 'node:assert/strict';
import {
  executeWithHealing, HealingPipeline, ErrorClassifier, getCircuitBreaker, HealingError, CircuitBreakerRegistry,
  HealingStatistics, HealthMonitor, escalate, chooseByResults, reconfigure, AdaptiveHealing,
  type HealingResult, type HealingOptions, type HealingFunction, type Classification,
} from 'self-healing';
import CircuitBreaker from 'opossum';
import { createOpossumBreaker, fromOpossum, type OpossumBreakerAdapter } from 'self-healing/opossum';
import { injectHang, InjectedFaultError, type ChaosStats } from 'self-healing/testing';
import { createHealingHandler, type HealingHttpHandler } from 'self-healing/http';
import { Redis } from 'ioredis';
import { SharedCircuitBreaker, type StateStore, type SharedCircuitBreakerStats } from 'self-healing/fleet';
import { instrumentOpenTelemetry } from 'self-healing/otel';
import { createRedisStateStore, type RedisStateStoreOptions } from 'self-healing/redis';

const fetchItem: HealingFunction<{ id: number }, string> = async ({ id }, { attempt }) => {
  if (attempt === 1) throw Object.assign(new Error('busy'), { status: 503 });
  return `item ${id}`;
};
const options: HealingOptions<{ id: number }, string> = { retry: { minDelayMs: 0 } };

const result: HealingResult<string> = await executeWithHealing(fetchItem, { id: 7 }, options);
if (result.status === 'ok') {
  const value: string = result.result;
  assert.equal(value, 'item 7');
} else {
  const error: Error = result.error;
  throw error;
}
// The result is typed: a wrong use must be an error (this fails to compile if the types were `any`).
// @ts-expect-error status is 'ok' | 'error', not a number
const wrong: number = result.status;
void wrong;

const classification: Classification = new ErrorClassifier().classify(new Error('x'));
const pipeline = new HealingPipeline({ retry: { maxAttempts: 2 } });
const breakerName: string = getCircuitBreaker('ts-node16').name;
const isHealingError: boolean = new Error('x') instanceof HealingError;
void [classification, pipeline, breakerName, isHealingError];

// declaration: true, as a library built on this one compiles: every type it infers from ours must
// be nameable, or tsc fails with TS2742 ("cannot be named without a reference to dist/...").
export const severityOfFailure = classification.severity;
export const escalation = escalate();
// Each of these methods returns a type of its own (StrategyScore, CircuitControl, ComponentHealth,
// RecurringError, ActionStats), which a declaration inferred from it names.
export const chooser = chooseByResults([reconfigure({ when: () => true, change: (a: { model: string }) => a })]);
const consumerBreaker = getCircuitBreaker('ts-node16-control');
export const hold = (): ReturnType<typeof consumerBreaker.isolate> => consumerBreaker.isolate();
export const holdInferred = () => consumerBreaker.forceClose();
const consumerMonitor = new HealthMonitor();
export const componentHealth = () => consumerMonitor.componentHealth('x');
export const recurring = () => consumerMonitor.recurringErrors({});
export const adaptiveStats = () => new AdaptiveHealing({}).stats();

// self-healing/opossum with @types/opossum: the breaker keeps opossum's own type.
const opossum: CircuitBreaker = createOpossumBreaker(CircuitBreaker, { name: 'ts-node16-esm', volumeThreshold: 1, errorThresholdPercentage: 0, timeout: false });
// A number of ms: refused by the types, and at run time for JavaScript callers.
// @ts-expect-error resetTimeout is a number of ms
assert.throws(() => createOpossumBreaker(CircuitBreaker, { name: 'wrong', resetTimeout: '30s' }), /createOpossumBreaker\.resetTimeout/);
const adapter: OpossumBreakerAdapter<CircuitBreaker> = fromOpossum(opossum);
const tripped = await new HealingPipeline({ circuitName: adapter.name, registry: registryWith(adapter) })
  .execute(async () => { throw Object.assign(new Error('busy'), { status: 503 }); }, undefined);
assert.equal(tripped.circuitBreakerTriggered, true);
assert.equal(opossum.opened, true);
assert.equal(adapter.stats().window.failures, 1);
opossum.shutdown();

function registryWith(breaker: OpossumBreakerAdapter): CircuitBreakerRegistry {
  const registry = new CircuitBreakerRegistry();
  registry.register(breaker);
  return registry;
}

// self-healing/testing from ESM: types from dist/testing.d.ts.
const stuck = injectHang(async () => 'never', { rate: 1 });
const hung = await executeWithHealing(stuck, undefined, { timeoutMs: 20, retry: { maxAttempts: 1 } });
const hangStats: Readonly<ChaosStats> = stuck.stats;
assert.equal(hung.status, 'error');
assert.equal(hangStats.injected, 1);
assert.equal(new InjectedFaultError().code, 'ERR_INJECTED_FAULT');
// self-healing/http: the main entry's classes fit the subpath's option types.
const handler: HealingHttpHandler = createHealingHandler({
  registry: new CircuitBreakerRegistry(), statistics: new HealingStatistics(), monitor: new HealthMonitor(),
});
// @ts-expect-error registry is required (and a missing one is a HealingConfigError at run time)
assert.throws(() => createHealingHandler({}), /http\.registry/);
const health = await handler(new Request('http://localhost/health'));
assert.equal(health.status, 200);

// @opentelemetry/api is installed in this consumer: the ESM build finds the optional peer.
assert.equal(instrumentOpenTelemetry(pipeline).enabled, true);
// self-healing/redis: ioredis's own client type is accepted as the store's client.
const redisOptions: RedisStateStoreOptions = { client: new Redis({ lazyConnect: true }), namespace: 'consumer' };
const store: StateStore = createRedisStateStore(redisOptions);
assert.equal(store.kind, 'redis');
const shared = new SharedCircuitBreaker('ts-node16-shared', { quorum: 2 });
await shared.ready();
const sharedStats: SharedCircuitBreakerStats = shared.stats();
assert.equal(sharedStats.mode, 'shared');
await shared.close();

assert.equal(result.attempts, 2);
assert.equal(result.healed, true);
console.log(`ok ts-node16 (esm) on Node ${process.version}: attempts=${result.attempts} healed=${result.healed} opossum=${adapter.state}`);
