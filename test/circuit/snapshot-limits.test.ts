// Whatever a registry accepts, its snapshot restores: the circuit name's limit is the same where
// a name is given and where a snapshot is read, and a breaker's numbers are written in the
// ranges restore() accepts. One entry restore() refuses loses the state of every breaker.
import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingPipeline, type CircuitBreakerConfig, type RegistrySnapshot } from '../../src/index.js';
import { signSnapshot } from '../../src/circuit/snapshot.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const START = 1_700_000_000_000;
const LONGEST = 1_000;

/** The snapshot as read back from a file, restored into a fresh registry on `clock`. */
function restoredFrom(snapshot: RegistrySnapshot, clock = new ManualClock(START)): CircuitBreakerRegistry {
  const registry = new CircuitBreakerRegistry({ clock });
  registry.restore(JSON.parse(JSON.stringify(snapshot)));
  return registry;
}

/** A registry whose breaker `name` was restored from a snapshot holding `entry`. */
function registryWith(name: string, config: CircuitBreakerConfig, entry: Omit<RegistrySnapshot['breakers'][number], 'name'>) {
  const clock = new ManualClock(START);
  const registry = new CircuitBreakerRegistry({ clock });
  const breaker = registry.get(name, config);
  registry.restore(signSnapshot({ version: 1, takenAt: START, breakers: [{ name, ...entry }] }));
  return { clock, registry, breaker };
}

describe('the circuit name limit', () => {
  const tooLong = `https://api.example.com/${'x'.repeat(LONGEST)}`;

  it('is refused by registry.get, by the circuitName option and by registry.register, naming the option', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    const byGet = configError(() => registry.get(tooLong));
    expect(byGet.option).toBe('circuitName');
    expect(byGet.message).toMatch(/at most 1000 characters: name a breaker by a bounded key .* \(got 1024\)/);
    expect(registry.has(tooLong)).toBe(false);

    const byOption = configError(() => new HealingPipeline({ circuitName: tooLong, registry }));
    expect(byOption.option).toBe('circuitName');
    expect(byOption.message).toMatch(/at most 1000 characters/);

    const external = {
      name: tooLong, state: 'CLOSED' as const, canExecute: () => true, recordSuccess() {}, recordFailure() {},
      releasePermission() {}, reset() {}, remainingOpenMs: () => 0, stats: () => ({}),
    };
    expect(configError(() => registry.register(external)).option).toBe('breaker.name');
  });

  it('is where restore() draws it: the longest name get() accepts round-trips with the others, one more character is refused', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    registry.get('payments', { failureThreshold: 1 }).recordFailure();
    registry.get('y'.repeat(LONGEST));
    expect(() => registry.get('y'.repeat(LONGEST + 1))).toThrow(/at most 1000 characters/);
    const restored = restoredFrom(registry.snapshot());
    expect(restored.find('payments')?.state).toBe('OPEN');
    expect(restored.has('y'.repeat(LONGEST))).toBe(true);
  });
});

describe('a snapshot of any state a breaker reaches restores', () => {
  it('rounds a fractional remaining break up (a break of 1 500.5 ms)', async () => {
    const clock = new ManualClock(START);
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('svc', { failureThreshold: 1, breakDurationMs: 1_500.5 }).recordFailure();
    await clock.advance(500);
    const snapshot = registry.snapshot();
    expect(snapshot.breakers[0]).toMatchObject({ state: 'OPEN', remainingOpenMs: 1_001 });
    const restored = restoredFrom(snapshot).find('svc')!;
    expect(restored.state).toBe('OPEN');
    expect(restored.remainingOpenMs()).toBe(1_001);
  });

  it('writes an integer takenAt from a clock that reads fractional ms', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock(START + 0.25) });
    registry.get('svc', { failureThreshold: 1 }).recordFailure();
    const snapshot = registry.snapshot();
    expect(snapshot.takenAt).toBe(START);
    expect(restoredFrom(snapshot).find('svc')?.state).toBe('OPEN');
  });

  it('caps the openings of a breaker that keeps failing its probes (a zero break)', () => {
    const { registry, breaker } = registryWith('flapping', { failureThreshold: 1, breakDurationMs: 0 },
      { state: 'HALF_OPEN', remainingOpenMs: 0, openings: 1_000_000, consecutiveFailures: 0, forced: null });
    breaker.canExecute();
    breaker.recordFailure(); // the 1 000 001st opening in a row
    expect(breaker.stats().openings).toBe(1_000_001);
    expect(restoredFrom(registry.snapshot()).find('flapping')?.state).toBe('HALF_OPEN');
  });

  it('caps the consecutive failures of a closed breaker with a huge threshold', () => {
    const config = { failureThreshold: 2_000_000_000 };
    const { registry, breaker } = registryWith('patient', config,
      { state: 'CLOSED', remainingOpenMs: 0, openings: 0, consecutiveFailures: 1_000_000_000, forced: null });
    breaker.recordFailure();
    expect(breaker.stats().consecutiveFailures).toBe(1_000_000_001);
    const restored = restoredFrom(registry.snapshot()).find('patient');
    expect(restored?.stats()).toMatchObject({ state: 'CLOSED', consecutiveFailures: 1_000_000_000 });
  });
});
