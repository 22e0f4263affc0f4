import { isInstance } from '../core/guards.js';
import { isUnder, parsePath, type ArgPath } from '../core/arg-paths.js';
import { cutAtTokenBoundary } from '../core/cut-text.js';
import { describeBinary } from './binary.js';
import { REDACTED, SECRET_PATTERNS, applyPatterns, isSecretKeyName, redactMessage, redactText, type SecretPattern } from './redact.js';

/**
 * What to redact besides the built-in secrets, with the `redact` option. `redact: false` turns
 * redaction off entirely (an explicit opt-out: secrets then reach logs and the reflector).
 *
 * @example
 * ```ts
 * const redact: RedactionOptions = { keys: ['ssn', /^x-internal-/], paths: ['card.number'], patterns: [/\bACC-\d{6}\b/g] };
 * ```
 * @inline
 */
export interface RedactionOptions {
  /** More key names whose values are secrets, anywhere in args: a string (any case) or a RegExp. */
  keys?: ReadonlyArray<string | RegExp>;
  /** Paths in args whose values are secrets: `'card.number'`, `'users.*.email'`. */
  paths?: readonly string[];
  /** More patterns removed from messages and string values; each match becomes `[REDACTED]`. */
  patterns?: readonly RegExp[];
}


/** Secrets this long or longer are searched for anywhere in messages. */
const MIN_SECRET_LENGTH = 4;
/** Three-character secrets (a CVV) are searched for as whole words only; shorter ones not at all. */
const SHORT_SECRET_LENGTH = 3;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
const MAX_DEPTH = 32;
/** How many values (strings, numbers, objects...) the view walks; past them it shows {@link TRUNCATED}. */
const MAX_NODES = 10_000;
const TRUNCATED = '[Truncated]';
/**
 * Whether a key could be a secret itself, before the patterns are run on it: every built-in
 * secret shape has 11 characters or more and a digit or one of `-_./+` (`sk-...`, `AKIA...`,
 * `ghp_...`, a JWT), which names like `customerId` or `postalCode` never have, so most keys cost
 * one test. A key a pattern of yours would match is looked at whatever it is.
 */
function mayBeSecretShaped(key: string): boolean {
  return key.length >= 11 && /[\d\-_./+]/.test(key);
}
const MAX_STRING_LENGTH = 10_000;
/** How far past the cut of a long string the patterns read, so a secret across the cut is seen whole. */
const SCAN_MARGIN = 1_024;

/**
 * A place where the redacted view shows something other than the args hold: a secret shown as
 * `[REDACTED]`, a string cut short, a subtree cut at the depth or size limit, a value JSON cannot
 * carry (a function, `undefined`), or a `Date` or `bigint` shown as a string.
 */
export interface MaskedValue {
  /** Where, by the args' own keys and indexes (never a wildcard). */
  path: readonly string[];
  /** What the view shows there (`undefined`: the key is left out). */
  shown: unknown;
  /**
   * `true` when whoever reads the view never saw the real value (a secret, a cut string, a
   * dropped value), so it cannot change it meaningfully; `false` for a faithful conversion (a
   * `Date` as its ISO string), which a reader may change.
   */
  hidden: boolean;
}

/** A redacted copy of args, and what was taken out of it. */
export interface RedactedValue {
  /** A JSON-safe copy with every secret replaced by `[REDACTED]` (strings cut at 10,000 characters). */
  value: unknown;
  /** Where the copy differs from the args. A proposal that echoes `shown` there gets the real value back. */
  masked: MaskedValue[];
  /** The secret strings themselves, to remove from messages that echo them. */
  secrets: string[];
}

/**
 * Redaction as configured by the `redact` option: applied to every message that reaches a log or
 * a `HealingAction`, and to everything a reflector is shown.
 */
export class Redaction {
  /** Built-in rules only. */
  static readonly default = new Redaction({});
  /** `redact: false`: nothing is redacted. */
  static readonly off = new Redaction({}, false);

  private readonly keyMatchers: ReadonlyArray<string | RegExp>;
  private readonly paths: ArgPath[];
  private readonly patterns: ReadonlyArray<SecretPattern>;
  private readonly custom: boolean;

