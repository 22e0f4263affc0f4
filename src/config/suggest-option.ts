import type { z } from 'zod';

/**
 * "Did you mean" for an unknown option: the documented key nearest to the one written, or the
 * name our option has for a peer library's option (p-retry, cockatiel, opossum), since users
 * coming from them type those names first.
 */

/** Peers' option names, and ours for the same thing (docs/migration.md has the full mapping). */
const PEER_NAMES: Readonly<Record<string, string>> = {
  retries: 'retry.maxAttempts (attempts in all: p-retry\'s retries + 1)',
  maxAttempts: 'retry.maxAttempts',
  minTimeout: 'retry.minDelayMs',
  maxTimeout: 'retry.maxDelayMs',
  maxRetryTime: 'retry.maxElapsedMs',
  randomize: 'retry.jitter',
  onFailedAttempt: "the pipeline's 'retry' event",
  shouldRetry: 'classifier (or a rule with ErrorClassifier.addRule)',
  timeout: 'timeoutMs',
  resetTimeout: 'breakDurationMs',
  halfOpenAfter: 'breakDurationMs',
  errorThresholdPercentage: 'failureRateThreshold (a percent, as in opossum)',
  volumeThreshold: 'minimumCalls',
  capacity: 'bulkhead: { maxConcurrent }',
  rollingCountTimeout: "policy: { type: 'time', windowMs }",
};

/** Levenshtein distance, stopping early once it exceeds `limit` (keys are short). */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      best = Math.min(best, current[j]!);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

type Schema = z.ZodType & { def?: { type?: string; innerType?: Schema; options?: Schema[]; in?: Schema; shape?: Record<string, Schema> } };

/** The object shapes a schema accepts, through optional, default, nullable, pipe and union wrappers. */
function shapesOf(schema: Schema | undefined, depth = 0): Array<Record<string, Schema>> {
  const def = schema?.def;
  if (def === undefined || depth > 8) return [];
  if (def.type === 'object' && def.shape !== undefined) return [def.shape];
  if (def.innerType !== undefined) return shapesOf(def.innerType, depth + 1);
  if (def.in !== undefined) return shapesOf(def.in, depth + 1);
  if (def.options !== undefined) return def.options.flatMap((option) => shapesOf(option, depth + 1));
  return [];
}

/** The keys documented at `path` inside `schema` (an empty list when the shape cannot be found). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let shapes = shapesOf(schema as Schema);
  for (const key of path) {
    if (typeof key !== 'string') return [];
    shapes = shapes.flatMap((shape) => shapesOf(shape[key]));
  }
  return [...new Set(shapes.flatMap((shape) => Object.keys(shape)))];
}

/** A "did you mean ..." sentence for `key`, or `undefined` when nothing is near enough. */
export function suggestionFor(key: string, known: readonly string[], root: string): string | undefined {
  const lower = key.toLowerCase();
  const sameButCase = known.find((candidate) => candidate.toLowerCase() === lower);
  if (sameButCase !== undefined) return `did you mean ${sameButCase}? (option names are case-sensitive)`;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 4)) + 1;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase(), bestDistance - 1);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best !== undefined) return `did you mean ${best}?`;
  const peer = Object.hasOwn(PEER_NAMES, key) ? PEER_NAMES[key] : undefined;
  // Named from the top of the options: `retry.retries` is also `retry.maxAttempts`.
  return peer === undefined ? undefined : `that is another library's name: here it is ${peer}${root === '' ? '' : ` (under ${root})`}`;
}
