/**
 * HealthMonitor refuses what it cannot count as written, with a HealingConfigError naming it:
 * a misspelt registration (its check would never run), a call recorded under a name that is
 * not one, an outcome that is not `{ ok: boolean, durationMs >= 0 }`, a query that is not an
 * object. Manual clock.
 */
import { describe, expect, it } from 'vitest';
import { HealthMonitor } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const monitor = () => new HealthMonitor({ clock: new ManualClock() });

describe('HealthMonitor: bad input', () => {
  it('register refuses a misspelt option (suggesting check) and options that are not an object', () => {
    const health = monitor();
    const typo = configError(() => health.register('db', { chek: () => true } as never));
    expect(typo.option).toBe('chek');
    expect(typo.message).toMatch(/did you mean check\?/);
    for (const options of [null, 5, []]) expect(configError(() => health.register('db', options as never)).option).toBe('options');
    expect(health.has('db')).toBe(false);
  });

  it('record refuses a component name that is not a non-empty string, and creates no component', () => {
    const health = monitor();
    for (const name of [5, '', null, undefined]) {
      expect(configError(() => health.record(name as never, { ok: true, durationMs: 1 })).option).toBe('component');
    }
    expect(health.systemHealth().components).toEqual([]);
  });

  it('record refuses an outcome that is missing, not a boolean ok, or a negative or non-finite duration, naming the field', () => {
    const health = monitor();
    expect(configError(() => health.record('s3', null as never)).option).toBe('outcome');
    expect(configError(() => health.record('s3', undefined as never)).option).toBe('outcome');
    expect(configError(() => health.record('s3', { ok: 'no', durationMs: 1 } as never)).option).toBe('outcome.ok');
    for (const durationMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5']) {
      expect(configError(() => health.record('s3', { ok: true, durationMs } as never)).option).toBe('outcome.durationMs');
    }
    expect(configError(() => health.record('s3', { ok: false, durationMs: 1, category: 5 } as never)).option).toBe('outcome.category');
    expect(configError(() => health.record('s3', { ok: false, durationMs: 1, severity: 'huge' } as never)).option).toBe('outcome.severity');
    expect(configError(() => health.record('s3', { ok: true, durationMs: 1, categry: 'timeout' } as never)).message).toMatch(/did you mean category\?/);
    expect(health.componentHealth('s3')).toBeUndefined();
    health.record('s3', { ok: true, durationMs: 0, category: ['timeout'], severity: undefined });
    expect(health.componentHealth('s3')).toMatchObject({ calls: 1, failures: 0, latency: { p50: 0 } });
  });

  it('recurringErrors refuses a query that is not an object, or a component that is not a string', () => {
    const health = monitor();
    expect(configError(() => health.recurringErrors(null as never)).option).toBe('options');
    expect(configError(() => health.recurringErrors({ component: 5 } as never)).option).toBe('component');
    expect(configError(() => health.recurringErrors({ minCount: 3, componet: 'db' } as never)).message).toMatch(/did you mean component\?/);
  });
});
