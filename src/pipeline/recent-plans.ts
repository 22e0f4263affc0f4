import { OptionsTemplate } from '../config/shape-key.js';
import { lastGoodIndexes } from './inline-state.js';
import type { HealingOptions } from './options.js';
import type { ExecutionPlan } from './plan.js';

/** The keys whose new values a plan can take without being built again: bits 0 and 1 of `OptionsTemplate.match`. */
const REBINDABLE = ['fallback', 'signal'] as const;
/** This call's own `fallback` (a new arrow function written in the call) replaces the plan's. */
export const REBIND_FALLBACK = 1 << 0;
/** This call's own `signal` replaces the plan's. */
export const REBIND_SIGNAL = 1 << 1;
const ANY_OTHER = 1 << 30;

/**
 * The plans of a pipeline's last few per-call options, found again for options written inline
 * in every call (a new object each time, of one shape). Each is kept with a template of the
 * options (a snapshot: a later change to the caller's object cannot pass for what was accepted).
 * A match means the schema would accept them too, so zod is not run again:
 * - the very same values: the plan itself, and {@link rebind} is 0;
 * - only a new function in `fallback` or a new `signal`: the plan itself, with {@link rebind}
 *   saying which of the two the execution takes from the call (the plan is shared, never copied);
 * - other new functions (a reflector, an `accept` guard written inline): `'accepted'`, so the
 *   plan is built again, without zod.
 */
export class RecentPlans {
  private readonly templates: OptionsTemplate[] = [];
  private readonly plans: ExecutionPlan[] = [];
  private next = 0;
  /** After a `find` that returned a plan: the `REBIND_*` bits of what the call brings its own of. */
  rebind = 0;

  constructor(private readonly size = 4) {}

  find(options: HealingOptions): ExecutionPlan | 'accepted' | undefined {
    let differ = -1;
    let index = 0;
    try {
      for (; index < this.templates.length; index++) {
        differ = this.templates[index]!.match(options);
        if (differ !== -1) break;
      }
    } catch {
      return undefined; // a getter threw or a Proxy refused: the schema reports it
    }
    if (differ === -1) return undefined;
    if ((differ & ANY_OTHER) !== 0) return 'accepted';
    if ((differ & REBIND_FALLBACK) !== 0 && holdsLastGood(options.fallback)) return 'accepted';
    this.rebind = differ;
    return this.plans[index]!;
  }

  remember(options: HealingOptions, plan: ExecutionPlan): void {
    try {
      const template = OptionsTemplate.of(options, REBINDABLE);
      if (template === undefined) return;
      this.templates[this.next] = template;
      this.plans[this.next] = plan;
      this.next = (this.next + 1) % this.size;
    } catch {
      // unreadable: nothing remembered, the schema is asked next time
    }
  }
}

/** A lastGood cache belongs to its entry (kept by name), so such fallbacks go through the whole build. */
function holdsLastGood(fallback: HealingOptions['fallback']): boolean {
  return fallback !== undefined && typeof fallback !== 'function' && lastGoodIndexes(fallback).length > 0;
}
