import type { Classification } from '../classify/classification.js';

/**
 * Whether a failed attempt counts against a breaker: the breaker's `shouldTrip` predicate if it has
 * one, else whether the failure was classified `transient`. A predicate that throws falls back to
 * the default, so a bug in it can neither break the call nor wedge the breaker.
 */
export function countsAsTrip(
  custom: ((error: unknown, classification: Classification) => boolean) | undefined, error: unknown, classification: Classification,
): boolean {
  if (custom === undefined) return classification.disposition === 'transient';
  try {
    return custom(error, classification) === true;
  } catch {
    return classification.disposition === 'transient';
  }
}
