import type { CircuitBreaker } from './circuit-breaker.js';

/** How often (in lookups) an eviction pass is considered, so lookups stay O(1). */
export const SWEEP_EVERY = 1_024;

/**
 * Whether an idle sweep may evict `breaker`: unused for `idleTimeoutMs`, unforced, the parent of
 * no breaker (children hold a reference to it), with no call in flight (its outcome would land on
 * a breaker the registry no longer has), and closed or with its break over. A breaker whose break
 * ended while nobody looked it up reads `HALF_OPEN` for ever: forgetting it loses only the memory
 * of an outage nobody has asked about since, where keeping it would let per-key breakers that
 * opened once fill the registry. An open breaker within its break is kept: its dependency is down.
 */
export function isEvictable(breaker: CircuitBreaker, now: number, idleTimeoutMs: number): boolean {
  if (now - breaker.lastUsedAt < idleTimeoutMs || breaker.children > 0) return false;
  const saved = breaker.snapshotState();
  return saved.state !== 'OPEN' && saved.forced === null && !breaker.hasCallsInFlight(now);
}
