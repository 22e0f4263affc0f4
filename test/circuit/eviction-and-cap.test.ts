import { describe, expect, it } from 'vitest';
import * as library from '../../src/index.js';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, RegistryFullError } from '../../src/index.js';
import type { RegistryMembershipEvent } from '../../src/circuit/registry.js';
import { configError } from '../helpers/config-error.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup(options: { idleTimeoutMs?: number; maxBreakers?: number } = { idleTimeoutMs: 1_000 }) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock, ...options });
  const removed: RegistryMembershipEvent[] = [];
  registry.on('removed', (e) => removed.push(e));
  return { clock, registry, removed };
}

describe('idle eviction', () => {
  it('evicts closed, unforced, childless breakers not looked up for idleTimeoutMs, and returns the count', async () => {
    const { clock, registry, removed } = setup();
    registry.get('closed-1');
    registry.get('closed-2').recordSuccess();
    registry.get('open', { failureThreshold: 1, breakDurationMs: 60_000 }).recordFailure();
    registry.get('isolated').isolate();
    registry.get('pinned').forceClose();
    await clock.advance(999);
    expect(registry.evictIdle()).toBe(0);
    await clock.advance(1);
    expect(registry.evictIdle()).toBe(2);
    expect(registry.has('closed-1')).toBe(false);
    expect(registry.has('closed-2')).toBe(false);
    expect(registry.has('open')).toBe(true);
    expect(registry.has('isolated')).toBe(true);
    expect(registry.has('pinned')).toBe(true);
    expect(removed).toEqual([{ name: 'closed-1', reason: 'idle' }, { name: 'closed-2', reason: 'idle' }]);
  });

  it('counts idleness from the last lookup (get or find), not from creation', async () => {
    const { clock, registry } = setup();
    const breaker = registry.get('svc');
    registry.get('other');
    await clock.advance(600);
    registry.get('svc');
    registry.find('other');
    await clock.advance(600);
    expect(registry.evictIdle()).toBe(0);
    expect(registry.get('svc')).toBe(breaker);
    await clock.advance(1_000);
    expect(registry.evictIdle()).toBe(2);
  });

  it('does not evict a closed breaker with a call in flight, and evicts it once the call has ended', async () => {
    const { clock, registry } = setup();
    const breaker = registry.get('svc');
    expect(breaker.canExecute()).toBe(true); // still running when the sweep comes
    await clock.advance(1_500);
    expect(registry.evictIdle()).toBe(0);
    breaker.recordFailure(); // lands on the registry's breaker, not on an evicted copy
    expect(registry.get('svc')).toBe(breaker);
    expect(breaker.stats().failures).toBe(1);
    await clock.advance(1_000);
    expect(registry.evictIdle()).toBe(1);
  });

  it('does not evict a breaker whose pipeline call is still running', async () => {
    const { clock, registry } = setup();
    const breaker = registry.get('svc', { failureThreshold: 1 });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'svc', retry: { maxAttempts: 1 } });
    const pending = pipeline.execute(async () => {
      await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), 2_000));
      throw httpError(503);
    });
    await clock.advance(1_500);
    expect(registry.evictIdle()).toBe(0);
    await clock.advance(500);
    await pending;
    expect(registry.get('svc')).toBe(breaker);
    expect(breaker.state).toBe('OPEN');
  });

  it('evicts an idle breaker whose break has ended, with no probe in flight (it starts afresh, closed)', async () => {
    const { clock, registry, removed } = setup();
    registry.get('svc', { failureThreshold: 1, breakDurationMs: 500 }).recordFailure();
    await clock.advance(1_000);
    expect(registry.evictIdle()).toBe(1);
    expect(removed).toEqual([{ name: 'svc', reason: 'idle' }]);
    expect(registry.get('svc', { failureThreshold: 1, breakDurationMs: 500 }).stats()).toMatchObject({ state: 'CLOSED', openings: 0 });
  });

  it('does not evict a half-open breaker while its probe runs (until the probe\'s slot expires)', async () => {
    const { clock, registry } = setup();
    const breaker = registry.get('svc', { failureThreshold: 1, breakDurationMs: 500, probeTimeoutMs: 5_000 });
    breaker.recordFailure();
    await clock.advance(500);
    expect(breaker.canExecute()).toBe(true);
    await clock.advance(1_000);
    expect(registry.evictIdle()).toBe(0);
    breaker.recordSuccess();
    expect(breaker.state).toBe('CLOSED');
    expect(registry.evictIdle()).toBe(1);
  });

  it('keeps per-key breakers that opened once from filling the registry', async () => {
    const { clock, registry } = setup({ idleTimeoutMs: 60_000, maxBreakers: 100 });
    for (let i = 0; i < 100; i++) registry.get(`host-${i}`, { failureThreshold: 1, breakDurationMs: 1_000 }).recordFailure();
    await clock.advance(24 * 3_600_000); // a day later, none of these keys was used again
    expect(registry.get('new-host').canExecute()).toBe(true);
    expect(registry.all().map((breaker) => breaker.name)).toEqual(['new-host']);
  });

  it('does not evict a parent while it has children', async () => {
    const { clock, registry } = setup();
    registry.get('parent');
    await clock.advance(999);
    registry.get('child', { parent: 'parent' });
    await clock.advance(1);
    expect(registry.evictIdle()).toBe(0);
    expect(registry.has('parent')).toBe(true);
  });

  it('gives a fresh breaker for an evicted name', async () => {
    const { clock, registry } = setup();
    const old = registry.get('svc', { failureThreshold: 3 });
    old.recordFailure();
    await clock.advance(1_000);
    registry.evictIdle();
    const fresh = registry.get('svc');
    expect(fresh).not.toBe(old);
    expect(fresh.stats()).toMatchObject({ failures: 0, consecutiveFailures: 0, state: 'CLOSED' });
  });

  it('evicts nothing without idleTimeoutMs', async () => {
    const { clock, registry } = setup({});
    registry.get('svc');
    await clock.advance(365 * 24 * 3_600_000);
    expect(registry.evictIdle()).toBe(0);
    expect(registry.has('svc')).toBe(true);
  });

  it('also evicts lazily during lookups, after enough of them, without evictIdle()', async () => {
    const { clock, registry } = setup();
    for (let i = 0; i < 10; i++) registry.get(`idle-${i}`);
    await clock.advance(1_000);
    for (let i = 0; i < 5_000; i++) registry.get('hot');
    expect(registry.has('idle-0')).toBe(false);
    expect(registry.has('idle-9')).toBe(false);
    expect(registry.has('hot')).toBe(true);
  });

  it('never evicts an open breaker lazily', async () => {
    const { clock, registry } = setup();
    registry.get('open', { failureThreshold: 1, breakDurationMs: 3_600_000 }).recordFailure();
    await clock.advance(10_000);
    for (let i = 0; i < 5_000; i++) registry.get(`k-${i % 100}`);
    expect(registry.has('open')).toBe(true);
    expect(registry.get('open').state).toBe('OPEN');
  });
});

