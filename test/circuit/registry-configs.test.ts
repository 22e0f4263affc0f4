import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker, CircuitBreakerRegistry, executeWithHealing, HealingConfigError, type CircuitBreakerLike, type CircuitState,
} from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

function newRegistry() {
  const clock = new ManualClock();
  return { clock, registry: new CircuitBreakerRegistry({ clock }) };
}

/** A hand-made breaker, as an adapter over another library would be. Records the calls it gets. */
function externalBreaker(name: string) {
  const calls: string[] = [];
  let state: CircuitState = 'CLOSED';
  const breaker: CircuitBreakerLike & { calls: string[]; trip(): void } = {
    name,
    get state() { return state; },
    calls,
    trip() { state = 'OPEN'; },
    canExecute: () => (calls.push('canExecute'), state !== 'OPEN'),
    recordSuccess: (ms) => { calls.push(`success:${ms}`); },
    recordFailure: () => { calls.push('failure'); },
    releasePermission: () => { calls.push('release'); },
    reset: () => { calls.push('reset'); state = 'CLOSED'; },
    remainingOpenMs: () => (state === 'OPEN' ? 5_000 : 0),
    stats: () => ({ name, kind: 'external', state }),
  };
  return breaker;
}

describe('shared configs: configure(name, config) and get(breaker, name)', () => {
  it('creates breakers with the shared config', () => {
    const { registry } = newRegistry();
    registry.configure('llm', { failureThreshold: 3, breakDurationMs: 30_000, halfOpenMaxCalls: 2 });
    const gpt = registry.get('llm:gpt-4o', 'llm');
    const claude = registry.get('llm:claude', 'llm');
    expect(gpt.config).toMatchObject({ failureThreshold: 3, breakDurationMs: 30_000, halfOpenMaxCalls: 2 });
    expect(claude.config).toBe(gpt.config);
    gpt.recordFailure();
    gpt.recordFailure();
    gpt.recordFailure();
    expect(gpt.state).toBe('OPEN');
    expect(claude.state).toBe('CLOSED');
  });

  it('is chainable', () => {
    const { registry } = newRegistry();
    expect(registry.configure('a', {}).configure('b', { failureThreshold: 2 })).toBe(registry);
    expect(registry.get('x', 'b').config.failureThreshold).toBe(2);
  });

  it('keeps a shared config holding functions (growing break, shouldTrip)', () => {
    const { registry } = newRegistry();
    const shouldTrip = () => true;
    const breakDurationMs = (n: number) => n * 1_000;
    registry.configure('fn', { shouldTrip, breakDurationMs });
    const breaker = registry.get('svc', 'fn');
    expect(breaker.config.shouldTrip).toBe(shouldTrip);
    expect(breaker.config.breakDurationMs).toBe(breakDurationMs);
  });

  it('leaves breakers already created with a shared config alone when it is redefined', () => {
    const { registry } = newRegistry();
    registry.configure('llm', { failureThreshold: 3 });
    const before = registry.get('old', 'llm');
    registry.configure('llm', { failureThreshold: 7 });
    expect(before.config.failureThreshold).toBe(3);
    expect(registry.get('new', 'llm').config.failureThreshold).toBe(7);
  });

  it('refuses an unknown config name with a HealingConfigError listing the known names', () => {
    const { registry } = newRegistry();
    registry.configure('llm', {}).configure('database', {});
    const error = configError(() => registry.get('svc', 'lmm'));
    expect(error.option).toBe('config');
    expect(error.message).toContain('"lmm"');
    expect(error.message).toContain('"llm"');
    expect(error.message).toContain('"database"');
    expect(registry.has('svc')).toBe(false);
    expect(registry.get('svc', 'llm').canExecute()).toBe(true);
  });

  it('says how to define one when no shared config exists yet', () => {
    const { registry } = newRegistry();
    const error = configError(() => registry.get('svc', 'llm'));
    expect(error.message).toMatch(/registry\.configure/);
  });

  it('refuses an unknown config name for an existing breaker too', () => {
    const { registry } = newRegistry();
    const breaker = registry.get('svc');
    expect(() => registry.get('svc', 'nope')).toThrow(HealingConfigError);
    expect(registry.get('svc')).toBe(breaker);
  });

  it('refuses an invalid shared config, naming it and the option, and keeps the previous definition', () => {
    const { registry } = newRegistry();
    registry.configure('llm', { failureThreshold: 3 });
    const error = configError(() => registry.configure('llm', { failureThreshold: 0 }));
    expect(error.option).toBe('configure("llm").failureThreshold');
    expect(registry.get('svc', 'llm').config.failureThreshold).toBe(3);
  });

  it('refuses an empty config name', () => {
    const { registry } = newRegistry();
    expect(configError(() => registry.configure('', {})).option).toBe('configName');
  });
});

