import { z } from 'zod';
import type { HealingOptions } from '../pipeline/options.js';
import { CircuitBreakerRegistry } from '../circuit/registry.js';

const isFunction = (value: unknown) => typeof value === 'function';
const fn = (what: string) => z.custom<(...args: never[]) => unknown>(isFunction, `expected ${what}`);
const hasMethods = (...methods: string[]) => (value: unknown) =>
  value !== null && typeof value === 'object' &&
  methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

const delayMs = z.number().min(0).max(2 ** 31 - 1);

export const retryOptionsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(1_000).optional(),
  minDelayMs: delayMs.optional(),
  maxDelayMs: delayMs.optional(),
  factor: z.number().min(1).max(100).optional(),
  jitter: z.union([z.enum(['full', 'equal', 'none']), z.boolean()]).optional(),
  maxElapsedMs: z.number().positive().max(2 ** 31 - 1).optional(),
  maxRetryAfterMs: delayMs.optional(),
});

export const healingOptionsSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  circuitName: z.string().min(1).optional(),
  fallback: z.union([fn('a function or an array of functions'), z.array(fn('a function'))]).optional(),
  retry: retryOptionsSchema.optional(),
  timeoutMs: z.number().positive().max(2 ** 31 - 1).optional(),
  reflector: fn('a function').optional(),
  argsSchema: z.custom(hasMethods('safeParse'), 'expected a zod schema (an object with safeParse)').optional(),
  maxReflections: z.number().int().min(0).max(100).optional(),
  mutablePaths: z.array(z.string().max(1_000)).max(1_000).optional(),
  accept: fn('a function (original, proposed) => boolean').optional(),
  reflectionTimeoutMs: z.number().positive().max(2 ** 31 - 1).optional(),
  reflectionBudget: fn('a function (spent) => boolean').optional(),
  idempotent: z.boolean().optional(),
  reflectNonIdempotent: z.boolean().optional(),
  redact: z.union([
    z.literal(false),
    z.strictObject({
      keys: z.array(z.union([z.string().min(1), z.instanceof(RegExp)], { error: 'expected a key name or a RegExp' })).optional(),
      paths: z.array(z.string()).optional(),
      patterns: z.array(z.instanceof(RegExp, { message: 'expected RegExp patterns' })).optional(),
    }),
  ], { error: 'expected false or { keys?, paths?, patterns? }' }).optional(),
  classifier: z.custom(hasMethods('classify'), 'expected a classifier (an object with classify(error))').optional(),
  registry: z.custom((value) => value instanceof CircuitBreakerRegistry, 'expected a CircuitBreakerRegistry').optional(),
  signal: z.custom((value) => value instanceof AbortSignal, 'expected an AbortSignal').optional(),
  logger: z.custom(hasMethods('info', 'warn', 'error'), 'expected a logger with info, warn and error methods (e.g. pino)').optional(),
  clock: z.custom(hasMethods('now', 'setTimeout', 'clearTimeout'), 'expected a Clock with now(), setTimeout() and clearTimeout()').optional(),
}) as unknown as z.ZodType<HealingOptions>;
