/**
 * GracefulDegradation's own options are checked when it is built: a clock without now() would
 * otherwise fail every execution of every feature, long after the typo. Manual clock.
 */
import { describe, expect, it } from 'vitest';
import { GracefulDegradation, HealingPipeline } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('new GracefulDegradation(options)', () => {
  it('refuses options that are not an object, naming them', () => {
    for (const options of [null, 5, 'x', [], () => {}]) {
      expect(configError(() => new GracefulDegradation(options as never)).option).toBe('gracefulDegradation');
    }
  });

  it('refuses a misspelt option and suggests the one meant', () => {
    const error = configError(() => new GracefulDegradation({ clok: new ManualClock() } as never));
    expect(error.option).toBe('gracefulDegradation.clok');
    expect(error.message).toMatch(/did you mean clock\?/);
  });

  it('refuses a clock without now(), setTimeout() and clearTimeout(); takes a Clock, or nothing for the system clock', async () => {
    for (const clock of [{}, { now: () => 0 }, 5]) {
      const error = configError(() => new GracefulDegradation({ clock } as never));
      expect(error.option).toBe('gracefulDegradation.clock');
      expect(error.message).toMatch(/now\(\), setTimeout\(\) and clearTimeout\(\)/);
    }
    const clock = new ManualClock();
    const recs = new GracefulDegradation({ clock }).define('recs', { fallback: ['bestsellers'], failureThreshold: 1, healthCheck: () => true });
    await new HealingPipeline({ clock, feature: recs, retry: { maxAttempts: 1 } }).execute(async () => { throw new Error('down'); });
    expect(recs.enabled).toBe(false);
    expect(new GracefulDegradation(undefined).isEnabled('recs')).toBe(true);
  });
});