describe('all(), stats(), resetAll()', () => {
  it('lists every breaker, native and registered, in order', () => {
    const { registry } = newRegistry();
    const a = registry.get('a');
    const ext = registry.register(externalBreaker('ext'));
    const b = registry.get('b');
    expect(registry.all()).toEqual([a, ext, b]);
  });

  it('reports every breaker’s stats as plain JSON', () => {
    const { registry } = newRegistry();
    registry.get('a', { failureThreshold: 1 }).recordFailure();
    registry.get('b', { policy: { type: 'count', windowSize: 10, failureRateThreshold: 50 } }).recordSuccess();
    registry.register(externalBreaker('ext'));
    const stats = registry.stats();
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    expect(stats).toEqual([
      expect.objectContaining({ name: 'a', state: 'OPEN', failures: 1, openings: 1 }),
      expect.objectContaining({ name: 'b', state: 'CLOSED', successes: 1, window: { calls: 1, failures: 0 } }),
      { name: 'ext', kind: 'external', state: 'CLOSED' },
    ]);
  });

  it('closes every breaker and clears forced states with resetAll()', () => {
    const { registry } = newRegistry();
    const open = registry.get('open', { failureThreshold: 1 });
    open.recordFailure();
    const isolated = registry.get('isolated');
    isolated.isolate();
    const pinned = registry.get('pinned', { failureThreshold: 1 });
    pinned.recordFailure();
    pinned.forceClose();
    const ext = registry.register(externalBreaker('ext')) as ReturnType<typeof externalBreaker>;
    ext.trip();
    registry.resetAll();
    for (const breaker of [open, isolated, pinned]) {
      expect(breaker.stats()).toMatchObject({ state: 'CLOSED', forced: null, consecutiveFailures: 0 });
    }
    expect(pinned.remainingOpenMs()).toBe(0);
    expect(ext.state).toBe('CLOSED');
    expect(ext.calls).toContain('reset');
  });
});

describe('register() and find()', () => {
  it('finds a registered breaker by name, and finds nothing for an unknown name without creating it', () => {
    const { registry } = newRegistry();
    const ext = externalBreaker('opossum:search');
    expect(registry.register(ext)).toBe(ext);
    expect(registry.find('opossum:search')).toBe(ext);
    expect(registry.has('opossum:search')).toBe(true);
    expect(registry.find('nothing')).toBeUndefined();
    expect(registry.has('nothing')).toBe(false);
  });

  it('finds native breakers too', () => {
    const { registry } = newRegistry();
    const native = registry.get('native');
    expect(registry.find('native')).toBe(native);
    expect(registry.find('native')).toBeInstanceOf(CircuitBreaker);
  });

  it('refuses a second breaker under a taken name, and a breaker without a name', () => {
    const { registry } = newRegistry();
    registry.get('taken');
    registry.register(externalBreaker('ext'));
    expect(configError(() => registry.register(externalBreaker('taken'))).option).toBe('breaker.name');
    expect(() => registry.register(externalBreaker('ext'))).toThrow(HealingConfigError);
    expect(() => registry.register(externalBreaker(''))).toThrow(HealingConfigError);
    expect(registry.find('taken')).toBeInstanceOf(CircuitBreaker);
  });

  it('will not hand a registered breaker out through get()', () => {
    const { registry } = newRegistry();
    registry.register(externalBreaker('ext'));
    const error = configError(() => registry.get('ext'));
    expect(error.message).toMatch(/find/);
  });

  it('runs pipeline attempts through a registered breaker named in circuitName', async () => {
    const { registry } = newRegistry();
    const ext = registry.register(externalBreaker('ext')) as ReturnType<typeof externalBreaker>;
    const ok = await executeWithHealing(async () => 'fine', {}, { circuitName: 'ext', registry });
    expect(ok.status).toBe('ok');
    expect(ext.calls).toEqual(['canExecute', 'success:undefined']);
    ext.trip();
    const refused = await executeWithHealing(async () => 'never', {}, { circuitName: 'ext', registry });
    expect(refused).toMatchObject({ status: 'error', attempts: 0, circuitBreakerTriggered: true });
  });

  it('lets a registered breaker be deleted', () => {
    const { registry } = newRegistry();
    registry.register(externalBreaker('ext'));
    expect(registry.delete('ext')).toBe(true);
    expect(registry.find('ext')).toBeUndefined();
  });
});
