/** MemoryStateStore's options are checked when it is built, not at its first read of the clock. Manual clock. */
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/fleet/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('new MemoryStateStore(options)', () => {
  it('refuses options that are not an object, naming them', () => {
    for (const options of [null, 5, 'x', [], () => {}]) {
      expect(configError(() => new MemoryStateStore(options as never)).option).toBe('memoryStateStore');
    }
  });

  it('refuses a misspelt option and a clock without now(); reads time from the clock it is given', async () => {
    const typo = configError(() => new MemoryStateStore({ clok: new ManualClock() } as never));
    expect(typo.option).toBe('memoryStateStore.clok');
    expect(typo.message).toMatch(/did you mean clock\?/);
    expect(configError(() => new MemoryStateStore({ clock: {} } as never)).option).toBe('memoryStateStore.clock');
    const clock = new ManualClock();
    const store = new MemoryStateStore({ clock });
    await clock.advance(1_000);
    expect((await store.readState('payments')).now).toBe(clock.now());
  });
});
