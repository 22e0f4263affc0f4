import { z } from 'zod';

// The zod pieces every options schema is built from. Each strategy's schema lives in its own
// folder (retry/retry-options.ts, bulkhead/bulkhead-options.ts, ...); the pipeline composes them
// into the schema of HealingOptions (pipeline/options-schema.ts).

/** The longest wait a timer accepts, in ms. */
export const MAX_MS = 2 ** 31 - 1;

const isFunction = (value: unknown) => typeof value === 'function';

/**
 * A function option. zod can only check that it is a function; `F` is the signature the option
 * declares (with `unknown` for the user's args and result), so the schema's type is the option's.
 */
export const fn = <F extends (...args: never[]) => unknown = (...args: never[]) => unknown>(what: string) =>
  z.custom<F>(isFunction, `expected ${what}`);

export const hasMethods = (...methods: string[]) => (value: unknown): boolean => {
  try {
    return value !== null && typeof value === 'object' && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
  } catch {
    return false; // a Proxy's trap or a getter that throws: not the object asked for
  }
};

/** Any object: for an option whose fields are checked where it is built, so an error names the field. */
export const isObject = (value: unknown) => value !== null && typeof value === 'object';

/** A delay in ms: 0 allowed. */
export const delayMs = z.number().min(0).max(MAX_MS);

/** A duration in ms that must be positive. */
export const positiveMs = z.number().positive().max(MAX_MS);
