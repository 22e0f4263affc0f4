import { OptionsTemplate } from '../config/shape-key.js';
import { holdsAccessors } from '../config/shape-node.js';
import { setWithin } from '../core/bounded-map.js';
import { lastGoodIndexes } from './inline-state.js';
import type { HealingOptions } from './options.js';
import type { ExecutionPlan } from './plan.js';

/** The keys whose new values a plan can take without being built again: bits 0 and 1 of `OptionsTemplate.match`. */
const REBINDABLE = ['fallback', 'signal'] as const;
/**
 * What a call's options bring their own of, over the plan they share with options of their shape.
 * A `const enum`, so that the build writes the numbers into the hot path: a bundler turns a
 * module's top-level `const` into a `var`, which V8 loads from the module's context at each use.
 */
export const enum Rebind {
  /** This call's own `fallback` (a new arrow function written in the call) replaces the plan's. */
  FALLBACK = 1 << 0,
  /** This call's own `signal` replaces the plan's. */
  SIGNAL = 1 << 1,
  /** Any other new value of the same shape (a reflector written inline): the plan is built again. */
  ANY_OTHER = 1 << 30,
}

/** How many circuits' options shapes a pipeline keeps, and how many shapes per circuit. */
const MAX_CIRCUITS = 128;
const SHAPES_PER_CIRCUIT = 4;

interface Remembered {
  readonly template: OptionsTemplate;
  readonly plan: ExecutionPlan;
}

/**
 * The plans of a pipeline's recent per-call options, found again for options written inline
 * (a new object each call, of one shape per call site). Each is kept with a template of the
 * options (a snapshot: a later change to the caller's object cannot pass for what was accepted).
 * A match means the schema would accept them too, so zod is not run again:
 * - the very same values: the plan itself, and {@link rebind} is 0;
 * - only a new function in `fallback` or a new `signal`: the plan itself, with {@link rebind}
 *   saying which of the two the execution takes from the call (the plan is shared, never copied);
 * - other new functions (a reflector, an `accept` guard written inline): `'accepted'`, so the
 *   plan is built again, from the schema's copy (a plan is never built from a second read of the
 *   caller's object).
 *
 * `executeWithHealing` calls all over an application share one default pipeline, each with its
 * own literal, so the templates are kept by `circuitName` (up to 4 shapes for each of 128
 * circuits, the least recently added circuit forgotten first): each call site finds its own in
 * one lookup, however many there are, and a loop over one call site matches the last one found
 * first. (A ring of a few templates made the fifth call site in turn pay zod every call, 10x.)
 */
export class RecentPlans {
  private readonly byCircuit = new Map<unknown, Remembered[]>();
  private last: Remembered | undefined;
  /** After a `find` that returned a plan: the {@link Rebind} bits of what the call brings its own of. */
  rebind = 0;

  find(options: HealingOptions): ExecutionPlan | 'accepted' | undefined {
    let found = this.last;
    let differ = -1;
    try {
      if (found !== undefined) differ = found.template.match(options);
      if (differ === -1) {
        const shapes = this.byCircuit.get(options.circuitName);
        if (shapes === undefined) return undefined;
        for (let index = shapes.length - 1; index >= 0 && differ === -1; index--) {
          found = shapes[index]!;
          differ = found.template.match(options);
        }
      }
    } catch {
      return undefined; // a getter threw or a Proxy refused: the schema reports it
    }
    if (differ === -1) return undefined;
    this.last = found;
    if ((differ & Rebind.ANY_OTHER) !== 0) return 'accepted';
    if ((differ & Rebind.FALLBACK) !== 0 && holdsLastGood(options.fallback)) return 'accepted';
    this.rebind = differ;
    return found!.plan;
  }

  /**
   * Keeps `plan` for options of the shape of `options`, whose schema's copy is `accepted`, and says
   * whether it did. Only plain data is kept: options holding a getter, or read otherwise by the
   * snapshot than by the schema (a Proxy), or not a plain object, are validated on every call.
   */
  remember(options: HealingOptions, accepted: HealingOptions, plan: ExecutionPlan): boolean {
    try {
      if (holdsAccessors(options)) return false;
      const template = OptionsTemplate.of(options, REBINDABLE);
      if (template === undefined || !template.standsFor(accepted)) return false;
      const circuit = accepted.circuitName;
      const shapes = this.byCircuit.get(circuit) ?? setWithin(this.byCircuit, circuit, [], MAX_CIRCUITS);
      if (shapes.length >= SHAPES_PER_CIRCUIT) shapes.shift();
      this.last = { template, plan };
      shapes.push(this.last);
      return true;
    } catch {
      return false; // unreadable: nothing remembered, the schema is asked next time
    }
  }
}

/** A lastGood cache belongs to its entry (kept by name), so such fallbacks go through the whole build. */
function holdsLastGood(fallback: HealingOptions['fallback']): boolean {
  return fallback !== undefined && typeof fallback !== 'function' && lastGoodIndexes(fallback).length > 0;
}
