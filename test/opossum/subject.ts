// A breaker subject for a shared conformance suite: an opossum breaker, through the adapter,
// configured to follow the native consecutive-failures policy as closely as opossum can.
import CircuitBreaker from 'opossum';
import { vi } from 'vitest';
import type { CircuitBreakerLike } from '../../src/index.js';
import { createOpossumBreaker, fromOpossum, type OpossumBreakerAdapter } from '../../src/opossum/index.js';

export interface BreakerSubjectConfig {
  /** Native meaning: this many counted failures in a row open the breaker. */
  failureThreshold: number;
  /** Native meaning: ms the breaker stays open before it admits a probe. */
  breakDurationMs: number;
}

export interface BreakerSubject {
  breaker: CircuitBreakerLike;
  /** Moves time (and every timer due) forward by `ms`, then lets promise chains settle. */
  advance(ms: number): Promise<void>;
}

export interface OpossumSubject extends BreakerSubject {
  breaker: OpossumBreakerAdapter<CircuitBreaker>;
  /** The opossum breaker behind the adapter. */
  opossum: CircuitBreaker;
  /** Shuts the opossum breaker down (its timers) and restores real timers if this subject faked them. */
  dispose(): void;
}

let subjects = 0;

/**
 * What the opossum subject supports, in the terms of the shared conformance suite's capability
 * flags (test/circuit/conformance/): the core state machine, a `remainingOpenMs` exact to the
 * millisecond (from opossum's 'open' event and `resetTimeout`), and outcomes that take effect
 * before `recordSuccess` / `recordFailure` return. Not: an exact consecutive count (opossum opens
 * on a rate), forgetting failures on `reset()` (opossum's `close()` keeps its window), several
 * half-open probes, a success threshold, or a neutral `releasePermission()` (it is a success).
 */
export const opossumCapabilities = {
  exactConsecutiveCount: false,
  freshCountAfterClose: false,
  halfOpenMaxCalls: false,
  successThreshold: false,
  releasePermissionFreesProbe: false,
  exactRemainingOpenMs: true,
  synchronousOutcomes: true,
} as const;

/**
 * The opossum options that come closest to the native policy:
 *
 * - `volumeThreshold: failureThreshold`: fewer calls than that never open it;
 * - `errorThresholdPercentage: 100 * (failureThreshold - 1) / failureThreshold`: opossum opens when
 *   the rate is strictly above it, so `failureThreshold` failures in a row open it (100%), and so do
 *   they after one success (n/(n+1)), while `failureThreshold - 1` failures after a success do not;
 * - `rollingCountTimeout: breakDurationMs`: the window has forgotten the failures that opened the
 *   breaker by the time it half-opens, as the native count is cleared by opening;
 * - `timeout: false`: the pipeline's `timeoutMs` times calls, not opossum.
 */
export function opossumOptionsFor({ failureThreshold, breakDurationMs }: BreakerSubjectConfig) {
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) throw new RangeError('failureThreshold must be an integer >= 1');
  if (!Number.isInteger(breakDurationMs) || breakDurationMs < 1) throw new RangeError('breakDurationMs must be an integer >= 1');
  return {
    volumeThreshold: failureThreshold,
    errorThresholdPercentage: (100 * (failureThreshold - 1)) / failureThreshold,
    resetTimeout: breakDurationMs,
    rollingCountTimeout: breakDurationMs,
    rollingCountBuckets: Math.min(10, breakDurationMs),
    timeout: false as const,
    enableSnapshots: false,
  };
}

/**
 * An opossum-backed `CircuitBreakerLike` for the shared breaker conformance suite. opossum runs on
 * the global timers, so this uses vitest's fake timers: it turns them on if they are off (call
 * `dispose()`, or `vi.useRealTimers()` in `afterEach`), and `advance` is
 * `vi.advanceTimersByTimeAsync`.
 */
export function makeOpossumSubject(config: BreakerSubjectConfig): OpossumSubject {
  const fakedHere = !vi.isFakeTimers();
  if (fakedHere) vi.useFakeTimers();
  const opossum = createOpossumBreaker(CircuitBreaker, { name: `opossum-subject-${++subjects}`, ...opossumOptionsFor(config) });
  return {
    breaker: fromOpossum(opossum),
    opossum,
    async advance(ms) {
      await vi.advanceTimersByTimeAsync(ms);
    },
    dispose() {
      opossum.shutdown();
      if (fakedHere) vi.useRealTimers();
    },
  };
}
