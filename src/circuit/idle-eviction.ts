import type { CircuitBreaker } from './circuit-breaker.js';

/** How often (in lookups) an eviction pass is considered, so lookups stay O(1). */
export const SWEEP_EVERY = 1_024;

/**
 * Whether an idle sweep may evict `breaker`: unused for `idleTimeoutMs`, closed, unforced, and
 * the parent of no breaker (children hold a reference to it).
 */
export function isEvictable(breaker: CircuitBreaker, now: number, idleTimeoutMs: number): boolean {
  if (now - breaker.lastUsedAt < idleTimeoutMs || breaker.children > 0) return false;
  const saved = breaker.snapshotState();
  return saved.state === 'CLOSED' && saved.forced === null;
}
