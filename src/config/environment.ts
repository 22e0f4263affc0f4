import { HealingConfigError } from '../errors.js';

/**
 * The environment switches, read once from `process.env` (at the first pipeline or
 * `executeWithHealing` call) and again only at `refreshEnvironment()`.
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

let current: EnvironmentSettings | undefined;
/** Bumped by each refresh, so the default pipeline knows its settings are stale. */
let generation = 0;

/**
 * The `SELF_HEALING_*` settings in force: read from `process.env` once, on first use, and again
 * only on {@link refreshEnvironment}. Reading `process.env` costs a few hundred ns a call, and a
 * running process's environment changes only when its own code writes it. A bad value throws
 * each time it is read, until it is fixed.
 */
export function currentEnvironment(): EnvironmentSettings {
  return (current ??= readEnvironment());
}

/** Which refresh the settings of {@link currentEnvironment} come from. */
export function environmentGeneration(): number {
  return generation;
}

/**
 * Re-reads the `SELF_HEALING_*` variables now. Call it after your code changes them (a config
 * loader, a test): `executeWithHealing` and pipelines built afterwards follow the new values; a
 * `HealingPipeline` built earlier keeps the settings it was built with. A bad value throws a
 * {@link HealingConfigError} naming the variable, here and on every call that reads the
 * environment (`executeWithHealing` rejects, `new HealingPipeline()` throws) until it is fixed
 * and refreshed: never a silent fall back to the old settings.
 *
 * @example
 * ```ts
 * process.env.SELF_HEALING_ENABLED = 'false'; // the kill switch, flipped by your own code
 * refreshEnvironment();
 * await executeWithHealing(callApi); // runs once, unhealed
 * ```
 */
export function refreshEnvironment(): void {
  generation++;
  current = undefined; // a bad value is then refused on every call until it is fixed
  current = readEnvironment();
}
