import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError } from '../../src/index.js';
import type { CircuitRejection } from '../../src/circuit/circuit-events.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

function setup(parentConfig = { failureThreshold: 3, breakDurationMs: 10_000 }, childConfig = { failureThreshold: 5 }) {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  const parent = registry.get('openai', parentConfig);
  const gpt = registry.get('openai:gpt-4o', { parent: 'openai', ...childConfig });
  const o3 = registry.get('openai:o3', { parent: 'openai', ...childConfig });
  const rejections: CircuitRejection[] = [];
  registry.on('reject', (rejection) => rejections.push(rejection));
  return { clock, registry, parent, gpt, o3, rejections };
}

describe('parent and children', () => {
  it('links a child to its parent', () => {
    const { parent, gpt } = setup();
    expect(gpt.parent).toBe(parent);
    expect(gpt.stats().parent).toBe('openai');
    expect(parent.stats().parent).toBeNull();
  });

  it('creates a missing parent on demand, with the default config', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const child = registry.get('anthropic:opus', { parent: 'anthropic' });
    expect(registry.has('anthropic')).toBe(true);
    expect(child.parent).toBe(registry.get('anthropic'));
    expect(registry.get('anthropic').config.failureThreshold).toBe(5);
  });

  it('refuses every child call while the parent is open, with reject reason parent-open', () => {
    const { parent, gpt, o3, rejections } = setup();
    parent.isolate();
    expect(gpt.canExecute()).toBe(false);
    expect(o3.canExecute()).toBe(false);
    expect(rejections).toEqual([
      { circuit: 'openai:gpt-4o', state: 'CLOSED', reason: 'parent-open' },
      { circuit: 'openai:o3', state: 'CLOSED', reason: 'parent-open' },
    ]);
    expect(gpt.stats()).toMatchObject({ state: 'CLOSED', rejections: 1 });
  });

  it('refuses a child call when the parent opened by failures, and admits again once the parent closes', async () => {
    const { clock, parent, gpt } = setup();
    parent.recordFailure();
    parent.recordFailure();
    parent.recordFailure();
    expect(parent.state).toBe('OPEN');
    expect(gpt.canExecute()).toBe(false);
    await clock.advance(10_000);
    expect(parent.canExecute()).toBe(true);
    parent.recordSuccess();
    expect(parent.state).toBe('CLOSED');
    expect(gpt.canExecute()).toBe(true);
  });

  it('lets an open child refuse its own calls without affecting the parent or its siblings', () => {
    const { parent, gpt, o3, rejections } = setup({ failureThreshold: 100, breakDurationMs: 10_000 }, { failureThreshold: 2 });
    gpt.recordFailure();
    gpt.recordFailure();
    expect(gpt.state).toBe('OPEN');
    expect(gpt.canExecute()).toBe(false);
    expect(rejections.at(-1)).toEqual({ circuit: 'openai:gpt-4o', state: 'OPEN', reason: 'open' });
    expect(parent.state).toBe('CLOSED');
    expect(o3.canExecute()).toBe(true);
    expect(parent.canExecute()).toBe(true);
  });

  it('rolls a child’s outcomes up to the parent’s stats', () => {
    const { parent, gpt, o3 } = setup({ failureThreshold: 100, breakDurationMs: 10_000 });
    gpt.recordFailure();
    o3.recordFailure();
    gpt.recordSuccess();
    o3.recordSuccess(12);
    expect(parent.stats()).toMatchObject({ failures: 2, successes: 2, consecutiveFailures: 0 });
    gpt.recordFailure();
    expect(parent.stats()).toMatchObject({ failures: 3, consecutiveFailures: 1 });
    expect(gpt.stats()).toMatchObject({ failures: 2, successes: 1 });
  });

  it('trips the parent from failures spread over its children, which stay closed', () => {
    const { parent, gpt, o3 } = setup();
    gpt.recordFailure();
    o3.recordFailure();
    gpt.recordFailure();
    expect(parent.stats()).toMatchObject({ state: 'OPEN', openings: 1 });
    expect(gpt.state).toBe('CLOSED');
    expect(o3.state).toBe('CLOSED');
    expect(gpt.canExecute()).toBe(false);
    expect(o3.canExecute()).toBe(false);
  });

  it('rolls slow calls up to a parent that sets slowCallMs', () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const parent = registry.get('p', { slowCallMs: 100, failureThreshold: 1 });
    const child = registry.get('c', { parent: 'p' });
    child.recordSuccess(500);
    expect(child.stats()).toMatchObject({ successes: 1, slowCalls: 0, state: 'CLOSED' });
    expect(parent.stats()).toMatchObject({ slowCalls: 1, state: 'OPEN' });
  });

  it('keeps the remaining break of the open ancestor with a parent-open refusal', async () => {
    const { clock, parent, gpt } = setup();
    for (let i = 0; i < 3; i++) parent.recordFailure();
    await clock.advance(4_000);
    expect(gpt.canExecute()).toBe(false);
    expect(gpt.lastRefusalRetryAfterMs).toBe(6_000);
    expect(gpt.lastRefusalCause).toBe('its parent "openai" is open');
    gpt.isolate();
    expect(gpt.canExecute()).toBe(false); // its own refusal now: no cause above it
    expect(gpt.lastRefusalCause).toBeUndefined();
  });

  it('reaches up a chain: an open grandparent refuses a grandchild', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const root = registry.get('openai');
    registry.get('openai:gpt-4o', { parent: 'openai' });
    const leaf = registry.get('openai:gpt-4o:eu', { parent: 'openai:gpt-4o' });
    root.isolate();
    expect(leaf.canExecute()).toBe(false);
    root.reset();
    expect(leaf.canExecute()).toBe(true);
    leaf.recordFailure();
    expect(root.stats().failures).toBe(1);
  });
});

