import { BrokenCircuitError, circuitBreaker, ConsecutiveBreaker, handleAll } from 'cockatiel';
import CircuitBreaker from 'opossum';
import { check, measure } from '../harness.js';
import type { BenchSettings, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { CircuitBreakerRegistry, executeWithHealing, HealingPipeline, isCircuitOpenError } = lib;

const fn = async (): Promise<number> => 1;
const failing = async (): Promise<never> => {
  throw new Error('down');
};
/** Long enough that no breaker half-opens during the run. */
const OPEN_FOR_MS = 3_600_000;

function expectBroken(error: unknown): void {
  if (!(error instanceof BrokenCircuitError)) throw error;
}

function expectOpossumOpen(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'EOPENBREAKER') throw error;
}

/** Scenario 3: what refusing a call costs when the breaker is already open. */
export async function openCircuit(settings: BenchSettings): Promise<ScenarioResult> {
  const registry = new CircuitBreakerRegistry();
  const breaker = registry.get('bench-open', { failureThreshold: 5, breakDurationMs: OPEN_FOR_MS, halfOpenMaxCalls: 1 });
  for (let i = 0; i < 5; i++) breaker.recordFailure(new Error('down'));
  check(breaker.state === 'OPEN', 'our breaker did not open after 5 failures');
  const pipeline = new HealingPipeline({ circuitName: 'bench-open', registry, retry: { maxAttempts: 1 } });
  const refusalOptions = { circuitName: 'bench-open', registry, retry: { maxAttempts: 1 } };
  const fullPipeline = new HealingPipeline({ circuitName: 'bench-open', registry, retry: { maxAttempts: 3 }, fallback: () => 0 });

  const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: OPEN_FOR_MS, breaker: new ConsecutiveBreaker(5) });
  for (let i = 0; i < 5; i++) await cockatiel.execute(failing).catch(() => {});
  const opossum = new CircuitBreaker(fn);
  opossum.open();

  const refused = await pipeline.execute(fn, undefined);
  check(refused.status === 'error' && isCircuitOpenError(refused.error) && refused.attempts === 0, 'HealingPipeline did not refuse on the open circuit');
  const served = await fullPipeline.execute(fn, undefined);
  check(served.status === 'ok' && served.result === 0 && served.circuitBreakerTriggered, 'the fallback did not serve the refused call');
  check(await cockatiel.execute(fn).then(() => false, (error) => error instanceof BrokenCircuitError), 'cockatiel breaker is not open');
  check(await opossum.fire().then(() => false, (error) => (error as { code?: unknown }).code === 'EOPENBREAKER'), 'opossum breaker is not open');

  try {
    const rows = await measure([
      { id: 'bare', label: 'bare await fn() (for scale; nothing is refused)', run: () => fn() },
      { id: 'ours', label: 'self-healing execute, maxAttempts 1, no fallback', run: () => pipeline.execute(fn, undefined) },
      { id: 'ours-ewh', label: 'self-healing executeWithHealing, maxAttempts 1 (same options object)', run: () => executeWithHealing(fn, undefined, refusalOptions) },
      { id: 'ours-fallback', label: 'self-healing execute, maxAttempts 3 + fallback served', run: () => fullPipeline.execute(fn, undefined) },
      { id: 'ours-can-execute', label: 'self-healing breaker.canExecute() (sync)', run: () => breaker.canExecute(), sync: true },
      { id: 'cockatiel', label: 'cockatiel circuitBreaker.execute -> BrokenCircuitError', run: () => cockatiel.execute(fn).catch(expectBroken) },
      { id: 'opossum', label: 'opossum fire() on open breaker -> rejection', run: () => opossum.fire().catch(expectOpossumOpen) },
    ], settings);
    check(breaker.state === 'OPEN', 'our breaker left OPEN during the run');
    return {
      id: 'open',
      title: '3. Open circuit refusal',
      unit: 'ns/op',
      baselineId: 'bare',
      referenceId: 'cockatiel',
      rows,
      notes: [
        'Breakers were opened by 5 real failures (ours via recordFailure) with a 1 h recovery time.',
        'The refused call never runs fn; the bare row only gives the scale of one await.',
      ],
    };
  } finally {
    opossum.shutdown();
  }
}
