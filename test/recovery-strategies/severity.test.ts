import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, ErrorClassifier, HealingPipeline, SafetyPolicy, restart } from '../../src/index.js';
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
