import { describe, expect, it } from 'vitest';
import { AdaptiveHealing, CircuitBreakerRegistry, HealingPipeline, type PipelineEvents } from '../../src/index.js';
import type { Escalation } from '../../src/adaptive/adaptive-healing.js';
import { configError } from '../helpers/config-error.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

const quota = () => Object.assign(new Error('Service Unavailable: quota'), { status: 503 });

describe('adaptive healing', () => {
  it('skips retrying a category that retries have not healed in the last `window` tries, and saves the calls', async () => {
    const adaptive = new AdaptiveHealing({ window: 5 });
    const pipeline = new HealingPipeline({ adaptive, retry: { maxAttempts: 3, minDelayMs: 0 } });
    let calls = 0;
    const alwaysDown = async () => { calls++; throw quota(); };
    for (let i = 0; i < 5; i++) await pipeline.execute(alwaysDown, {});
    expect(calls).toBe(15); // 5 executions x 3 attempts: retries are tried while the window fills
    expect(adaptive.stats()).toEqual([{ category: 'unavailable', action: 'retry', tries: 5, healed: 0, skipped: 0 }]);
    calls = 0;
    const skipped = await pipeline.execute(alwaysDown, {});
    expect(calls).toBe(1);
    expect(skipped.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'adaptive' });
    expect(skipped.healingActions.at(-1)!.detail).toMatch(/retrying has not healed unavailable in its last 5 tries/);
  });

  it('lets one try in `window` through as a probe, and retries again once they heal', async () => {
    const adaptive = new AdaptiveHealing({ window: 3 });
    const pipeline = new HealingPipeline({ adaptive, retry: { maxAttempts: 2, minDelayMs: 0 } });
    let healthy = false;
    let calls = 0;
    const fn = async (_: unknown, { attempt }: { attempt: number }) => { calls++; if (!healthy || attempt === 1) throw quota(); return 'ok'; };
    for (let i = 0; i < 3; i++) await pipeline.execute(fn, {}); // fill the window with failures
    healthy = true;
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) outcomes.push((await pipeline.execute(fn, {})).status);
    expect(outcomes).toEqual(['error', 'error', 'ok']); // two skipped, the third is the probe, and it heals
    expect((await pipeline.execute(fn, {})).status).toBe('ok'); // retrying again
  });

  it('shrinks the retries allowed for a category with the share of retries that healed', async () => {
    const adaptive = new AdaptiveHealing({ window: 4 });
    for (const healed of [true, false, false, false]) adaptive.learn('network', 'retry', healed);
    expect(adaptive.retryLimit('network', 4)).toBe(1);
    for (const healed of [true, true, true]) adaptive.learn('network', 'retry', healed);
    expect(adaptive.retryLimit('network', 4)).toBe(3);
    expect(adaptive.retryLimit('unseen', 4)).toBe(4);
  });

  it('keeps categories apart: futile retries for one do not stop another', async () => {
    const adaptive = new AdaptiveHealing({ window: 2 });
    const pipeline = new HealingPipeline({ adaptive, retry: { maxAttempts: 2, minDelayMs: 0 } });
    for (let i = 0; i < 2; i++) await pipeline.execute(async () => { throw quota(); }, {});
    let calls = 0;
    const result = await pipeline.execute(async () => { if (++calls === 1) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' }); return 'ok'; }, {});
    expect(result).toMatchObject({ status: 'ok', attempts: 2 });
  });

  it('skips fallbacks that have not served a category lately', async () => {
    const adaptive = new AdaptiveHealing({ window: 2 });
    let fallbackCalls = 0;
    const pipeline = new HealingPipeline({ adaptive, retry: { maxAttempts: 1 }, fallback: () => { fallbackCalls++; throw new Error('cache miss'); } });
    for (let i = 0; i < 2; i++) await pipeline.execute(async () => { throw httpError(404); }, {});
    expect(fallbackCalls).toBe(2);
    const result = await pipeline.execute(async () => { throw httpError(404); }, {});
    expect(fallbackCalls).toBe(2);
    expect(result.healingActions.find((a) => a.kind === 'fallback')).toMatchObject({ reason: 'adaptive', succeeded: false });
  });

  it('raises escalate when one category keeps failing on one circuit, once per window', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('billing', { failureThreshold: 1_000 });
    const adaptive = new AdaptiveHealing({ escalateAfter: 3, escalateWindowMs: 10_000 });
    const escalations: Escalation[] = [];
    adaptive.on('escalate', (e) => escalations.push(e));
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'billing', adaptive, retry: { maxAttempts: 1 } });
    const fail = () => pipeline.execute(async () => { throw httpError(500, undefined, 'boom token=sk-abcdefghijklmnopqrstuvwx'); }, {});
    await fail();
    await clock.advance(6_000);
    await fail();
    await clock.advance(6_000); // the first failure has left the window
    await fail();
    expect(escalations).toEqual([]);
    await fail();
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ category: 'server_error', circuit: 'billing', count: 3, windowMs: 10_000 });
    expect(escalations[0]!.lastError).not.toContain('sk-abcdefghijklmnopqrstuvwx');
    await fail();
    expect(escalations).toHaveLength(1); // not again within the window
  });

  it('keeps the failures of at most 1,000 (category, circuit) pairs, forgetting the oldest: per-tenant circuits do not grow it for ever', () => {
    const adaptive = new AdaptiveHealing({ escalateAfter: 3, escalateWindowMs: 60_000 });
    const escalations: Escalation[] = [];
    adaptive.on('escalate', (e) => escalations.push(e));
    adaptive.recordFailure('unavailable', 'tenant-a', 'down', 1);
    adaptive.recordFailure('unavailable', 'tenant-a', 'down', 2);
    for (let tenant = 0; tenant < 1_000; tenant++) adaptive.recordFailure('unavailable', `tenant-${tenant}`, 'down', 3);
    adaptive.recordFailure('unavailable', 'tenant-a', 'down', 4); // tenant-a's first two were forgotten
    expect(escalations).toEqual([]);
    adaptive.recordFailure('unavailable', 'tenant-a', 'down', 5);
    adaptive.recordFailure('unavailable', 'tenant-a', 'down', 6);
    expect(escalations).toMatchObject([{ circuit: 'tenant-a', count: 3 }]);
  });

  it('the pipeline raises its own escalate event when adaptive healing escalates, with the error redacted', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('billing', { failureThreshold: 1_000 });
    const adaptive = new AdaptiveHealing({ escalateAfter: 2, escalateWindowMs: 10_000 });
    const pipeline = new HealingPipeline({ name: 'invoices', clock, registry, circuitName: 'billing', adaptive, retry: { maxAttempts: 1 } });
    const seen: Array<PipelineEvents['escalate']> = [];
    pipeline.on('escalate', (event) => seen.push(event));
    const fail = () => pipeline.execute(async () => { throw httpError(500, undefined, 'boom token=sk-abcdefghijklmnopqrstuvwx'); }, {});
    await fail();
    expect(seen).toEqual([]);
    await fail();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      pipeline: 'invoices', circuit: 'billing', attempt: 1,
      reason: 'recurring error: 2 failures of category server_error on circuit "billing" within 10000 ms',
    });
    expect(seen[0]!.error).toContain('boom');
    expect(seen[0]!.error).not.toContain('sk-abcdefghijklmnopqrstuvwx');
    await fail();
    expect(seen).toHaveLength(1); // once per window, as the AdaptiveHealing's own event
  });

  it('learns nothing from an execution the caller aborted mid-way', async () => {
    const adaptive = new AdaptiveHealing({ window: 1, escalateAfter: 1 });
    const escalations: Escalation[] = [];
    adaptive.on('escalate', (e) => escalations.push(e));
    const clock = new ManualClock();
    const controller = new AbortController();
    const pipeline = new HealingPipeline({ adaptive, clock, signal: controller.signal, retry: { minDelayMs: 100, jitter: 'none' } });
    let calls = 0;
    const pending = pipeline.execute(async () => { calls++; throw quota(); }, {});
    await clock.advance(50); // attempt 1 failed; the backoff wait is under way
    controller.abort();
    const result = await pending;
    expect(calls).toBe(1);
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['retry', undefined], ['give_up', 'aborted']]);
    expect(adaptive.stats()).toEqual([]);
    expect(escalations).toEqual([]);

    // The same failure without the abort is learned from, and escalates: the test above can fail.
    const unaborted = new HealingPipeline({ adaptive, clock, retry: { maxAttempts: 2, minDelayMs: 100, jitter: 'none' } }).execute(async () => { throw quota(); }, {});
    await clock.advance(100);
    await unaborted;
    expect(adaptive.stats()).not.toEqual([]);
    expect(escalations).toHaveLength(1);
  });

  it('adaptive: true gives the pipeline its own instance, shared with its overrides', async () => {
    const pipeline = new HealingPipeline({ adaptive: true, retry: { maxAttempts: 2, minDelayMs: 0 } });
    for (let i = 0; i < 10; i++) await pipeline.execute(async () => { throw quota(); }, {}, i % 2 ? { timeoutMs: 1_000 } : undefined);
    let calls = 0;
    await pipeline.execute(async () => { calls++; throw quota(); }, {}, { timeoutMs: 2_000 });
    expect(calls).toBe(1);
  });

  it('is validated', () => {
    expect(configError(() => new AdaptiveHealing({ window: 0 })).option).toBe('adaptive.window');
    expect(configError(() => new HealingPipeline({ adaptive: 'yes' as never })).option).toBe('adaptive');
  });
});
