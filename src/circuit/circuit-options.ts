import { z } from 'zod';
import { isRegistry, type CircuitBreakerRegistry } from './registry.js';
import { CIRCUIT_NAME_TOO_LONG, MAX_CIRCUIT_NAME_LENGTH } from './snapshot.js';

// The circuit options of HealingOptions (their docs are on HealingOptions). A breaker's own
// config and its schema are in circuit-config.ts.

/** The `circuitName` option: the name's limit is the one a registry's snapshot holds. */
export const circuitNameOption = z.string().min(1).max(MAX_CIRCUIT_NAME_LENGTH, CIRCUIT_NAME_TOO_LONG).optional();

/** The `registry` option. */
export const registryOption = z.custom<CircuitBreakerRegistry>(isRegistry,
  'expected a CircuitBreakerRegistry').optional();