describe('the hard cap: maxBreakers', () => {
  it('defaults to 100 000', () => {
    expect(new CircuitBreakerRegistry().maxBreakers).toBe(100_000);
  });

  it('exports RegistryFullError', () => {
    expect(library.RegistryFullError).toBe(RegistryFullError);
  });

  it('refuses one breaker too many with a RegistryFullError that says what to do, and keeps working', () => {
    const { registry } = setup({ maxBreakers: 3 });
    const a = registry.get('a');
    registry.get('b');
    registry.get('c');
    let thrown: unknown;
    try {
      registry.get('user:12345');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RegistryFullError);
    const error = thrown as RegistryFullError;
    expect(error).toMatchObject({ name: 'RegistryFullError', code: 'ERR_REGISTRY_FULL', maxBreakers: 3 });
    expect(error.message).toContain('user:12345');
    expect(error.message).toContain('3');
    expect(error.message).toMatch(/idleTimeoutMs/);
    expect(error.message).toMatch(/maxBreakers/);
    expect(error.message).toMatch(/bounded key/);
    // Still working: existing breakers are served, nothing half-made is left behind.
    expect(registry.get('a')).toBe(a);
    expect(registry.has('user:12345')).toBe(false);
    expect(registry.all()).toHaveLength(3);
    registry.delete('b');
    expect(registry.get('d').canExecute()).toBe(true);
  });

  it('applies to register() too', () => {
    const { registry } = setup({ maxBreakers: 1 });
    registry.get('a');
    expect(() => registry.register({
      name: 'ext', state: 'CLOSED', canExecute: () => true, recordSuccess() {}, recordFailure() {},
      releasePermission() {}, reset() {}, remainingOpenMs: () => 0, stats: () => ({}),
    })).toThrow(RegistryFullError);
    expect(registry.has('ext')).toBe(false);
  });

  it('tries idle eviction first, and makes room when idle breakers can go', async () => {
    const { clock, registry, removed } = setup({ maxBreakers: 3, idleTimeoutMs: 1_000 });
    registry.get('a');
    registry.get('b');
    registry.get('c');
    await clock.advance(1_000);
    expect(registry.get('d').canExecute()).toBe(true);
    expect(removed.map((e) => e.reason)).toEqual(['idle', 'idle', 'idle']);
    expect(registry.all().map((b) => b.name)).toEqual(['d']);
  });

  it('is a RegistryFullError when nothing idle can go (open breakers are kept)', async () => {
    const { clock, registry } = setup({ maxBreakers: 2, idleTimeoutMs: 1_000 });
    registry.get('a', { failureThreshold: 1, breakDurationMs: 3_600_000 }).recordFailure();
    registry.get('b', { failureThreshold: 1, breakDurationMs: 3_600_000 }).recordFailure();
    await clock.advance(1_000);
    expect(() => registry.get('c')).toThrow(RegistryFullError);
    expect(registry.get('a').state).toBe('OPEN');
    expect(registry.all()).toHaveLength(2);
  });

  it('is a RegistryFullError when the breakers are not idle yet', async () => {
    const { clock, registry } = setup({ maxBreakers: 1, idleTimeoutMs: 1_000 });
    registry.get('a');
    await clock.advance(999);
    expect(() => registry.get('b')).toThrow(RegistryFullError);
    await clock.advance(1);
    expect(registry.get('b').name).toBe('b');
  });

  it('refuses an invalid maxBreakers or idleTimeoutMs with a HealingConfigError', () => {
    expect(configError(() => new CircuitBreakerRegistry({ maxBreakers: 0 })).option).toBe('registry.maxBreakers');
    expect(configError(() => new CircuitBreakerRegistry({ maxBreakers: 1.5 })).option).toBe('registry.maxBreakers');
    expect(configError(() => new CircuitBreakerRegistry({ idleTimeoutMs: 0 })).option).toBe('registry.idleTimeoutMs');
    expect(() => new CircuitBreakerRegistry({ idleTimeoutMs: -1 })).toThrow(HealingConfigError);
  });
});
