import { Bulkhead } from './bulkhead.js';
import type { BulkheadConfig } from './bulkhead-options.js';

/**
 * One bulkhead per config object, so a pipeline and its overrides share it. Configs given per
 * call arrive here as the one object kept for their name (`pipeline/inline-state.ts`).
 */
const bulkheads = new WeakMap<object, Bulkhead>();

/** The bulkhead an execution enters: the shared instance given, or the one built for a config. */
export function resolveBulkhead(option: BulkheadConfig | Bulkhead | undefined): Bulkhead | undefined {
  if (option === undefined || option instanceof Bulkhead) return option;
  let bulkhead = bulkheads.get(option);
  if (bulkhead === undefined) bulkheads.set(option, (bulkhead = new Bulkhead(option)));
  return bulkhead;
}
