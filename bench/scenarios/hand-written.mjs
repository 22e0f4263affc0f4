// The hand-written wrappers that bound the happy-path targets from below, shared by the timed
// bench (happy-path.ts) and the counted one (bench/instructions/row.mjs), so both measure the
// same code. Plain JavaScript, as inline-literal.mjs is: tsx would add its keepNames wrappers.

/** fn's context in the minimal wrappers: the attempt number, and a signal made only if fn reads it. */
export class MinimalContext {
  constructor(attempt) {
    this.attempt = attempt;
    this.controller = undefined;
  }

  get signal() {
    return (this.controller ??= new AbortController()).signal;
  }
}

/**
 * The minimal wrapper as a library has to write it: a method of an object that holds its breaker,
 * given fn and args by its caller. The minimal rows' fn and breaker are constants of their
 * closure or module, which V8 compiles into the code that uses them; a library's never are.
 */
export class MinimalWrapper {
  constructor(breaker) {
    this.breaker = breaker;
    this.lastOptions = undefined;
    this.accepted = undefined;
  }

  async execute(fn, args) {
    const startedAt = Date.now();
    const breaker = this.breaker;
    if (!breaker.canExecute()) throw new Error('the minimal wrapper\'s breaker refused');
    const value = await fn(args, new MinimalContext(1));
    breaker.recordSuccess();
    return { status: 'ok', result: value, attempts: 1, healed: false, healingActions: [], circuitBreakerTriggered: false, args, durationMs: Date.now() - startedAt };
  }

  /** What a function given options adds: its misuse check, and the plan of the options (here one slot). */
  executeWith(fn, args, options) {
    if (typeof fn !== 'function') return Promise.reject(new TypeError('fn is not a function'));
    if (options !== this.lastOptions) this.lastOptions = options;
    return this.execute(fn, args);
  }

  /**
   * What a function given a new options literal in every call adds at least, without validating
   * the literal from scratch: the options checked against the last accepted ones, as strictly as a
   * library must check them (a plain object, no unknown key, each value the accepted one or, for
   * the fallback, a function), by code written for this one shape. A mismatch is where a library
   * runs its schema; here it only rejects.
   */
  executeLiteral(fn, args, options) {
    if (typeof fn !== 'function') return Promise.reject(new TypeError('fn is not a function'));
    if (!sameAsAccepted(options, this.accepted)) return Promise.reject(new TypeError('not the accepted shape: a library validates the options here'));
    return this.execute(fn, args);
  }

  /** The values `executeLiteral` accepts; `fallback` may be any function. */
  accept(circuitName, registry, maxAttempts) {
    this.accepted = { circuitName, registry, maxAttempts };
  }
}

// As in execute-with-healing.ts: the settings' generation (changed only by a refresh) against the
// one the wrapper was made in (assigned when it was made).
const settingsGeneration = 0;
let wrapperGeneration = -1;
wrapperGeneration = settingsGeneration;

/** `executeWithHealing`'s shape on the minimal wrapper: the check that the environment is unchanged, then the method. */
export function minimalFunction(wrapper, fn, args, options) {
  if (settingsGeneration !== wrapperGeneration) throw new Error('the environment changed');
  return wrapper.executeWith(fn, args, options);
}

/** The same, given a new options literal in every call (`executeLiteral`). */
export function minimalLiteral(wrapper, fn, args, options) {
  if (settingsGeneration !== wrapperGeneration) throw new Error('the environment changed');
  return wrapper.executeLiteral(fn, args, options);
}

/** `{ circuitName, registry, retry: { maxAttempts }, fallback }`, keys in that order, against the accepted values. */
function sameAsAccepted(options, accepted) {
  if (options === null || typeof options !== 'object' || options.__proto__ !== Object.prototype) return false;
  let keys = 0;
  for (const key in options) {
    switch (keys++) {
      case 0: if (key !== 'circuitName') return false; break;
      case 1: if (key !== 'registry') return false; break;
      case 2: if (key !== 'retry') return false; break;
      case 3: if (key !== 'fallback') return false; break;
      default: return false;
    }
  }
  if (keys !== 4 || options.circuitName !== accepted.circuitName || options.registry !== accepted.registry) return false;
  const retry = options.retry;
  if (retry === null || typeof retry !== 'object' || retry.__proto__ !== Object.prototype) return false;
  keys = 0;
  for (const key in retry) if (keys++ !== 0 || key !== 'maxAttempts') return false;
  return keys === 1 && retry.maxAttempts === accepted.maxAttempts && typeof options.fallback === 'function';
}
