import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerRegistry, HealingConfigError, type CircuitBreakerConfig, type CircuitStateChange, type RegistrySnapshot,
} from '../../src/index.js';
import { signSnapshot } from '../../src/circuit/snapshot.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const START = 1_700_000_000_000;

/** A snapshot as it would be read back from a file. */
function roundTrip(snapshot: RegistrySnapshot): unknown {
  return JSON.parse(JSON.stringify(snapshot));
}

/** A registry whose clock starts `laterMs` after the source's: another process, some time later. */
function laterRegistry(laterMs: number, options: { maxBreakers?: number } = {}) {
  const clock = new ManualClock(START + laterMs);
  return { clock, registry: new CircuitBreakerRegistry({ clock, ...options }) };
}

/** Everything observable about a registry, to check that a refused restore changed nothing. */
function observe(registry: CircuitBreakerRegistry) {
  return JSON.stringify({ names: registry.all().map((b) => b.name), stats: registry.stats() });
}

describe('snapshot()', () => {
  it('is plain JSON: version 1, takenAt, one entry per native breaker, and a checksum', async () => {
    const clock = new ManualClock(START);
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('closed', { failureThreshold: 3 }).recordFailure();
    registry.get('open', { failureThreshold: 1, breakDurationMs: 60_000 }).recordFailure();
    registry.get('isolated').isolate();
    await clock.advance(20_000);
    const snapshot = registry.snapshot();
    expect(roundTrip(snapshot)).toEqual(snapshot);
    expect(snapshot).toEqual({
      version: 1,
      takenAt: START + 20_000,
      breakers: [
        { name: 'closed', state: 'CLOSED', remainingOpenMs: 0, openings: 0, consecutiveFailures: 1, forced: null },
        { name: 'open', state: 'OPEN', remainingOpenMs: 40_000, openings: 1, consecutiveFailures: expect.any(Number), forced: null },
        { name: 'isolated', state: 'CLOSED', remainingOpenMs: 0, openings: 0, consecutiveFailures: 0, forced: 'OPEN' },
      ],
      checksum: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
  });

  it('leaves registered external breakers out', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    registry.register({
      name: 'ext', state: 'CLOSED', canExecute: () => true, recordSuccess() {}, recordFailure() {},
      releasePermission() {}, reset() {}, remainingOpenMs: () => 0, stats: () => ({}),
    });
    expect(registry.snapshot().breakers).toEqual([]);
  });
});

describe('restore() into a new registry', () => {
  it('keeps the remaining break (not a new full one) and the openings, after a JSON round trip and some time', async () => {
    const source = new ManualClock(START);
    const before = new CircuitBreakerRegistry({ clock: source });
    before.get('payments', { failureThreshold: 1, breakDurationMs: 60_000 }).recordFailure();
    await source.advance(20_000);
    const saved = roundTrip(before.snapshot());

    const { clock, registry } = laterRegistry(20_000 + 250);
    registry.restore(saved);
    const payments = registry.get('payments');
    expect(payments.state).toBe('OPEN');
    expect(payments.remainingOpenMs()).toBe(40_000);
    expect(payments.stats()).toMatchObject({ openings: 1, state: 'OPEN' });
    expect(payments.canExecute()).toBe(false);
    await clock.advance(39_999);
    expect(payments.state).toBe('OPEN');
    await clock.advance(1);
    expect(payments.state).toBe('HALF_OPEN');
  });

  it('keeps the openings count, so a growing break goes on growing', async () => {
    const config: CircuitBreakerConfig = { failureThreshold: 1, breakDurationMs: (n) => 1_000 * 2 ** (n - 1) };
    const source = new ManualClock(START);
    const before = new CircuitBreakerRegistry({ clock: source });
    const breaker = before.get('llm', config);
    breaker.recordFailure(); // 1 s
    await source.advance(1_000);
    breaker.canExecute();
    breaker.recordFailure(); // 2 s
    await source.advance(2_000);
    breaker.canExecute();
    breaker.recordFailure(); // 4 s
    await source.advance(1_000);
    const saved = roundTrip(before.snapshot());

    const { clock, registry } = laterRegistry(5_000);
    const restored = registry.get('llm', config); // defined before restoring, with its config
    registry.restore(saved);
    expect(restored.stats()).toMatchObject({ state: 'OPEN', openings: 3 });
    expect(restored.remainingOpenMs()).toBe(3_000);
    await clock.advance(3_000);
    restored.canExecute();
    restored.recordFailure();
    expect(restored.stats().openings).toBe(4);
    expect(restored.remainingOpenMs()).toBe(8_000);
  });

  it('keeps the consecutive failures of a closed breaker', () => {
    const before = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    const b = before.get('db', { failureThreshold: 5 });
    b.recordFailure();
    b.recordFailure();
    b.recordFailure();
    const { registry } = laterRegistry(10);
    const db = registry.get('db', { failureThreshold: 5 });
    registry.restore(roundTrip(before.snapshot()));
    expect(db.stats().consecutiveFailures).toBe(3);
    db.recordFailure();
    expect(db.state).toBe('CLOSED');
    db.recordFailure();
    expect(db.state).toBe('OPEN');
  });

  it('keeps forced states: an isolated breaker stays isolated, a forced-closed one stays closed over its break', () => {
    const before = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    before.get('maintenance').isolate();
    const pinned = before.get('pinned', { failureThreshold: 1 });
    pinned.recordFailure();
    pinned.forceClose();
    const { registry } = laterRegistry(10);
    registry.restore(roundTrip(before.snapshot()));

    const maintenance = registry.get('maintenance');
    expect(maintenance.stats()).toMatchObject({ state: 'OPEN', forced: 'OPEN' });
    expect(maintenance.canExecute()).toBe(false);
    const restoredPin = registry.get('pinned');
    expect(restoredPin.stats()).toMatchObject({ state: 'CLOSED', forced: 'CLOSED' });
    expect(restoredPin.canExecute()).toBe(true);
    // A control taken later replaces the restored one; releasing it shows the underlying state.
    restoredPin.forceClose().release();
    expect(restoredPin.state).toBe('OPEN');
    maintenance.reset();
    expect(maintenance.stats()).toMatchObject({ state: 'CLOSED', forced: null });
  });

  it('restores a half-open breaker as half-open, with its probe slots free', async () => {
    const source = new ManualClock(START);
    const before = new CircuitBreakerRegistry({ clock: source });
    const b = before.get('svc', { failureThreshold: 1, breakDurationMs: 1_000 });
    b.recordFailure();
    await source.advance(1_000);
    b.canExecute(); // a probe in flight in the old process
    const { registry } = laterRegistry(2_000);
    registry.restore(roundTrip(before.snapshot()));
    const svc = registry.get('svc');
    expect(svc.state).toBe('HALF_OPEN');
    expect(svc.canExecute()).toBe(true);
  });

  it('emits restored transitions', () => {
    const before = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    before.get('svc', { failureThreshold: 1 }).recordFailure();
    const { registry } = laterRegistry(10);
    const changes: CircuitStateChange[] = [];
    registry.on('stateChange', (c) => changes.push(c));
    registry.restore(roundTrip(before.snapshot()));
    expect(changes).toEqual([{ circuit: 'svc', from: 'CLOSED', to: 'OPEN', reason: 'restored', at: START + 10 }]);
  });

  it('survives a snapshot → restore → snapshot cycle (at the same time)', () => {
    const clock = new ManualClock(START);
    const before = new CircuitBreakerRegistry({ clock });
    before.get('a', { failureThreshold: 1 }).recordFailure();
    before.get('b', { failureThreshold: 4 }).recordFailure();
    before.get('c').forceClose();
    const first = before.snapshot();
    const after = new CircuitBreakerRegistry({ clock });
    after.get('b', { failureThreshold: 4 });
    after.restore(roundTrip(first));
    // consecutiveFailures of an open breaker means nothing (it is 0 once restored), so it is left out.
    const essentials = (snapshot: RegistrySnapshot) =>
      snapshot.breakers
        .map(({ consecutiveFailures, ...rest }) => ({ ...rest, ...(rest.state === 'CLOSED' ? { consecutiveFailures } : {}) }))
        .sort((x, y) => x.name.localeCompare(y.name));
    expect(essentials(after.snapshot())).toEqual(essentials(first));
    expect(after.snapshot().takenAt).toBe(first.takenAt);
  });
});

describe('restore() refuses a bad snapshot and changes nothing', () => {
  function target() {
    const { clock, registry } = laterRegistry(0);
    registry.get('existing', { failureThreshold: 2 }).recordFailure();
    registry.get('open', { failureThreshold: 1 }).recordFailure();
    const events: unknown[] = [];
    for (const event of ['stateChange', 'added', 'removed', 'reject'] as const) registry.on(event, (e) => events.push(e));
    return { clock, registry, events };
  }

  function goodSnapshot(): RegistrySnapshot {
    const source = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    source.get('existing', { failureThreshold: 1 }).recordFailure(); // would open it
    source.get('open'); // would close it
    source.get('new-one').isolate(); // would create it
    return JSON.parse(JSON.stringify(source.snapshot())) as RegistrySnapshot;
  }

  function expectRefused(snapshot: unknown, option: RegExp) {
    const { registry, events } = target();
    const before = observe(registry);
    const error = configError(() => registry.restore(snapshot));
    expect(error.option).toMatch(option);
    expect(observe(registry)).toBe(before);
    expect(events).toEqual([]);
    // Still working.
    registry.restore(goodSnapshot());
    expect(registry.get('existing').state).toBe('OPEN');
    return error;
  }

  it('accepts the good snapshot used below (so the refusals are about what was changed)', () => {
    const { registry } = target();
    registry.restore(goodSnapshot());
    expect(registry.get('existing').state).toBe('OPEN');
    expect(registry.get('open').state).toBe('CLOSED');
    expect(registry.get('new-one').stats().forced).toBe('OPEN');
  });

  it('refuses a snapshot of another version, even with a valid checksum', () => {
    const { checksum: _, ...content } = goodSnapshot();
    const error = expectRefused(signSnapshot({ ...content, version: 2 as 1 }), /^snapshot\.version$/);
    expect(error.message).toMatch(/version 1/);
  });

  it('refuses a snapshot with a changed field (checksum mismatch)', () => {
    const tampered = goodSnapshot();
    tampered.breakers[0]!.openings = 7;
    const error = expectRefused(tampered, /^snapshot\.checksum$/);
    expect(error.message).toMatch(/changed/);
  });

  it('refuses a snapshot with a shortened break (checksum mismatch)', () => {
    const source = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    source.get('existing', { failureThreshold: 1 }).recordFailure();
    const tampered = JSON.parse(JSON.stringify(source.snapshot())) as RegistrySnapshot;
    tampered.breakers[0]!.remainingOpenMs = 1;
    expectRefused(tampered, /^snapshot\.checksum$/);
  });

  it('refuses a snapshot whose checksum was changed', () => {
    const snapshot = goodSnapshot();
    snapshot.checksum = snapshot.checksum === '00000000' ? '00000001' : '00000000';
    expectRefused(snapshot, /^snapshot\.checksum$/);
  });

  it('refuses a snapshot that lists a name twice, even with a valid checksum', () => {
    const { checksum: _, ...content } = goodSnapshot();
    const duplicated = signSnapshot({ ...content, breakers: [...content.breakers, { ...content.breakers[0]! }] });
    const error = expectRefused(duplicated, /^snapshot\.breakers/);
    expect(error.message).toMatch(/twice/);
  });

  it.each([
    ['null', null],
    ['a string', 'breakers.json'],
    ['an array', []],
    ['an empty object', {}],
  ])('refuses %s', (_label, value) => {
    expectRefused(value, /^snapshot/);
  });

  it.each([
    ['an unknown state', (s: RegistrySnapshot) => { (s.breakers[1] as { state: string }).state = 'AJAR'; }, /^snapshot\.breakers\.1\.state$/],
    ['a negative remaining break', (s: RegistrySnapshot) => { s.breakers[0]!.remainingOpenMs = -1; }, /^snapshot\.breakers\.0\.remainingOpenMs$/],
    ['a remaining break on a closed breaker', (s: RegistrySnapshot) => { s.breakers[1]!.remainingOpenMs = 5; }, /^snapshot\.breakers\.1\.remainingOpenMs$/],
    ['a missing field', (s: RegistrySnapshot) => { delete (s.breakers[2] as Partial<RegistrySnapshot['breakers'][number]>).forced; }, /^snapshot\.breakers\.2\.forced$/],
    ['an unknown field', (s: RegistrySnapshot) => { Object.assign(s.breakers[0]!, { config: {} }); }, /^snapshot\.breakers\.0\.config$/],
    ['an empty name', (s: RegistrySnapshot) => { s.breakers[2]!.name = ''; }, /^snapshot\.breakers\.2\.name$/],
    ['a bad forced value', (s: RegistrySnapshot) => { (s.breakers[2] as { forced: string }).forced = 'HALF_OPEN'; }, /^snapshot\.breakers\.2\.forced$/],
    ['breakers that are not an array', (s: RegistrySnapshot) => { (s as { breakers: unknown }).breakers = {}; }, /^snapshot\.breakers$/],
  ])('refuses a malformed snapshot: %s, even with a valid checksum', (_label, change, option) => {
    const { checksum: _, ...content } = goodSnapshot();
    change(content as RegistrySnapshot);
    let signed: unknown;
    try {
      signed = signSnapshot(content);
    } catch {
      signed = { ...content, checksum: '00000000' };
    }
    expectRefused(signed, option);
  });

  it('refuses to restore over a registered external breaker, before changing anything', () => {
    const { registry, events } = target();
    registry.register({
      name: 'new-one', state: 'CLOSED', canExecute: () => true, recordSuccess() {}, recordFailure() {},
      releasePermission() {}, reset() {}, remainingOpenMs: () => 0, stats: () => ({ external: true }),
    });
    events.length = 0;
    const before = observe(registry);
    expect(() => registry.restore(goodSnapshot())).toThrow(HealingConfigError);
    expect(observe(registry)).toBe(before);
    expect(events).toEqual([]);
  });

  // Docs: "Everything is validated before anything changes", including room under maxBreakers:
  // a snapshot that does not fit must not be half restored.
  it('refuses a snapshot that does not fit under maxBreakers without restoring part of it', () => {
    const source = new CircuitBreakerRegistry({ clock: new ManualClock(START) });
    source.get('a', { failureThreshold: 1 }).recordFailure();
    source.get('b', { failureThreshold: 1 }).recordFailure();
    source.get('c', { failureThreshold: 1 }).recordFailure();
    const { registry } = laterRegistry(10, { maxBreakers: 3 });
    registry.get('mine');
    const before = observe(registry);
    expect(() => registry.restore(roundTrip(source.snapshot()))).toThrow();
    expect(observe(registry)).toBe(before);
  });
});
