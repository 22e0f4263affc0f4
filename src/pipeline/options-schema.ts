import { z } from 'zod';
import { adaptiveOption } from '../adaptive/adaptive-options.js';
import { retryBudgetOption } from '../budget/retry-budget-options.js';
import { bulkheadOption } from '../bulkhead/bulkhead-options.js';
import { circuitNameOption, registryOption } from '../circuit/circuit-options.js';
import type { Classifier } from '../classify/classification.js';
import { clockSchema, type Clock } from '../clock.js';
import type { Assert, Same } from '../config/same-type.js';
import { fn, hasMethods } from '../config/schema-helpers.js';
import { featureOption } from '../degrade/feature-options.js';
import { fallbackOption } from '../fallback/fallback-options.js';
import { hedgeOptionsSchema } from '../hedge/hedge-options.js';
import type { HealingLogger } from '../observe/logger.js';
import { redactOption } from '../observe/redaction-options.js';
import { compensateOption, rollbackOptionsSchema } from '../recover/rollback-options.js';
import { reflectFields } from '../reflect/reflect-options.js';
import { retryOptionsSchema } from '../retry/retry-options.js';
import { timeoutFields } from '../timeout/timeout-options.js';
import type { HealingOptions } from './options.js';
import type { HealingStrategy } from './strategy.js';
import type { SafetyPolicy } from '../safety/safety-policy.js';

// The schema of HealingOptions, composed from the schemas each strategy owns in its folder, in
// the order of HealingOptions (which is also the order validation reports problems in).

/** How many strategies one pipeline may hold. */
const MAX_STRATEGIES = 100;

const strategySchema = z.object({
  name: z.string({ error: 'expected a name (a string)' }).min(1),
  placement: z.enum(['execution', 'attempt']).optional(),
  execute: fn<HealingStrategy<unknown, unknown>['execute']>('a function execute(ctx, next) returning an outcome'),
});

export const healingOptionsSchema = z.strictObject({
  // Each strategy wraps the next one: past a hundred, the nesting would only run out of stack.
  strategies: z.array(strategySchema, { error: 'expected an array of strategies { name, placement?, execute(ctx, next) }' })
    .max(MAX_STRATEGIES, `at most ${MAX_STRATEGIES} strategies: compose related ones into one strategy`).readonly().optional(),
  safety: z.custom<SafetyPolicy>(hasMethods('check', 'noteActed'), 'expected a SafetyPolicy (new SafetyPolicy({ maxRisk }))').optional(),
  name: z.string().min(1).max(200).optional(),
  circuitName: circuitNameOption,
  fallback: fallbackOption.optional(),
  retry: retryOptionsSchema.optional(),
  ...timeoutFields,
  rollback: rollbackOptionsSchema.optional(),
  compensate: compensateOption.optional(),
  bulkhead: bulkheadOption.optional(),
  hedge: hedgeOptionsSchema.optional(),
  adaptive: adaptiveOption.optional(),
  feature: featureOption.optional(),
  retryBudget: retryBudgetOption.optional(),
  ...reflectFields,
  idempotent: z.boolean().optional(),
  reflectNonIdempotent: z.boolean().optional(),
  redact: redactOption.optional(),
  classifier: z.custom<Classifier>(hasMethods('classify'), 'expected a classifier (an object with classify(error))').optional(),
  registry: registryOption,
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal').optional(),
  logger: z.custom<HealingLogger>(hasMethods('info', 'warn', 'error'), 'expected a logger with info, warn and error methods (e.g. pino)').optional(),
  clock: clockSchema.optional(),
});

// HealingOptions stays an interface, generic in the args and the result, with each option's docs;
// with both `unknown` (what the schema can know of them) it must be the schema's input.
type _Check = Assert<Same<HealingOptions<unknown, unknown>, z.input<typeof healingOptionsSchema>>>;
