// One row of `npm run bench:instructions`, run under valgrind by bench/instructions/index.mjs:
// warms the row up, then runs it ROW_OPS times. Plain JavaScript on the built package, so that
// valgrind counts what a user's process runs (no tsx, no loader).
import { circuitBreaker, ConsecutiveBreaker, handleAll, retry, wrap } from 'cockatiel';
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline } from '../../dist/index.js';
import { MinimalContext, MinimalWrapper, minimalFunction, minimalLiteral } from '../scenarios/hand-written.mjs';

const fn = async () => 1;

/** The least a wrapper that reports `durationMs` does (as bench/scenarios/happy-path.ts's floor). */
async function floor() {
  const startedAt = Date.now();
  const value = await fn();
  return { status: 'ok', result: value, attempts: 1, healed: false, healingActions: [], circuitBreakerTriggered: false, args: undefined, durationMs: Date.now() - startedAt };
}

const minimalBreaker = new CircuitBreakerRegistry().get('minimal');
/** The floor plus our breaker's permission and success and a context for fn (as happy-path.ts's minimal). */
async function minimal() {
  const startedAt = Date.now();
  if (!minimalBreaker.canExecute()) throw new Error('the minimal wrapper\'s breaker refused');
  const value = await fn(undefined, new MinimalContext(1));
  minimalBreaker.recordSuccess();
  return { status: 'ok', result: value, attempts: 1, healed: false, healingActions: [], circuitBreakerTriggered: false, args: undefined, durationMs: Date.now() - startedAt };
}

const minimalWrapper = new MinimalWrapper(new CircuitBreakerRegistry().get('minimal-method'));
const minimalOptions = { circuitName: 'minimal-function', retry: { maxAttempts: 3 }, fallback: () => 0 };
const literalWrapper = new MinimalWrapper(new CircuitBreakerRegistry().get('minimal-literal'));
const literalRegistry = new CircuitBreakerRegistry();
literalWrapper.accept('minimal-literal', literalRegistry, 3);

const pipeline = new HealingPipeline({ circuitName: 'ours', registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 3 }, fallback: () => 0 });
const reused = { circuitName: 'ours-ewh', registry: new CircuitBreakerRegistry(), retry: { maxAttempts: 3 }, fallback: () => 0 };
const inlineRegistry = new CircuitBreakerRegistry();
const cockatiel = wrap(
  retry(handleAll, { maxAttempts: 2 }),
  circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
);

let kept;
const rows = {
  bare: () => fn(),
  // The caller's share of the literal row: the same literal made and kept, fn called bare.
  'bare-literal': () => {
    kept = { circuitName: 'ours-inline', registry: inlineRegistry, retry: { maxAttempts: 3 }, fallback: () => 0 };
    return fn();
  },
  floor,
  minimal,
  'minimal-method': () => minimalWrapper.execute(fn, undefined),
  'minimal-function': () => minimalFunction(minimalWrapper, fn, undefined, minimalOptions),
  'minimal-literal': () => minimalLiteral(literalWrapper, fn, undefined, { circuitName: 'minimal-literal', registry: literalRegistry, retry: { maxAttempts: 3 }, fallback: () => 0 }),
  ours: () => pipeline.execute(fn, undefined),
  'ours-ewh': () => executeWithHealing(fn, undefined, reused),
  'ours-inline': () => executeWithHealing(fn, undefined, { circuitName: 'ours-inline', registry: inlineRegistry, retry: { maxAttempts: 3 }, fallback: () => 0 }),
  cockatiel: () => cockatiel.execute(fn),
};

const run = rows[process.env.ROW];
if (run === undefined) throw new Error(`unknown ROW ${process.env.ROW}; known: ${Object.keys(rows).join(', ')}`);
async function loop(ops) {
  for (let i = 0; i < ops; i++) await run();
}
await loop(100_000); // warm-up: every function on the path optimised by TurboFan
await loop(Number(process.env.ROW_OPS));
