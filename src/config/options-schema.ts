import { z } from 'zod';
import { rampConfigSchema } from '../core/traffic-ramp.js';

// The schemas of the parts each layer builds; the whole HealingOptions schema is in
// pipeline/options-schema.ts, which may check instances of circuit/ and degrade/ classes.

const isFunction = (value: unknown) => typeof value === 'function';
export const fn = (what: string) => z.custom<(...args: never[]) => unknown>(isFunction, `expected ${what}`);
export const hasMethods = (...methods: string[]) => (value: unknown) =>
  value !== null && typeof value === 'object' &&
  methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

export const delayMs = z.number().min(0).max(2 ** 31 - 1);

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
  ramp: rampConfigSchema.optional(),
});

export const adaptiveConfigSchema = z.strictObject({
  window: z.number().int().min(1).max(10_000).optional(),
  escalateAfter: z.number().int().min(1).max(1_000_000).optional(),
  escalateWindowMs: z.number().positive().max(2 ** 31 - 1).optional(),
});
