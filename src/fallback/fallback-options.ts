import { z } from 'zod';
import { fn, positiveMs } from '../config/schema-helpers.js';
import type { Assert, Same } from '../config/same-type.js';
import type { FallbackContext } from '../pipeline/options.js';
import type { Fallback, FallbackProvider, LastGoodFallback, StaticFallback } from './fallback-kinds.js';

// The schema of the `fallback` option, one branch per kind of fallback-kinds.ts. The kinds are
// generic in the args and the result; each is checked with both `unknown`, what the schema can know.

const named = { name: z.string().min(1).optional(), cost: z.number().min(0).optional() };

const functionFallback = fn<(args: unknown, ctx: FallbackContext) => unknown>('a function');
const providerFallback = z.strictObject({ ...named, run: fn<(args: unknown, error: Error, ctx: FallbackContext) => unknown>('a function run(args, error, ctx)') });
const staticFallback = z.strictObject({ ...named, value: z.unknown() });
const lastGoodFallback = z.strictObject({
  ...named,
  lastGood: z.strictObject({
    ttlMs: positiveMs,
    maxEntries: z.number().int().min(1).max(10_000_000).optional(),
    key: fn<(args: unknown) => string>('a function key(args) returning a string').optional(),
  }),
});

type _Provider = Assert<Same<FallbackProvider<unknown, unknown>, z.input<typeof providerFallback>>>;
type _Static = Assert<Same<StaticFallback<unknown>, z.input<typeof staticFallback>>>;
type _LastGood = Assert<Same<LastGoodFallback<unknown>, z.input<typeof lastGoodFallback>>>;

const fallbackEntry = z.union([functionFallback, providerFallback, staticFallback, lastGoodFallback],
  { error: 'expected a function, { run }, { value } or { lastGood: { ttlMs } } (each may have a name and a cost)' });

type _Entry = Assert<Same<{ entry: Fallback<unknown, unknown> }, { entry: z.input<typeof fallbackEntry> }>>;

/** The `fallback` option: one fallback or a list of them. */
export const fallbackOption = z.union([fallbackEntry, z.array(fallbackEntry).readonly()], {
  error: 'expected a fallback (a function, { run }, { value } or { lastGood: { ttlMs } }) or an array of them',
});
