// CJS under moduleResolution node16: this import compiles to require('self-healing'), so the
// types must come from dist/index.d.cts (the "require" condition) and match dist/index.cjs.
import assert = require('node:assert/strict');
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline, type HealingResult } from 'self-healing';
import { instrumentOpenTelemetry } from 'self-healing/otel';
import CircuitBreaker = require('opossum');
import { createOpossumBreaker, fromOpossum } from 'self-healing/opossum';
import { injectFault, seededRandom, type ChaosFunction } from 'self-healing/testing';

async function main(): Promise<void> {
  let calls = 0;
  const result: HealingResult<number> = await executeWithHealing(async (n: number) => {
    calls++;
    if (calls === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return n * 2;
  }, 21, { retry: { minDelayMs: 0 } });
  // @ts-expect-error result is number | undefined, not a string
  const wrong: string = result.result;
  void wrong;
  assert.equal(result.status, 'ok');
  assert.equal(result.result, 42);
  assert.equal(result.attempts, 2);
  assert.equal(result.healed, true);

  // self-healing/opossum through require(): types from dist/opossum.d.cts.
  const opossum: CircuitBreaker = createOpossumBreaker(CircuitBreaker, { name: 'ts-node16-cjs', timeout: false });
  const registry = new CircuitBreakerRegistry();
  registry.register(fromOpossum(opossum));
  const viaOpossum: HealingResult<string> = await executeWithHealing(async () => 'through opossum', undefined, { circuitName: 'ts-node16-cjs', registry });
  assert.equal(viaOpossum.result, 'through opossum');
  assert.equal(opossum.stats.successes, 1);
  opossum.shutdown();

  // self-healing/testing through require(): types from dist/testing.d.cts.
  const flaky: ChaosFunction<number, number> = injectFault(async (n: number) => n + 1, { rate: 0.5, random: seededRandom(3) });
  const chaos: HealingResult<number> = await executeWithHealing(flaky, 1, { retry: { maxAttempts: 20, minDelayMs: 0 } });
  assert.equal(chaos.result, 2);
  // @opentelemetry/api is installed in this consumer: the CommonJS build finds the optional peer too.
  assert.equal(instrumentOpenTelemetry(new HealingPipeline()).enabled, true);
  console.log(`ok ts-node16 (cjs) on Node ${process.version}: attempts=${result.attempts} healed=${result.healed} opossum=${opossum.stats.successes}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