describe('a half-open parent', () => {
  async function halfOpenParent(parentConfig: { halfOpenMaxCalls?: number; successThreshold?: number } = {}) {
    const ctx = setup({ failureThreshold: 1, breakDurationMs: 10_000, ...parentConfig });
    ctx.parent.recordFailure();
    await ctx.clock.advance(10_000);
    expect(ctx.parent.state).toBe('HALF_OPEN');
    return ctx;
  }

  it('admits one child call as its probe and refuses the others', async () => {
    const { parent, gpt, o3, rejections } = await halfOpenParent();
    expect(gpt.canExecute()).toBe(true);
    expect(parent.stats().halfOpenInFlight).toBe(1);
    expect(o3.canExecute()).toBe(false);
    expect(rejections.at(-1)).toEqual({ circuit: 'openai:o3', state: 'CLOSED', reason: 'parent-open' });
    expect(parent.canExecute()).toBe(false);
  });

  it('closes when the child probe succeeds, then admits every child', async () => {
    const { parent, gpt, o3 } = await halfOpenParent();
    gpt.canExecute();
    gpt.recordSuccess();
    expect(parent.state).toBe('CLOSED');
    expect(o3.canExecute()).toBe(true);
    expect(gpt.canExecute()).toBe(true);
  });

  it('re-opens when the child probe fails', async () => {
    const { parent, gpt, o3 } = await halfOpenParent();
    gpt.canExecute();
    gpt.recordFailure();
    expect(parent.state).toBe('OPEN');
    expect(o3.canExecute()).toBe(false);
  });

  it('gets its probe slot back when the child probe is released', async () => {
    const { parent, gpt, o3 } = await halfOpenParent();
    gpt.canExecute();
    gpt.releasePermission();
    expect(parent.stats().halfOpenInFlight).toBe(0);
    expect(o3.canExecute()).toBe(true);
  });

  it('does not spend its probe slot on a child that refuses the call itself', async () => {
    const { parent, gpt, o3 } = await halfOpenParent();
    gpt.isolate();
    expect(gpt.canExecute()).toBe(false);
    expect(parent.stats().halfOpenInFlight).toBe(0);
    expect(o3.canExecute()).toBe(true);
  });

  it('admits as many child probes as its halfOpenMaxCalls', async () => {
    const { gpt, o3 } = await halfOpenParent({ halfOpenMaxCalls: 2, successThreshold: 2 });
    expect(gpt.canExecute()).toBe(true);
    expect(o3.canExecute()).toBe(true);
    expect(gpt.canExecute()).toBe(false);
  });
});

describe('parent cycles and deletion', () => {
  it('refuses a breaker as its own parent, naming circuitBreaker.parent, and keeps working', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const error = configError(() => registry.get('loop', { parent: 'loop' }));
    expect(error.option).toBe('circuitBreaker.parent');
    expect(error.message).toMatch(/cycle/);
    expect(registry.has('loop')).toBe(false);
    expect(registry.get('fine').canExecute()).toBe(true);
    expect(registry.get('loop').parent).toBeUndefined();
  });

  it('refuses a shared config that makes a breaker its own parent', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    registry.configure('self', { parent: 'b' });
    expect(() => registry.get('b', 'self')).toThrow(HealingConfigError);
    expect(registry.has('b')).toBe(false);
  });

  // Contract: "parent cycles are a HealingConfigError", also when the cycle would go through a
  // breaker that already exists (b -> a while a -> b exists).
  it('refuses a config that would close a cycle through an existing breaker (a -> b, then b -> a)', () => {
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const a = registry.get('a', { parent: 'b' });
    const error = configError(() => registry.get('b', { parent: 'a' }));
    expect(error.option).toBe('circuitBreaker.parent');
    expect(error.message).toMatch(/cycle/);
    // The registry keeps working, with the hierarchy it had.
    expect(a.parent).toBe(registry.get('b'));
    expect(registry.get('b').parent).toBeUndefined();
    expect(a.canExecute()).toBe(true);
  });

  it('refuses to delete a parent that has children, until they are gone', () => {
    const { registry } = setup();
    const error = configError(() => registry.delete('openai'));
    expect(error.message).toMatch(/parent of 2/);
    expect(registry.has('openai')).toBe(true);
    expect(registry.delete('openai:gpt-4o')).toBe(true);
    expect(() => registry.delete('openai')).toThrow(HealingConfigError);
    expect(registry.delete('openai:o3')).toBe(true);
    expect(registry.delete('openai')).toBe(true);
    expect(registry.has('openai')).toBe(false);
  });
});
