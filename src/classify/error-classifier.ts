import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import type { Classification, ClassificationRule, Classifier, Disposition, ErrorMatcher } from './classification.js';
import { classifyByDefaults } from './classify-error.js';
import { isInstance } from '../core/guards.js';
import { readErrorFacts, type ErrorFacts } from './error-facts.js';
import { parseRetryAfter, waitWrittenIn } from './retry-after.js';
import { DEFAULT_SEVERITIES, SEVERITIES, severityIn, type Severity } from './severity.js';

const dispositionSchema = z.enum(['transient', 'permanent', 'recoverable']);
const severitySchema = z.enum(SEVERITIES as [Severity, ...Severity[]]);

const ruleSchema = z.strictObject({
  match: z.custom<ErrorMatcher>(
    (value) => value instanceof RegExp || typeof value === 'function',
    'expected an error class, a RegExp or a predicate function',
  ),
  disposition: dispositionSchema,
  category: z.string().min(1).optional(),
  severity: severitySchema.optional(),
});

const optionsSchema = z.strictObject({
  rules: z.array(ruleSchema).optional(),
  unknownDisposition: dispositionSchema.optional(),
  severity: z.record(z.string().min(1), severitySchema).optional(),
  now: z.custom<() => number>((value) => typeof value === 'function', 'expected a function returning ms since the epoch').optional(),
});

/**
 * Options of {@link ErrorClassifier}.
 *
 * @example
 * ```ts
 * const options: ErrorClassifierOptions = { unknownDisposition: 'permanent' };
 * ```
 * @inline
 */
export interface ErrorClassifierOptions {
  /** User rules, tried before the defaults in order; the first match wins. */
  rules?: ClassificationRule[];
  /** The verdict for errors no rule recognises. Default `'transient'`. */
  unknownDisposition?: Disposition;
  /**
   * Severities by category, over the built-in table (docs/retry-and-classification.md,
   * "Severity"): `{ auth: 'critical', payment: 'high' }`. A rule's own `severity` still wins.
   */
  severity?: Record<string, Severity>;
  /** The time used to turn a `Retry-After` HTTP date into a delay. Default `Date.now`. */
  now?: () => number;
}

/** A rule compiled once, when added, into the one test it needs. */
interface CompiledRule {
  test(error: unknown, message: string): boolean;
  disposition: Disposition;
  category: string;
  severity: Severity;
}

function isClass(match: (...args: never[]) => unknown): boolean {
  const prototype: unknown = (match as { prototype?: unknown }).prototype;
  if (match === Error || prototype instanceof Error) return true;
  // A class that does not extend Error still matches by `instanceof`; calling it would throw.
  return Function.prototype.toString.call(match).startsWith('class');
}

function compileRule(rule: ClassificationRule, severities: Readonly<Record<string, Severity>>): CompiledRule {
  const { match, disposition } = rule;
  const category = rule.category ?? 'custom';
  const severity = rule.severity ?? severityIn(severities, category);
  if (match instanceof RegExp) {
    return {
      test: (_error, message) => {
        match.lastIndex = 0; // a /g or /y pattern keeps state between tests
        return match.test(message);
      },
      disposition, category, severity,
    };
  }
  if (isClass(match as (...args: never[]) => unknown)) {
    const type = match as abstract new (...args: never[]) => unknown;
    return { test: (error) => isInstance(error, type), disposition, category, severity };
  }
  const predicate = match as (error: unknown) => boolean;
  return {
    test: (error) => {
      try {
        return predicate(error) === true;
      } catch {
        return false; // a broken predicate must not turn one failure into another
      }
    },
    disposition, category, severity,
  };
}

/**
 * Decides, for each failure, whether to retry it (`transient`), give up (`permanent`) or repair
 * the arguments (`recoverable`). User rules come first; then the library's own errors and the
 * caller's abort, the client families (fetch, undici, node:http, axios, got, ky, the OpenAI,
 * Anthropic and Vercel AI SDKs, ...), `x-should-retry`, the HTTP status, connection codes, the kind
 * of error and the message, following `cause` when the error itself says nothing. `Retry-After`
 * headers and a wait written in the message set `retryAfterMs`. Every verdict has a `severity`:
 * the rule's, else the category's (the `severity` option over the built-in table).
 *
 * @example
 * ```ts
 * const classifier = new ErrorClassifier({ unknownDisposition: 'permanent' });
 * classifier.addRule({ match: /quota exceeded/i, disposition: 'permanent', category: 'quota' });
 * classifier.classify(Object.assign(new Error('Too Many Requests'), { status: 429 }));
 * // { disposition: 'transient', category: 'rate_limit', reason: 'HTTP 429', severity: 'low' }
 * ```
 */
