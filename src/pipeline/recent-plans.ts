import { compareShape, copyPlain } from '../config/shape-key.js';
import { resolveFallbacks } from '../fallback/fallback-kinds.js';
import type { HealingOptions } from './options.js';
import type { ExecutionPlan } from './plan.js';

/** The keys whose new values a plan can take without being built again: bits 0 and 1 of `compareShape`. */
const REBINDABLE = ['fallback', 'signal'] as const;
const FALLBACK = 1 << 0;
const SIGNAL = 1 << 1;
const ANY_OTHER = 1 << 30;

/**
 * The plans of a pipeline's last few per-call options, found again for options written inline
 * in every call (a new object each time, of one shape). Each is kept with a copy of the options'
 * plain parts, so a later change to the caller's object cannot pass for what was accepted. A
 * match means the schema would accept them too (see `sameShape`), so zod is not run again:
 * - the very same values: the plan itself;
 * - only new functions in `fallback` (an arrow function written in the call) or a new `signal`:
 *   a copy of the plan with those two taken from the call;
 * - other new functions (a reflector, an `accept` guard written inline): `'accepted'`, so the
 *   plan is built again, without zod.
 */
export class RecentPlans {
  private readonly copies: unknown[] = [];
  private readonly plans: ExecutionPlan[] = [];
  private next = 0;

  constructor(private readonly size = 4) {}

  find(options: HealingOptions): ExecutionPlan | 'accepted' | undefined {
    let differ = -1;
    let index = 0;
    try {
      for (; index < this.copies.length; index++) {
        differ = compareShape(this.copies[index] as object, options, REBINDABLE);
        if (differ !== -1) break;
      }
    } catch {
      return undefined; // a getter threw or a Proxy refused: the schema reports it
    }
    if (differ === -1) return undefined;
    const plan = this.plans[index]!;
    if (differ === 0) return plan;
    if ((differ & ANY_OTHER) !== 0) return 'accepted';
    if ((differ & FALLBACK) !== 0 && holdsLastGood(options.fallback)) return 'accepted';
    return {
      ...plan,
      fallbacks: (differ & FALLBACK) !== 0 ? resolveFallbacks(options.fallback, plan.clock) : plan.fallbacks,
      signal: (differ & SIGNAL) !== 0 ? options.signal : plan.signal,
    };
  }

  remember(options: HealingOptions, plan: ExecutionPlan): void {
    try {
      this.copies[this.next] = copyPlain(options);
      this.plans[this.next] = plan;
      this.next = (this.next + 1) % this.size;
    } catch {
      // unreadable: nothing remembered, the schema is asked next time
    }
  }
}

/** A lastGood cache belongs to its entry (kept by name), so such fallbacks go through the whole build. */
function holdsLastGood(fallback: HealingOptions['fallback']): boolean {
  if (fallback === undefined || typeof fallback === 'function') return false;
  const list: readonly unknown[] = Array.isArray(fallback) ? fallback : [fallback];
  return list.some((entry) => entry !== null && typeof entry === 'object' && 'lastGood' in entry);
}
