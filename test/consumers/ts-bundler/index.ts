// As an app built by Vite/esbuild/webpack sees the package: moduleResolution bundler.
import assert from 'node:assert/strict';
import {
  executeWithHealing, withSelfHealing, CircuitBreakerRegistry, HealingConfigError, HealingPipeline,
  type HealingResult, type CircuitState,
} from 'self-healing';
// Neither opossum nor @types/opossum is installed here: the subpath must still load and type-check.
import { fromOpossum, type OpossumCircuitBreaker, type OpossumBreakerOptions } from 'self-healing/opossum';
import { injectFault, injectLatency, type FaultOptions, type LatencyOptions } from 'self-healing/testing';
// Nor is ioredis: self-healing/redis must load and type-check without it too.
import { createRedisStateStore, type RedisClientLike } from 'self-healing/redis';
import { instrumentOpenTelemetry } from 'self-healing/otel';
import { SharedCircuitBreaker, MemoryStateStore } from 'self-healing/fleet';
import { createLLMReflector } from 'self-healing/llm';
import { healTools, type HealToolsOptions } from 'self-healing/tools';

let calls = 0;
const result: HealingResult<{ ok: true }> = await executeWithHealing(async () => {
  calls++;
  if (calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
  return { ok: true as const };
}, undefined, { retry: { minDelayMs: 0 } });
// @ts-expect-error healed is a boolean
const wrong: string = result.healed;
void wrong;

const getRates = withSelfHealing(async (currency: string) => ({ currency, rate: 1 }), { retry: { minDelayMs: 0 } });
const rates: { currency: string; rate: number } = await getRates('EUR');
const state: CircuitState = new CircuitBreakerRegistry().get('bundler').state;
const configError: typeof HealingConfigError = HealingConfigError;
void [state, configError];

assert.equal(result.status, 'ok');
assert.equal(result.attempts, 2);
assert.equal(result.healed, true);
assert.equal(rates.currency, 'EUR');
const opossumOptions: OpossumBreakerOptions = { name: 'no-opossum', resetTimeout: 1_000 };
assert.throws(() => fromOpossum({} as OpossumCircuitBreaker), /createOpossumBreaker/);
const faultOptions: FaultOptions = { rate: 0.5, seed: 9 };
// @ts-expect-error latencyMs is required
const noLatency: LatencyOptions = { rate: 1 };
void noLatency;
const flaky = injectFault(async (id: string) => ({ id }), faultOptions);
const chaos: HealingResult<{ id: string }> = await executeWithHealing(flaky, 'x', { retry: { maxAttempts: 20, minDelayMs: 0 } });
assert.equal(chaos.result?.id, 'x');
assert.equal(typeof injectLatency, 'function');
// Without @opentelemetry/api the types still compile and instrumenting is a no-op.
assert.equal(instrumentOpenTelemetry(new HealingPipeline()).enabled, false);
assert.throws(() => createRedisStateStore({ client: {} as RedisClientLike }), (error: unknown) => error instanceof HealingConfigError && error.option === 'redisStateStore.client');
assert.equal(typeof SharedCircuitBreaker, 'function');
assert.equal(typeof MemoryStateStore, 'function');
assert.throws(() => createLLMReflector({} as never), HealingConfigError);
// self-healing/tools keeps the map's type and checks per-tool options by tool name.
const agentTools = { lookup: { description: 'Look up', execute: async ({ id }: { id: string }, _options: { toolCallId: string }) => ({ id }) } };
const toolOptions: HealToolsOptions<typeof agentTools> = { retry: { minDelayMs: 0 }, tools: { lookup: { fallback: ({ id }) => ({ id }) } } };
// @ts-expect-error there is no tool called "lokup"
const wrongTool: HealToolsOptions<typeof agentTools> = { tools: { lokup: {} } };
void wrongTool;
const healedTools: typeof agentTools = healTools(agentTools, toolOptions);
assert.deepEqual(await healedTools.lookup.execute({ id: 'b2' }, { toolCallId: 't1' }), { id: 'b2' });
console.log(`ok ts-bundler on Node ${process.version}: attempts=${result.attempts} healed=${result.healed} opossum-subpath=${opossumOptions.name}`);
