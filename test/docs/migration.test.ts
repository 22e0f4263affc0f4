/**
 * The mappings of docs/migration.md, checked by running the peer library and self-healing side by
 * side on the same failures: the same number of calls, the same moment a breaker opens.
 */
import {
  ConsecutiveBreaker, ConstantBackoff, CountBreaker, circuitBreaker, handleAll, retry as cockatielRetry, CircuitState, type IBreaker,
} from 'cockatiel';
import OpossumBreaker from 'opossum';
import pRetry, { AbortError } from 'p-retry';
import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline, type CircuitBreakerConfig } from '../../src/index.js';
import { configError as configErrorOf } from '../helpers/config-error.js';
import { httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A function that always fails with `error`, counting its calls. */
function alwaysFailing(error: () => Error) {
  const fn = async () => {
    fn.calls++;
    throw error();
  };
  fn.calls = 0;
  return fn;
}

describe('p-retry', () => {
  it('retries: 4 is maxAttempts: 5 (five calls of a transient failure)', async () => {
    const peer = alwaysFailing(() => httpError(503));
    await expect(pRetry(peer, { retries: 4, minTimeout: 0 })).rejects.toThrow();
    const ours = alwaysFailing(() => httpError(503));
    await executeWithHealing(ours, undefined, { retry: { maxAttempts: 5, minDelayMs: 0 } });
    expect([peer.calls, ours.calls]).toEqual([5, 5]);
  });

  it('AbortError stops at once; a permanent error (401) does the same without being told', async () => {
    const peer = alwaysFailing(() => new AbortError('unauthorized'));
    await expect(pRetry(peer, { retries: 4, minTimeout: 0 })).rejects.toThrow('unauthorized');
    const ours = alwaysFailing(() => httpError(401));
    const result = await executeWithHealing(ours, undefined, { retry: { maxAttempts: 5, minDelayMs: 0 } });
    expect([peer.calls, ours.calls]).toEqual([1, 1]);
    expect(result.healingActions.at(-1)).toMatchObject({ reason: 'permanent' });
  });
});

describe('cockatiel', () => {
  it('retry maxAttempts: 3 (retries) is retry.maxAttempts: 4 (all calls)', async () => {
    const peer = alwaysFailing(() => httpError(503));
    await expect(cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ConstantBackoff(0) }).execute(peer)).rejects.toThrow();
    const ours = alwaysFailing(() => httpError(503));
    await executeWithHealing(ours, undefined, { retry: { maxAttempts: 4, minDelayMs: 0 } });
    expect([peer.calls, ours.calls]).toEqual([4, 4]);
  });

  /** Feeds the same outcomes to a cockatiel breaker and ours; returns the call index each opened at. */
  async function openedAt(outcomes: boolean[], peerBreaker: IBreaker, config: CircuitBreakerConfig) {
    const peer = circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: peerBreaker });
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const ours = registry.get('x', { ...config, breakDurationMs: 60_000 });
    let peerOpenedAt = -1;
    let oursOpenedAt = -1;
    for (const [index, ok] of outcomes.entries()) {
      if (peer.state === CircuitState.Closed) await peer.execute(async () => { if (!ok) throw new Error('x'); }).catch(() => {});
      if (peerOpenedAt < 0 && peer.state === CircuitState.Open) peerOpenedAt = index;
      if (ours.state === 'CLOSED') {
        await executeWithHealing(async () => { if (!ok) throw httpError(503); }, undefined, { circuitName: 'x', registry, retry: { maxAttempts: 1 } });
      }
      if (oursOpenedAt < 0 && ours.state === 'OPEN') oursOpenedAt = index;
    }
    return { peer: peerOpenedAt, ours: oursOpenedAt };
  }

  it('ConsecutiveBreaker(5) is failureThreshold: 5', async () => {
    const outcomes = [false, false, true, false, false, false, false, false, true];
    expect(await openedAt(outcomes, new ConsecutiveBreaker(5), { failureThreshold: 5 })).toEqual({ peer: 7, ours: 7 });
  });

  it('CountBreaker opens above its threshold, a count policy at it: the guide says how to match them', async () => {
    // 10 calls, exactly half failed: cockatiel (failures > 0.5 * total) stays closed; ours (rate >= 50 %) opens.
    const half = [true, false, true, false, true, false, true, false, true, false, false];
    const peerBreaker = () => new CountBreaker({ threshold: 0.5, size: 10, minimumNumberOfCalls: 10 });
    expect(await openedAt(half, peerBreaker(), { policy: { type: 'count', windowSize: 10, minimumCalls: 10, failureRateThreshold: 50 } }))
      .toEqual({ peer: 10, ours: 9 });
    // A threshold a hair above 50 % opens exactly when cockatiel does.
    expect(await openedAt(half, peerBreaker(), { policy: { type: 'count', windowSize: 10, minimumCalls: 10, failureRateThreshold: 50.001 } }))
      .toEqual({ peer: 10, ours: 10 });
  });
});

describe('opossum', () => {
  it('volumeThreshold and errorThresholdPercentage map to minimumCalls and failureRateThreshold (opossum also opens above it)', async () => {
    const peer = new OpossumBreaker(async (ok: boolean) => { if (!ok) throw new Error('x'); return ok; }, {
      timeout: false, resetTimeout: 60_000, errorThresholdPercentage: 50, volumeThreshold: 4, rollingCountTimeout: 10_000,
    });
    const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const ours = registry.get('x', { policy: { type: 'time', windowMs: 10_000, minimumCalls: 4, failureRateThreshold: 50.001 }, breakDurationMs: 60_000 });
    const outcomes = [true, false, true, false, false, true, false];
    const opened: Record<string, number> = {};
    for (const [index, ok] of outcomes.entries()) {
      if (!peer.opened) await peer.fire(ok).catch(() => {});
      if (peer.opened) opened.peer ??= index;
      if (ours.state === 'CLOSED') {
        await executeWithHealing(async () => { if (!ok) throw httpError(503); }, undefined, { circuitName: 'x', registry, retry: { maxAttempts: 1 } });
      }
      if (ours.state === 'OPEN') opened.ours ??= index;
    }
    peer.shutdown();
    // After call 5 (index 4): 3 failures of 5 = 60 % > 50 %; at index 3 it was exactly 50 %.
    expect(opened).toEqual({ peer: 4, ours: 4 });
  });

  it('breaker.fallback(fn) is the fallback option', async () => {
    const peer = new OpossumBreaker(async () => { throw new Error('down'); }, { timeout: false });
    peer.fallback(() => 'stale');
    const peerValue = await peer.fire();
    peer.shutdown();
    const result = await executeWithHealing(async () => { throw httpError(503); }, undefined, { retry: { maxAttempts: 1 }, fallback: () => 'stale' });
    expect([peerValue, result.result]).toEqual(['stale', 'stale']);
  });
});

describe('docs/migration.md: p-retry settings refused on purpose', () => {
  it.each([
    ['retries: Infinity', { maxAttempts: Number.POSITIVE_INFINITY }, 'retry.maxAttempts'],
    ['maxTimeout: Infinity', { maxDelayMs: Number.POSITIVE_INFINITY }, 'retry.maxDelayMs'],
    ['a factor below 1', { factor: 0.5 }, 'retry.factor'],
  ])('%s is a HealingConfigError naming the option', (_name, retry, option) => {
    expect(configErrorOf(() => new HealingPipeline({ retry })).option).toBe(option);
  });
});
