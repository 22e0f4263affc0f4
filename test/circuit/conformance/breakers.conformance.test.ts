import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CircuitBreakerRegistry, type CircuitPolicy } from '../../../src/index.js';
import { MemoryStateStore, SharedCircuitBreaker } from '../../../src/fleet/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import {
  describeBreakerConformance, type BreakerCapabilities, type ConformanceSubject, type ConformanceSubjectOptions, type MakeConformanceSubject,
} from './describe-breaker-conformance.js';

/** A native breaker on a manual clock, with `policy` (the consecutive policy when left out). */
function nativeSubject(policy: (failureThreshold: number) => CircuitPolicy | undefined): MakeConformanceSubject {
  return (options: ConformanceSubjectOptions): ConformanceSubject => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const chosen = policy(options.failureThreshold);
    const breaker = registry.get('conformance', { ...options, ...(chosen === undefined ? {} : { policy: chosen }) });
    return { breaker, advance: (ms) => clock.advance(ms) };
  };
}

const native: BreakerCapabilities = {
  exactConsecutiveCount: true, freshCountAfterClose: true, halfOpenMaxCalls: true, successThreshold: true,
  releasePermissionFreesProbe: true, exactRemainingOpenMs: true, synchronousOutcomes: true,
};

describeBreakerConformance('native, consecutive policy', nativeSubject(() => undefined), native);

// A window of exactly N calls that must all have failed is "N failures in a row".
describeBreakerConformance(
  'native, count-window policy (windowSize = minimumCalls = N, 100 %)',
  nativeSubject((n) => ({ type: 'count', windowSize: n, minimumCalls: n, failureRateThreshold: 100 })),
  native,
);

// A day-long window: every call of a case stays in it, so N failures on a fresh window trip it, but
// a success stays in the window too (the rate can no longer reach 100 %): not exactly consecutive.
describeBreakerConformance(
  'native, time-window policy (24 h window, minimumCalls = N, 100 %)',
  nativeSubject((n) => ({ type: 'time', windowMs: 24 * 3_600_000, buckets: 24, minimumCalls: n, failureRateThreshold: 100 })),
  { ...native, exactConsecutiveCount: false },
);

/**
 * A fleet breaker (self-healing's SharedCircuitBreaker) on the in-memory store, as one process of a
 * fleet: outcomes reach the store in a batch (at once when they may trip it), so they take effect
 * once the store has answered; windows restart with each generation, so closing forgets failures.
 */
describeBreakerConformance('shared breaker on the memory store', async (options) => {
  const clock = new ManualClock();
  const breaker = new SharedCircuitBreaker('conformance', {
    store: new MemoryStateStore({ clock }), clock, instanceId: 'solo',
    failureThreshold: options.failureThreshold, breakDurationMs: options.breakDurationMs, windowMs: 24 * 3_600_000,
  });
  await breaker.ready();
  return { breaker, advance: (ms) => clock.advance(ms), dispose: () => breaker.close() };
}, { freshCountAfterClose: true, releasePermissionFreesProbe: true, exactRemainingOpenMs: true });

/**
 * What the opossum adapter supports, unless its helper module exports `opossumCapabilities`.
 * opossum opens on a failure rate strictly above a percentage over a rolling time window, keeps
 * that window across `close()`, admits a single half-open probe, and has no neutral outcome
 * (`releasePermission` settles the call as a success), so only the core cases apply; its state
 * and `remainingOpenMs` follow each outcome at once, on fake timers.
 */
const OPOSSUM_CAPABILITIES: Partial<BreakerCapabilities> = { exactRemainingOpenMs: true, synchronousOutcomes: true };

/**
 * The opossum adapter's subject, from whichever helper module under test/opossum/ exports
 * `makeOpossumSubject` (and optionally `opossumCapabilities`). The suite runs for it only once
 * such a module exists.
 */
async function findOpossumSubject(): Promise<{ make: MakeConformanceSubject; capabilities: Partial<BreakerCapabilities> } | undefined> {
  const dir = fileURLToPath(new URL('../../opossum/', import.meta.url));
  if (!existsSync(dir)) return undefined;
  const candidates = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.[cm]?ts$/.test(file) && !/\.(test|spec)\.[cm]?ts$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => join(dir, file))
    .filter((file) => /\bmakeOpossumSubject\b/.test(readFileSync(file, 'utf8')))
    .sort();
  for (const file of candidates) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    if (typeof module.makeOpossumSubject === 'function') {
      const capabilities = (module.opossumCapabilities ?? OPOSSUM_CAPABILITIES) as Partial<BreakerCapabilities>;
      return { make: module.makeOpossumSubject as MakeConformanceSubject, capabilities };
    }
  }
  return undefined;
}

const opossum = await findOpossumSubject();
if (opossum !== undefined) describeBreakerConformance('opossum adapter', opossum.make, opossum.capabilities);
