/**
 * The check that keeps each options interface and its zod schema the same (src/config/same-type.ts):
 * every kind of drift between a type and a schema must fail to compile. tsc checks this file
 * (npx tsc --noEmit); each `@ts-expect-error` fails the build if its check stops catching the drift.
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { Assert, Same } from '../../src/config/same-type.js';

const schema = z.strictObject({
  maxAttempts: z.number().optional(),
  jitter: z.union([z.enum(['full', 'none']), z.boolean()]).optional(),
  window: z.strictObject({ ms: z.number(), buckets: z.number().optional() }).optional(),
  onRetry: z.custom<(attempt: number) => void>((value) => typeof value === 'function').optional(),
});
type Input = z.input<typeof schema>;

interface Written {
  maxAttempts?: number;
  jitter?: 'full' | 'none' | boolean;
  window?: { ms: number; buckets?: number };
  onRetry?: (attempt: number) => void;
}

type _Matches = Assert<Same<Written, Input>>;
// @ts-expect-error an option the schema does not know
type _ExtraInType = Assert<Same<Written & { factor?: number }, Input>>;
// @ts-expect-error an option the type does not document
type _ExtraInSchema = Assert<Same<Omit<Written, 'maxAttempts'>, Input>>;
// @ts-expect-error optional in one, required in the other
type _Required = Assert<Same<Omit<Written, 'maxAttempts'> & { maxAttempts: number }, Input>>;
// @ts-expect-error another value type
type _OtherType = Assert<Same<Omit<Written, 'maxAttempts'> & { maxAttempts?: string }, Input>>;
// @ts-expect-error a union member the schema refuses
type _NarrowerUnion = Assert<Same<Omit<Written, 'jitter'> & { jitter?: 'full' | 'none' | 'equal' | boolean }, Input>>;
// @ts-expect-error an optional field missing in a nested object (assignability alone misses it)
type _Nested = Assert<Same<Omit<Written, 'window'> & { window?: { ms: number } }, Input>>;
// @ts-expect-error a callback whose signature the schema does not state
type _Callback = Assert<Same<Written, Omit<Input, 'onRetry'> & { onRetry?: (...args: never[]) => unknown }>>;

// Arrays, `any` and unions of objects are compared inside too.
type Listed = { items?: ReadonlyArray<{ name: string; priority?: number }> };
type ListedSchema = { items?: ReadonlyArray<{ name: string }> };
type _SameList = Assert<Same<Listed, Listed>>;
// @ts-expect-error an optional field added to the elements of an array
type _ArrayElement = Assert<Same<Listed, ListedSchema>>;
// @ts-expect-error `any` matches only `any`
type _Any = Assert<Same<{ name?: any }, { name?: string }>>;
// @ts-expect-error an optional field added to one object member of a union
type _UnionMember = Assert<Same<{ redact?: false | { keys?: string[]; paths?: string[] } }, { redact?: false | { keys?: string[] } }>>;

it('is a compile-time check only (tsc runs it)', () => {
  expect(schema.safeParse({ maxAttempts: 3, window: { ms: 10 } }).success).toBe(true);
});
