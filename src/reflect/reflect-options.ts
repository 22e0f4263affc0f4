import { z } from 'zod';
import { fn, hasMethods, positiveMs } from '../config/schema-helpers.js';
import type { Reflector, ReflectionSpend } from './reflector.js';

/**
 * A schema reflected args must pass: a zod schema, or anything with zod's `safeParse`.
 * @example
 * ```ts
 * const argsSchema: ArgsSchema = z.object({ date: z.iso.date() });
 * ```
 */
export interface ArgsSchema {
  safeParse(value: unknown): { success: boolean; data?: unknown; error?: unknown };
}

/**
 * A last check on a reflected proposal, after `mutablePaths` and `argsSchema`: `true` lets it run.
 * @example
 * ```ts
 * const accept: ProposalGuard<Transfer> = (original, proposed) => proposed.amount <= original.amount;
 * ```
 */
export type ProposalGuard<A> = (original: A, proposed: A) => boolean | PromiseLike<boolean>;

// The reflection options of HealingOptions (their docs are on HealingOptions, where users read
// them), typed with `unknown` args: HealingOptions<unknown, unknown> is checked against them.

/** `reflector` to `reflectionBudget`, in HealingOptions' order, for the pipeline's options schema. */
export const reflectFields = {
  reflector: fn<Reflector<unknown>>('a function').optional(),
  argsSchema: z.custom<ArgsSchema>(hasMethods('safeParse'), 'expected a zod schema (an object with safeParse)').optional(),
  maxReflections: z.number().int().min(0).max(100).optional(),
  mutablePaths: z.array(z.string().max(1_000)).max(1_000).readonly().optional(),
  accept: fn<ProposalGuard<unknown>>('a function (original, proposed) => boolean').optional(),
  reflectionTimeoutMs: positiveMs.optional(),
  reflectionBudget: fn<(spent: ReflectionSpend) => boolean | PromiseLike<boolean>>('a function (spent) => boolean or a promise of one').optional(),
};
