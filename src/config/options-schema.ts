import { z } from 'zod';
import type { HealingOptions } from '../pipeline/options.js';
import { CircuitBreakerRegistry } from '../circuit/registry.js';
import { DegradableFeature } from '../degrade/degradable-feature.js';

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

export const retryBudgetConfigSchema = z.strictObject({
  ratio: z.number().min(0, 'expected a ratio >= 0 (0.1 lets retries add at most 10 % to the calls)').max(1_000).optional(),
  minRetries: z.number().int().min(0).max(1_000_000).optional(),
  windowMs: z.number().positive().max(2 ** 31 - 1).optional(),
  scope: z.enum(['pipeline', 'circuit']).optional(),
});

export const bulkheadConfigSchema = z.strictObject({
  maxConcurrent: z.number().int().min(1).max(1_000_000),
  maxQueue: z.number().int().min(0).max(10_000_000).optional(),
  queueTimeoutMs: z.number().positive().max(2 ** 31 - 1).optional(),
});

export const featureConfigSchema = z.strictObject({
  fallback: z.unknown(),
  failureThreshold: z.number().int().min(1).max(1_000_000).optional(),
  healthCheck: fn('a function healthCheck(signal)'),
  checkIntervalMs: z.number().positive().max(2 ** 31 - 1).optional(),
  checkTimeoutMs: z.number().positive().max(2 ** 31 - 1).optional(),
});

export const adaptiveConfigSchema = z.strictObject({
  window: z.number().int().min(1).max(10_000).optional(),
  escalateAfter: z.number().int().min(1).max(1_000_000).optional(),
  escalateWindowMs: z.number().positive().max(2 ** 31 - 1).optional(),
});

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
