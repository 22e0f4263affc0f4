import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, ErrorClassifier, HealingPipeline, SafetyPolicy, chooseByResults, reconfigure, restart } from '../../src/index.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('the safety policy reads the classifier\'s severity', () => {
  async function run(classifier: ErrorClassifier) {
    const clock = new ManualClock();
    let restarts = 0;
    const pipeline = new HealingPipeline({
      clock, registry: new CircuitBreakerRegistry({ clock }), classifier, safety: new SafetyPolicy(), retry: { maxAttempts: 1 },
      strategies: [restart({ restart: () => { restarts++; } })],
    });
    const result = await pipeline.execute(async () => { throw httpError(503); });
    return { restarts, result };
  }

  it('lets a medium-risk restart act on a medium-severity 503 under the default policy', async () => {
    const { restarts, result } = await run(new ErrorClassifier());
    expect(restarts).toBe(1);
    expect(result.healingActions.some((a) => a.kind === 'escalate')).toBe(false);
  });

  it('escalates instead when the classifier makes that 503 critical, and the escalate action says how severe', async () => {
    const { restarts, result } = await run(new ErrorClassifier({ severity: { unavailable: 'critical' } }));
    expect(restarts).toBe(0);
    expect(result.healingActions.find((a) => a.kind === 'escalate')).toMatchObject({
      reason: 'too_risky', category: 'unavailable', severity: 'critical',
      detail: expect.stringContaining('critical-severity unavailable failure'),
    });
  });
});

describe('chooseByResults records the failure\'s severity', () => {
  it('puts the category and severity of the failure on its strategy_result and reconfigure actions', async () => {
    const clock = new ManualClock();
    const contextTooLong = () => Object.assign(new Error('maximum context length exceeded'), { status: 400, code: 'context_length_exceeded' });
    const smaller = reconfigure<{ model: string }>({ name: 'smaller-model', when: () => true, change: () => ({ model: 'small' }) });
    const pipeline = new HealingPipeline({ clock, registry: new CircuitBreakerRegistry({ clock }), retry: { maxAttempts: 1 }, strategies: [chooseByResults([smaller])] });
    const result = await pipeline.execute(async ({ model }: { model: string }) => {
      if (model === 'large') throw contextTooLong();
      return model;
    }, { model: 'large' });
    expect(result.status).toBe('ok');
    expect(result.healingActions.map((a) => [a.kind, a.category, a.severity])).toEqual([
      ['reconfigure', 'context_length', 'high'],
      ['strategy_result', 'context_length', 'high'],
    ]);
  });
});
