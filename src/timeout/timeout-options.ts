import { z } from 'zod';
import { delayMs, fn, positiveMs } from '../config/schema-helpers.js';

// The timeout options of HealingOptions (their docs are on HealingOptions, where users read them).

/** `timeoutMs`, `timeoutGraceMs` and `deadlineMs`, for the pipeline's options schema. */
export const timeoutFields = {
  timeoutMs: z.union([positiveMs, fn<(attempt: number) => number>('a number of ms or a function of the attempt')],
    { error: 'expected a positive number of ms or a function of the attempt' }).optional(),
  timeoutGraceMs: delayMs.optional(),
  deadlineMs: positiveMs.optional(),
};