  private constructor(options: RedactionOptions, readonly enabled = true) {
    this.keyMatchers = (options.keys ?? []).map((key) => (typeof key === 'string' ? key.toLowerCase() : key));
    this.paths = (options.paths ?? []).map(parsePath);
    // Every pattern is made global: a pattern without `g` would redact only its first match.
    const global = (pattern: RegExp) => (pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`));
    this.patterns = [...SECRET_PATTERNS, ...(options.patterns ?? []).map((pattern) => [global(pattern), REDACTED] as const)];
    this.custom = options.patterns !== undefined && options.patterns.length > 0;
  }

  /** The redaction for a `redact` option value. */
  static from(option: RedactionOptions | false | undefined): Redaction {
    if (option === false) return Redaction.off;
    if (option === undefined || (!option.keys?.length && !option.paths?.length && !option.patterns?.length)) return Redaction.default;
    return new Redaction(option);
  }

  /** Removes secrets (patterns, and `secrets` found in args) from a message; strips stack frames; truncates. */
  message(text: string, secrets: readonly string[] = []): string {
    if (!this.enabled) return text;
    // Secret values first, on the whole text: cutting first could leave half a secret behind.
    let clean = text;
    for (const secret of secrets) {
      if (secret.length >= MIN_SECRET_LENGTH) {
        if (clean.includes(secret)) clean = clean.split(secret).join(REDACTED);
      } else if (secret.length === SHORT_SECRET_LENGTH && clean.includes(secret)) {
        // A three-character secret (a CVV) only as a whole word: as a substring it is everywhere.
        clean = clean.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, 'g'), REDACTED);
      }
    }
    return this.custom ? redactText(clean, this.patterns) : redactMessage(clean);
  }

  /**
   * A JSON-safe copy of `value` with secrets replaced: values of secret-named keys and of the
   * configured paths, and secret patterns inside strings. Class instances are read as their own
   * enumerable fields, functions and symbols dropped, cycles cut; past 10,000 values (strings and
   * numbers count as objects do) the copy shows `[Truncated]`. Never throws.
   */
  value(value: unknown): RedactedValue {
    const masked: MaskedValue[] = [];
    const secrets: string[] = [];
    let nodes = 0;
    const seen = new Set<object>();
    // Objects collected from (a cycle under a secret key is walked once), and how many values:
    // a huge secret is collected only so far, as the view is walked only so far.
    const collected = new Set<object>();
    let collectedValues = 0;
    const collect = (secret: unknown) => {
      if (++collectedValues > MAX_NODES) return;
      if (typeof secret === 'string') secrets.push(secret);
      else if (typeof secret === 'number' || typeof secret === 'bigint') secrets.push(String(secret));
      // A binary value's bytes are not secrets to search messages for (they would be every number).
      else if (secret !== null && typeof secret === 'object' && describeBinary(secret) === undefined && !collected.has(secret)) {
        collected.add(secret);
        for (const item of Object.values(secret)) collect(item);
        // A Map's values and a Set's members are not own fields: Object.values() misses them. A
        // Map's keys are names, as an object's are: not collected (`password` would leave every message).
        if (isInstance(secret, Map) || isInstance(secret, Set)) for (const item of (secret as Map<unknown, unknown>).values()) collect(item);
      }
    };
    const mask = (path: string[], shown: unknown, hidden = true): unknown => {
      masked.push({ path, shown, hidden });
      return shown;
    };
    // Past the count, each item left would be one more `[Truncated]` (and one more mask): an array
    // or object with over 10,000 items left is cut there instead, hidden whole as a cut string is.
    const cutsHere = (left: number) => nodes >= MAX_NODES && left > MAX_NODES;
    const visit = (node: unknown, path: string[], key: string | undefined): unknown => {
      if (this.enabled && path.length > 0 && this.isSecret(node, path, key)) {
        try {
          collect(node);
        } catch {
          // a getter threw while collecting: the value is replaced all the same
        }
        return mask(path, REDACTED);
      }
      // Every value counts, a string as much as an object: past the count none is scanned or copied.
      if (++nodes > MAX_NODES) return mask(path, TRUNCATED);
      if (typeof node === 'string') {
        const shown = this.enabled ? this.stringValue(node) : node;
        return shown === node ? node : mask(path, shown);
      }
      if (node === null || typeof node === 'number' || typeof node === 'boolean') return node;
      if (typeof node === 'bigint') return mask(path, node.toString(), false);
      if (typeof node !== 'object') return mask(path, undefined); // functions, symbols, undefined
      // Binary values (a Buffer, a typed array, a Blob) show as their type and size, never byte by
      // byte; hidden, so an echo gets the real value back and a change to it is refused.
      const binary = describeBinary(node);
      if (binary !== undefined) return mask(path, binary);
      if (isInstance(node, Date)) return mask(path, Number.isNaN((node as Date).getTime()) ? null : (node as Date).toISOString(), false);
      if (seen.has(node)) return mask(path, '[Circular]');
      if (path.length >= MAX_DEPTH) return mask(path, TRUNCATED);
      seen.add(node);
      try {
        if (Array.isArray(node)) {
          const copy: unknown[] = [];
          for (let index = 0; index < node.length; index++) {
            if (cutsHere(node.length - index)) return mask(path, [...copy, TRUNCATED]);
            copy.push(visit(node[index], [...path, String(index)], undefined));
          }
          return copy;
        }
        // Inside the try: a Proxy's getPrototypeOf trap may throw.
        const prototype: unknown = Object.getPrototypeOf(node);
        const plain = prototype === Object.prototype || prototype === null;
        const keys = Object.keys(node);
        // A secret used as a key (an API key mapped to its quota): the keys are shown too, so the
        // object is hidden whole, and its keys are looked for in messages like any secret.
        const secretKeys = this.enabled ? keys.filter((childKey) => (this.custom || mayBeSecretShaped(childKey)) && this.stringValue(childKey) !== childKey) : [];
        if (secretKeys.length > 0) {
          secrets.push(...secretKeys);
          collect(node);
          return mask(path, REDACTED);
        }
        const copy: Record<string, unknown> = {};
        for (let index = 0; index < keys.length; index++) {
          if (cutsHere(keys.length - index)) return mask(path, copy);
          const childKey = keys[index]!;
          const childPath = [...path, childKey];
          let child: unknown;
          try {
            child = (node as Record<string, unknown>)[childKey];
          } catch {
            // A getter that throws: left out. Nothing can carry it, so leaving it out hides nothing.
            mask(childPath, undefined, false);
            continue;
          }
          // defineProperty: a '__proto__' key in the input stays an own, inert key in the copy.
          Object.defineProperty(copy, childKey, { value: visit(child, childPath, childKey), enumerable: true, writable: true, configurable: true });
        }
        // A Map or a class instance shows as its own enumerable fields: a faithful echo of that
        // view gets the original object back, anything else is a change at its path.
        return plain ? copy : mask(path, copy, false);
      } catch {
        return mask(path, '[Unreadable]');
      } finally {
        seen.delete(node);
      }
    };
    try {
      return { value: visit(value, [], undefined), masked, secrets };
    } catch {
      // Args whose traps or getters throw in a way the walk cannot step around: show nothing of them.
      return { value: '[Unreadable]', masked: [{ path: [], shown: '[Unreadable]', hidden: true }], secrets };
    }
  }

  private isSecret(node: unknown, path: string[], key: string | undefined): boolean {
    if (this.paths.some((pattern) => pattern.length === path.length && isUnder(path, pattern))) return true;
    if (key === undefined || node === null || node === undefined || typeof node === 'boolean' || typeof node === 'function') return false;
    if (isSecretKeyName(key, node)) return true;
    const lower = key.toLowerCase();
    return this.keyMatchers.some((matcher) => {
      if (typeof matcher === 'string') return matcher === lower;
      matcher.lastIndex = 0; // a `g` or `y` RegExp keeps state between test() calls
      return matcher.test(key);
    });
  }

  private stringValue(text: string): string {
    // Only the patterns: a string value is data, not a message, so it keeps its lines. A huge
    // string (a document, a payload) is cut: no model or log needs all of it, and scanning it
    // on every failure would cost more than the call.
    // The patterns read past the cut, and the cut drops a token it falls in: no part of a secret stays.
    const scanned = cutAtTokenBoundary(text, MAX_STRING_LENGTH + SCAN_MARGIN);
    const redacted = applyPatterns(scanned, this.patterns);
    if (scanned.length === text.length && redacted.length <= MAX_STRING_LENGTH) return redacted;
    return `${cutAtTokenBoundary(redacted, MAX_STRING_LENGTH)}… [truncated]`;
  }
}