export class ErrorClassifier implements Classifier {
  private readonly rules: CompiledRule[];
  private readonly unknownDisposition: Disposition;
  private readonly now: () => number;
  /** The built-in table, or a null-prototype copy with the `severity` option over it. */
  private readonly severities: Readonly<Record<string, Severity>>;

  /** @throws {HealingConfigError} naming the invalid option or rule. */
  constructor(options: ErrorClassifierOptions = {}) {
    const parsed = parseWith(optionsSchema, options, 'classifier');
    this.severities = parsed.severity === undefined
      ? DEFAULT_SEVERITIES
      : Object.assign(Object.create(null) as Record<string, Severity>, DEFAULT_SEVERITIES, parsed.severity);
    this.rules = (parsed.rules ?? []).map((rule) => compileRule(rule, this.severities));
    this.unknownDisposition = parsed.unknownDisposition ?? 'transient';
    this.now = parsed.now ?? Date.now;
  }

  /**
   * Adds a user rule after the ones already added (and before every default). Returns `this`.
   * @example
   * ```ts
   * classifier.addRule({ match: PaymentDeclinedError, disposition: 'permanent', category: 'payment' });
   * ```
   */
  addRule(rule: ClassificationRule): this {
    this.rules.push(compileRule(parseWith(ruleSchema, rule, 'rule'), this.severities));
    return this;
  }

  /**
   * Classifies a thrown value. Never throws, whatever was thrown.
   * @example
   * ```ts
   * const { disposition } = classifier.classify(new TypeError('fetch failed')); // 'transient'
   * ```
   */
  // Declared `Classification` (its `severity` is always set here), so a subclass may override it
  // with the plain `Classification` type.
  classify(error: unknown): Classification {
    const facts = readErrorFacts(error);
    let classification: Classification | undefined;
    for (let index = 0; index < this.rules.length && !classification; index++) {
      const rule = this.rules[index]!;
      if (rule.test(error, facts.message)) {
        classification = { disposition: rule.disposition, category: rule.category, reason: `rule #${index + 1}`, severity: rule.severity };
      }
    }
    let found = facts;
    if (classification === undefined) {
      const byDefaults = classifyByDefaults(error, facts);
      classification = byDefaults?.classification ??
        { disposition: this.unknownDisposition, category: 'unknown', reason: 'no rule matched', severity: this.severityOf('unknown') };
      found = byDefaults?.facts ?? facts;
      // The built-in rules write the built-in severity into the verdict they allocate (a field
      // added afterwards would cost V8 a new backing store); the `severity` option replaces it.
      if (this.severities !== DEFAULT_SEVERITIES) classification.severity = severityIn(this.severities, classification.category);
    }
    if (classification.disposition === 'transient') {
      const retryAfterMs = this.retryAfter(facts, found);
      if (retryAfterMs !== undefined) classification.retryAfterMs = retryAfterMs;
    }
    return classification as Classification & { severity: Severity };
  }

  /**
   * The severity this classifier gives a category: the `severity` option, else the built-in
   * table, else `'medium'`. The pipeline asks it for the actions it records without classifying
   * (an attempt's `timeout`, a refusal's `circuit_open`).
   * @example
   * ```ts
   * new ErrorClassifier({ severity: { auth: 'critical' } }).severityOf('auth'); // 'critical'
   * ```
   */
  severityOf(category: string): Severity {
    return severityIn(this.severities, category);
  }

  /**
   * The wait the server asked for: a header on the thrown error or on the cause that decided,
   * else a wait written in either's message ("Please try again in 20s").
   */
  private retryAfter(facts: ErrorFacts, found: ErrorFacts): number | undefined {
    // Only a header can hold an HTTP date: without headers the clock is not read.
    const now = facts.headers === undefined && found.headers === undefined ? Number.NaN : this.now();
    return parseRetryAfter(facts.headers, now) ?? (found === facts ? undefined : parseRetryAfter(found.headers, now)) ??
      waitWrittenIn(facts.message) ?? (found === facts ? undefined : waitWrittenIn(found.message));
  }
}
