import { configDifference } from '../core/config-difference.js';
import { HealingConfigError } from '../errors.js';
import type { ResolvedCircuitBreakerConfig } from './circuit-config.js';

/**
 * Refuses a config for an existing breaker that differs from the one it has. Keeping the old one
 * silently is how a `failureThreshold: 20` asked for after a pipeline made the breaker with the
 * defaults used to do nothing at all. Both configs have their defaults filled in, so `{}` asks
 * for the defaults, and the deprecated `recoveryTimeoutMs` reads as `breakDurationMs`.
 */
export function checkSameConfig(name: string, had: ResolvedCircuitBreakerConfig, asked: ResolvedCircuitBreakerConfig): void {
  if (had === asked) return;
  const difference = configDifference(had, asked);
  if (difference === undefined) return;
  throw new HealingConfigError('config', `the breaker "${name}" already exists with another config: ${difference}. ` +
    'Create it once with its config before anything uses it (registry.configure or the first get), ' +
    'ask with the same config everywhere, or get(name) without one; registry.delete(name) starts it afresh');
}
