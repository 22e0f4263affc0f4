import { describe, expect, it } from 'vitest';
import {
  AdaptiveHealing, CircuitBreakerRegistry, ErrorClassifier, executeWithHealing, HealingPipeline,
  type Classification, type Classifier, type PipelineEvents,
} from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup() {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  return { clock, registry };
}

describe('severity carried by the healing actions', () => {
  it('puts the classification\'s severity on each retry, and the final error\'s category and severity on give_up', async () => {
    const { clock, registry } = setup();
    const fn = failing([networkError('ECONNRESET'), httpError(503), httpError(401)], 'ok');
    const pending = executeWithHealing(fn, {}, { clock, registry, retry: { maxAttempts: 4, minDelayMs: 100, jitter: 'none' } });
    await clock.advance(100);
    await clock.advance(200);
    const result = await pending;
    expect(result.status).toBe('error');
    expect(result.healingActions.map((a) => [a.kind, a.category, a.severity])).toEqual([
      ['retry', 'network', 'low'],
      ['retry', 'unavailable', 'medium'],
      ['give_up', 'auth', 'high'],
    ]);
  });

  it('carries a rule\'s severity and the classifier\'s override into the actions of a pipeline', async () => {
    const { clock, registry } = setup();
    const classifier = new ErrorClassifier({
      severity: { unavailable: 'high' },
      rules: [{ match: /ledger mismatch/i, disposition: 'permanent', category: 'ledger', severity: 'critical' }],
    });
    const pipeline = new HealingPipeline({ name: 'ledger', clock, registry, classifier, retry: { maxAttempts: 2, minDelayMs: 10, jitter: 'none' } });
    const fn = failing([httpError(503), new Error('Ledger mismatch on account 7')], 'ok');
    const pending = pipeline.execute(fn, {});
    await clock.advance(10);
    const result = await pending;
    expect(result.healingActions.map((a) => [a.kind, a.category, a.severity])).toEqual([
      ['retry', 'unavailable', 'high'],
      ['give_up', 'ledger', 'critical'],
    ]);
  });

  it('gives fallback actions the severity of the failure they serve', async () => {
    const { clock, registry } = setup();
    const result = await executeWithHealing(failing([httpError(402)], 'ok'), {}, { clock, registry, fallback: [() => { throw new Error('cache down'); }, () => 'cached'] });
    expect(result.status).toBe('ok');
    expect(result.healingActions.map((a) => [a.kind, a.succeeded, a.category, a.severity])).toEqual([
      ['fallback', false, 'quota', 'high'],
      ['fallback', true, 'quota', 'high'],
    ]);
  });

  it('gives timeout and circuit_open actions their category\'s severity from the pipeline\'s classifier', async () => {
    const { clock, registry } = setup();
    const breaker = registry.get('search', { failureThreshold: 1, breakDurationMs: 10_000 });
    const classifier = new ErrorClassifier({ severity: { timeout: 'high', circuit_open: 'medium' } });
    const pipeline = new HealingPipeline({ name: 'search', clock, registry, classifier, circuitName: 'search', timeoutMs: 50, retry: { maxAttempts: 1 } });
    const pending = pipeline.execute(() => new Promise(() => {}), {});
    await clock.advance(50);
    const timedOut = await pending;
    expect(timedOut.healingActions.map((a) => [a.kind, a.category, a.severity])).toEqual([
      ['timeout', 'timeout', 'high'],
      ['give_up', 'timeout', 'high'],
    ]);
    expect(breaker.state).toBe('OPEN');
    const refused = await pipeline.execute(async () => 'never called', {});
    expect(refused.healingActions.map((a) => [a.kind, a.category, a.severity])).toEqual([
      ['circuit_open', 'circuit_open', 'medium'],
      ['give_up', 'circuit_open', 'medium'],
    ]);
  });

  it('fills in the category\'s default for a classifier of your own that gives none, without touching its verdict', async () => {
    const { clock, registry } = setup();
    const verdict: Classification = Object.freeze({ disposition: 'permanent', category: 'auth', reason: 'mine' });
    const classifier: Classifier = { classify: () => verdict };
    const seen: Classification[] = [];
    const result = await executeWithHealing(failing([new Error('nope')], 'ok'), {}, {
      clock, registry, classifier,
      strategies: [{ name: 'watch', async execute(_ctx, next) {
        const outcome = await next();
        if (!outcome.ok) seen.push(outcome.classification);
        return outcome;
      } }],
    });
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', category: 'auth', severity: 'high' });
    expect(seen).toEqual([{ disposition: 'permanent', category: 'auth', reason: 'mine', severity: 'high' }]);
    expect(verdict.severity).toBeUndefined();
  });

  it('replaces a severity that is not one of the four, from a classifier of your own, by the category\'s', async () => {
    const { clock, registry } = setup();
    const classifier: Classifier = { classify: () => ({ disposition: 'permanent', category: 'data_loss', reason: 'mine', severity: 'sev1' as never }) };
    const result = await executeWithHealing(failing([new Error('nope')], 'ok'), {}, { clock, registry, classifier });
    expect(result.healingActions.at(-1)!.severity).toBe('critical');
  });

  it('gives a classifier that throws the severity of classifier_error (high)', async () => {
    const { clock, registry } = setup();
    const classifier: Classifier = { classify: () => { throw new Error('bug'); } };
    const result = await executeWithHealing(failing([new Error('nope')], 'ok'), {}, { clock, registry, classifier });
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', category: 'classifier_error', severity: 'high' });
  });
});

describe('severity carried by the pipeline events', () => {
  it('puts the severity on a failed attempt\'s event and on the action events', async () => {
    const { clock, registry } = setup();
    const pipeline = new HealingPipeline({ name: 'orders', clock, registry, retry: { maxAttempts: 2, minDelayMs: 10, jitter: 'none' } });
    const attempts: Array<PipelineEvents['attempt']> = [];
    const retries: Array<PipelineEvents['retry']> = [];
    pipeline.on('attempt', (event) => attempts.push(event));
    pipeline.on('retry', (event) => retries.push(event));
    const pending = pipeline.execute(failing([httpError(429), httpError(500)], 'ok'), {});
    await clock.advance(10);
    await pending;
    expect(attempts.map((e) => [e.ok, e.category, e.severity])).toEqual([[false, 'rate_limit', 'low'], [false, 'server_error', 'medium']]);
    expect(retries.map((e) => e.action.severity)).toEqual(['low']);
  });

  it('puts the error\'s severity on the escalate event', async () => {
    const { clock, registry } = setup();
    registry.get('billing', { failureThreshold: 1_000 });
    const pipeline = new HealingPipeline({
      name: 'invoices', clock, registry, circuitName: 'billing', retry: { maxAttempts: 1 },
      adaptive: new AdaptiveHealing({ escalateAfter: 2, escalateWindowMs: 10_000 }), classifier: new ErrorClassifier({ severity: { server_error: 'critical' } }),
    });
    const seen: Array<PipelineEvents['escalate']> = [];
    pipeline.on('escalate', (event) => seen.push(event));
    for (let i = 0; i < 2; i++) await pipeline.execute(async () => { throw httpError(500); }, {});
    expect(seen).toHaveLength(1);
    expect(seen[0]!.severity).toBe('critical');
  });
});
