/**
 * HealingStatistics refuses what it cannot count as written, with a HealingConfigError naming
 * it: a misspelt option of track (its component would be dropped), labels or a result that are
 * not what record counts, a limit that would silently answer "no recoveries".
 */
import { describe, expect, it } from 'vitest';
import { HealingPipeline, HealingStatistics, type HealingResult } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';

const ok: HealingResult<number> = {
  status: 'ok', result: 1, attempts: 1, healed: false, healingActions: [], circuitBreakerTriggered: false, args: {}, durationMs: 1,
};

describe('HealingStatistics: bad input', () => {
  it('track refuses a misspelt option (suggesting component) and options that are not an object', () => {
    const statistics = new HealingStatistics();
    const pipeline = new HealingPipeline({ name: 'payments' });
    const typo = configError(() => statistics.track(pipeline, { componnt: 'billing' } as never));
    expect(typo.option).toBe('componnt');
    expect(typo.message).toMatch(/did you mean component\?/);
    expect(configError(() => statistics.track(pipeline, null as never)).option).toBe('options');
  });

  it('record refuses a result that is not a HealingResult, and labels that are not { pipeline, circuit?, component? }', () => {
    const statistics = new HealingStatistics();
    expect(configError(() => statistics.record(null as never, { pipeline: 'p' })).option).toBe('result');
    expect(configError(() => statistics.record({} as never, { pipeline: 'p' })).option).toBe('result.status');
    expect(configError(() => statistics.record(ok, null as never)).option).toBe('labels');
    expect(configError(() => statistics.record(ok, { pipeline: 5 } as never)).option).toBe('labels.pipeline');
    expect(configError(() => statistics.record(ok, { pipeline: 'p', componnt: 'x' } as never)).option).toBe('labels.componnt');
    expect(configError(() => statistics.record(ok, { pipeline: 'p' }, Number.NaN)).option).toBe('at');
    expect(statistics.stats().pipelines).toEqual({});
    statistics.record(ok, { pipeline: 'p', circuit: undefined });
    expect(statistics.stats().pipelines.p).toMatchObject({ calls: 1, successes: 1 });
  });

  it('recentRecoveries refuses a limit that is not a whole number >= 0, and a filter that is not an object', () => {
    const statistics = new HealingStatistics();
    for (const limit of [-1, Number.NaN, 1.5, 'x']) expect(configError(() => statistics.recentRecoveries(limit as never)).option).toBe('limit');
    expect(configError(() => statistics.recentRecoveries(1, null as never)).option).toBe('options');
    expect(configError(() => statistics.recentRecoveries(1, { componnt: 'x' } as never)).option).toBe('componnt');
    expect(statistics.recentRecoveries(0)).toEqual([]);
    expect(statistics.recentRecoveries(undefined, { component: 'billing' })).toEqual([]);
  });
});
