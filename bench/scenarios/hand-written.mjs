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
}
