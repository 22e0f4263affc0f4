import { z } from 'zod';
import type { Assert, Same } from '../config/same-type.js';
import type { RedactionOptions } from './redaction.js';

const redactionOptionsSchema = z.strictObject({
  keys: z.array(z.union([z.string().min(1), z.instanceof(RegExp)], { error: 'expected a key name or a RegExp' })).readonly().optional(),
  paths: z.array(z.string()).readonly().optional(),
  patterns: z.array(z.instanceof(RegExp, { message: 'expected RegExp patterns' })).readonly().optional(),
});

type _Check = Assert<Same<RedactionOptions, z.input<typeof redactionOptionsSchema>>>;

/** The `redact` option: `false` (off) or {@link RedactionOptions}. */
export const redactOption = z.union([z.literal(false), redactionOptionsSchema], { error: 'expected false or { keys?, paths?, patterns? }' });
