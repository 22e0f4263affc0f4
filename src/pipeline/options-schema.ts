import { z } from 'zod';
import { CircuitBreakerRegistry } from '../circuit/registry.js';
import { delayMs, fn, hasMethods, retryOptionsSchema } from '../config/options-schema.js';
import { DegradableFeature } from '../degrade/degradable-feature.js';
import type { HealingOptions } from './options.js';

// The schema of HealingOptions as a whole. It lives with the pipeline, not in config/, because it
// checks instances of CircuitBreakerRegistry and DegradableFeature, which import config/ themselves.

const rollbackSchema = z.strictObject({
  snapshot: fn('a function snapshot(args)'),
  restore: fn('a function restore(snapshot, error)'),
  betweenAttempts: z.boolean().optional(),
});

const named = { name: z.string().min(1).optional(), cost: z.number().min(0).optional() };
const fallbackEntry = z.union([
  fn('a function'),
  z.strictObject({ ...named, run: fn('a function run(args, error, ctx)') }),
  z.strictObject({ ...named, value: z.unknown() }),
  z.strictObject({
    ...named,
    lastGood: z.strictObject({
      ttlMs: z.number().positive().max(2 ** 31 - 1),
      maxEntries: z.number().int().min(1).max(10_000_000).optional(),
      key: fn('a function key(args) returning a string').optional(),
    }),
  }),
], { error: 'expected a function, { run }, { value } or { lastGood: { ttlMs } } (each may have a name and a cost)' });

export const healingOptionsSchema = z.strictObject({
  strategies: z.array(z.object({
    name: z.string({ error: 'expected a name (a string)' }).min(1),
    placement: z.enum(['execution', 'attempt']).optional(),
    execute: fn('a function execute(ctx, next) returning an outcome'),
  }), { error: 'expected an array of strategies { name, placement?, execute(ctx, next) }' }).optional(),
  safety: z.custom(hasMethods('check', 'noteActed'), 'expected a SafetyPolicy (new SafetyPolicy({ maxRisk }))').optional(),
  name: z.string().min(1).max(200).optional(),
  circuitName: z.string().min(1).optional(),
  fallback: z.union([fallbackEntry, z.array(fallbackEntry)], {
    error: 'expected a fallback (a function, { run }, { value } or { lastGood: { ttlMs } }) or an array of them',
  }).optional(),
  retry: retryOptionsSchema.optional(),
  timeoutMs: z.union([z.number().positive().max(2 ** 31 - 1), fn('a number of ms or a function of the attempt')], { error: 'expected a positive number of ms or a function of the attempt' }).optional(),
  timeoutGraceMs: delayMs.optional(),
  deadlineMs: z.number().positive().max(2 ** 31 - 1).optional(),
  rollback: rollbackSchema.optional(),
  compensate: fn('a function compensate(error, args)').optional(),
  // Only the shape here: a config's fields are checked where the bulkhead is built (resolveBulkhead),
  // so an error names the field (`bulkhead.maxConcurrent`), which a union's error cannot.
  bulkhead: z.custom((value) => value !== null && typeof value === 'object',
    'expected { maxConcurrent, maxQueue, queueTimeoutMs } or a Bulkhead').optional(),
  hedge: z.strictObject({
    delayMs: z.number().positive().max(2 ** 31 - 1),
    with: z.enum(['attempt', 'fallback']).optional(),
  }).optional(),
  adaptive: z.union([z.boolean(), z.custom(hasMethods('shouldSkip', 'learn', 'retryLimit', 'recordFailure'))], {
    error: 'expected true, false or an AdaptiveHealing',
  }).optional(),
  feature: z.custom((value) => value instanceof DegradableFeature, 'expected a feature from GracefulDegradation.define(name, config)').optional(),
  // As bulkhead: the fields of a config are checked in resolveRetryBudget.
  retryBudget: z.custom((value) => value !== null && typeof value === 'object',
    'expected { ratio, minRetries, windowMs, scope } or a RetryBudget (tryWithdraw() and deposit())').optional(),
  reflector: fn('a function').optional(),
  argsSchema: z.custom(hasMethods('safeParse'), 'expected a zod schema (an object with safeParse)').optional(),
  maxReflections: z.number().int().min(0).max(100).optional(),
  mutablePaths: z.array(z.string().max(1_000)).max(1_000).optional(),
  accept: fn('a function (original, proposed) => boolean').optional(),
  reflectionTimeoutMs: z.number().positive().max(2 ** 31 - 1).optional(),
  reflectionBudget: fn('a function (spent) => boolean or a promise of one').optional(),
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
