import { z } from 'zod';
import { CircuitBreakerRegistry } from './registry.js';

// The circuit options of HealingOptions (their docs are on HealingOptions). A breaker's own
// config and its schema are in circuit-config.ts.

/** The `circuitName` option. */
export const circuitNameOption = z.string().min(1).optional();

/** The `registry` option. */
export const registryOption = z.custom<CircuitBreakerRegistry>((value) => value instanceof CircuitBreakerRegistry,
  'expected a CircuitBreakerRegistry').optional();
