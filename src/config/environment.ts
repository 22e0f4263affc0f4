import { HealingConfigError } from '../errors.js';

/**
 * The environment switches, read when a pipeline is built (and on every `executeWithHealing`).
 * - `SELF_HEALING_ENABLED=false`: a kill switch; fn is called once, nothing else happens.
 * - `SELF_HEALING_REFLECTION_ENABLED=false`: a kill switch for argument reflection.
 * - `SELF_HEALING_RETRY_MAX_ATTEMPTS=N`: the default for `retry.maxAttempts` (options win).
 *
 * @example
 * ```ts
 * const env = readEnvironment({ SELF_HEALING_ENABLED: 'false' }); // { enabled: false, ... }
 * ```
 */
export interface EnvironmentSettings {
  enabled: boolean;
  reflectionEnabled: boolean;
  maxAttempts: number | undefined;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function readSwitch(env: Record<string, string | undefined>, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return true;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new HealingConfigError(name, `expected true or false (or 1/0, yes/no, on/off), got ${JSON.stringify(env[name])}`);
}

function readAttempts(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 1_000) {
    throw new HealingConfigError(name, `expected a whole number of attempts from 1 to 1000, got ${JSON.stringify(env[name])}`);
  }
  return value;
}

/**
 * Reads the `SELF_HEALING_*` switches. Bad values throw a {@link HealingConfigError} naming the
 * variable rather than falling back silently.
 *
 * @example
 * ```ts
 * readEnvironment(process.env).maxAttempts; // 5 when SELF_HEALING_RETRY_MAX_ATTEMPTS=5
 * ```
 */
export function readEnvironment(env: Record<string, string | undefined> = process.env): EnvironmentSettings {
  return {
    enabled: readSwitch(env, 'SELF_HEALING_ENABLED'),
    reflectionEnabled: readSwitch(env, 'SELF_HEALING_REFLECTION_ENABLED'),
    maxAttempts: readAttempts(env, 'SELF_HEALING_RETRY_MAX_ATTEMPTS'),
  };
}
