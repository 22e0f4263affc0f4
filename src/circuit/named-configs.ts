import { HealingConfigError } from '../errors.js';
import { resolveCircuitBreakerConfig, type CircuitBreakerConfig, type ResolvedCircuitBreakerConfig } from './circuit-config.js';

/** A registry's shared configs, defined once by name (`registry.configure`) and used by `get(name, configName)`. */
export class NamedConfigs {
  private readonly configs = new Map<string, ResolvedCircuitBreakerConfig>();

  /** Validates `config` and keeps it under `configName`, replacing any earlier one. */
  define(configName: string, config: CircuitBreakerConfig): void {
    if (typeof configName !== 'string' || configName.length === 0) {
      throw new HealingConfigError('configName', `expected a non-empty string, got ${JSON.stringify(configName)}`);
    }
    this.configs.set(configName, resolveCircuitBreakerConfig(config, `configure("${configName}")`));
  }

  /** The resolved config: `config` itself validated, or the shared config it names (an unknown name is an error). */
  resolve(config: CircuitBreakerConfig | string | undefined): ResolvedCircuitBreakerConfig {
    if (typeof config !== 'string') return resolveCircuitBreakerConfig(config);
    const named = this.configs.get(config);
    if (named === undefined) {
      const known = [...this.configs.keys()];
      throw new HealingConfigError('config', `no shared config is named "${config}"; ` +
        (known.length ? `known: ${known.map((k) => `"${k}"`).join(', ')}` : 'define it first with registry.configure(name, config)'));
    }
    return named;
  }
}
