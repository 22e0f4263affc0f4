import { z } from 'zod';
import type { Classification } from '../classify/classification.js';
import { parseWith } from '../config/parse.js';
import { fn } from '../config/schema-helpers.js';
import { isInstance } from '../core/guards.js';
import { messageOf } from '../errors.js';
import type { Reflector, ReflectionRequest } from './reflector.js';

/**
 * One deterministic repair: when `match` fits the failure, `transform` returns the args to try
 * next (or `null`/`undefined` when it cannot help, so the next rule is tried).
 *
 * @example
 * ```ts
 * const isoDate: ReflectionRule<{ date: string }> = {
 *   match: /invalid date/i,
 *   transform: ({ date }) => ({ date: date.replace(/^(\d\d)-(\d\d)-(\d{4})$/, '$3-$1-$2') }),
 *   reason: 'MM-DD-YYYY to ISO 8601',
 * };
 * ```
 */
export interface ReflectionRule<A> {
  /** A name for `reason` when `reason` is absent. */
  name?: string;
  /**
   * Which failures the rule repairs: a RegExp or substring of the error message, an error class,
   * or a predicate over the error and its classification.
   */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any error class
  match: RegExp | string | Function | ((error: Error, classification: Classification) => boolean);
  /** New args from the failed ones. Must not mutate `args`: return a new value. */
  transform: (args: A, error: Error) => A | null | undefined | PromiseLike<A | null | undefined>;
  /** Why, for `healingActions` and the history. */
  reason?: string;
}

const MATCH_EXPECTED = 'expected match (RegExp, string, error class or predicate)';

const ruleSchema = z.strictObject({
  name: z.string().optional(),
  // An empty substring is in every message: such a rule would answer every failure.
  match: z.custom<ReflectionRule<unknown>['match']>((value) => value instanceof RegExp || (typeof value === 'string' && value !== '') ||
    typeof value === 'function', MATCH_EXPECTED),
  transform: fn('transform(args, error) returning the args to try next, or null'),
  reason: z.string().optional(),
}, { error: 'each rule needs match (RegExp, string, error class or predicate) and transform(args, error)' });

const rulesSchema = z.array(z.unknown(), { error: 'expected an array of rules { match, transform, reason? }' });

/**
 * A reflector made of deterministic rules, for failures whose repair is known in advance (a date
 * format, a unit, a renamed field). Rules are tried in order; the first whose `match` fits and
 * whose `transform` returns args wins. Its proposals go through the same checks as an LLM's.
 *
 * @example
 * ```ts
 * const reflector = ruleReflector<{ date: string }>([
 *   { match: /invalid date/i, transform: ({ date }) => ({ date: new Date(date).toISOString().slice(0, 10) }), reason: 'ISO date' },
 * ]);
 * await executeWithHealing(bookRoom, { date: '01/19/2026' }, { reflector });
 * ```
 * @throws {HealingConfigError} naming the rule and its field (`ruleReflector.rules.0.transform`).
 */
export function ruleReflector<A>(rules: ReadonlyArray<ReflectionRule<A>>): Reflector<A> {
  // Rule by rule, so a misspelt field gets its suggestion (`ruleReflector.rules.0.reasn`).
  parseWith(rulesSchema, rules, 'ruleReflector.rules').forEach((rule, index) => parseWith(ruleSchema, rule, `ruleReflector.rules.${index}`));
  return async ({ error, classification, args }: ReflectionRequest<A>) => {
    for (const rule of rules) {
      if (!matches(rule.match, error, classification)) continue;
      const repaired = await rule.transform(args, error);
      if (repaired !== null && repaired !== undefined) {
        return { args: repaired, reason: rule.reason ?? rule.name ?? `rule ${rules.indexOf(rule) + 1}` };
      }
    }
    return null;
  };
}

function matches(match: ReflectionRule<unknown>['match'], error: Error, classification: Classification): boolean {
  if (match instanceof RegExp) {
    match.lastIndex = 0; // a `g` RegExp keeps state between calls
    return match.test(messageOf(error));
  }
  if (typeof match === 'string') return messageOf(error).includes(match);
  // A class (it has a prototype object that the error inherits from) or a predicate.
  if (typeof match.prototype === 'object' && match.prototype !== null && isInstance(error, match)) return true;
  if (isClass(match)) return false;
  return (match as (error: Error, classification: Classification) => boolean)(error, classification) === true;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any error class
function isClass(fn: Function): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn)) || fn === Error || Object.prototype.isPrototypeOf.call(Error, fn);
}
