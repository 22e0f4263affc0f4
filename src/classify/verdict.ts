import type { Classification, Disposition } from './classification.js';
import { defaultSeverity } from './severity.js';

/**
 * A built-in rule's verdict, with its category's built-in severity written into the one object
 * it allocates: a field added afterwards would cost V8 a new backing store per classification.
 */
export function verdict(disposition: Disposition, category: string, reason: string): Classification {
  return { disposition, category, reason, severity: defaultSeverity(category) };
}
