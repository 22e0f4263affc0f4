// Model-based tests: random sequences of calls, outcomes, clock moves and resets drive a real
// breaker and a small reference model side by side; after every step the state, the answer of
// canExecute() and the main stats() fields must agree. Time is a hand-moved clock: breakers hold
// no timer and only read now().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerRegistry, type CircuitBreaker, type CircuitBreakerConfig, type CircuitPolicy, type CircuitState, type Clock,
} from '../../src/index.js';

// ---------------------------------------------------------------------------------------------
// The reference model: written from the documented semantics, as plainly as possible.
// ---------------------------------------------------------------------------------------------

interface ModelConfig {
  failureThreshold: number;
  policy: CircuitPolicy;
  /** The break for the n-th opening in a row (n from 1). */
  breakFor: (openings: number) => number;
  halfOpenMaxCalls: number;
  successThreshold: number;
  probeTimeoutMs: number;
  slowCallMs: number | undefined;
}

/**
 * - CLOSED counts failures by its policy: `consecutive` (N counted failures since the last
 *   success), `count` (the last `windowSize` outcomes; opens on any outcome, success or failure,
 *   once at least `minimumCalls` are held and failures / calls >= threshold %), `time` (outcomes tagged with
 *   their bucket `floor(now / (windowMs / buckets))`; the window is the last `buckets` buckets).
 * - OPEN refuses everything until `openedAt + break(openings)`, then reads HALF_OPEN.
 * - HALF_OPEN admits up to `halfOpenMaxCalls` probes at once; a probe that has not settled after
 *   `probeTimeoutMs` no longer holds its slot. `successThreshold` successes close it (and the
 *   growing break starts over); any failure re-opens it for the next, possibly longer, break.
 * - Outcomes carry no handle, so each ends a call in this order: the oldest probe, freeing its
 *   slot; else one admitted while closed; else a stray (a call that lost its claim: admitted
 *   before the breaker left closed, or a probe whose slot expired or whose period ended). Strays
 *   are forgotten together `probeTimeoutMs` after the last one lost its claim.
 * - A success at least `slowCallMs` long is a failure (and a slow call).
 * - reset() closes it and forgets counts and openings; totals are kept.
 */
class Model {
  private mode: CircuitState = 'CLOSED';
  private openUntil = 0;
  openings = 0;
  openedAt: number | null = null;
  consecutiveFailures = 0;
  /** Count window: the last `windowSize` outcomes, true for a failure. */
  private ring: boolean[] = [];
  /** Time window: every outcome with its bucket. */
  private timed: Array<{ bucket: number; failed: boolean }> = [];
  /** Start times of the probes holding a slot, oldest first. */
  private probes: number[] = [];
  /** Calls admitted while closed and not ended. */
  private closedCalls = 0;
  private strays = 0;
  private straysUntil = 0;
  private probeSuccesses = 0;
  successes = 0;
  failures = 0;
  slowCalls = 0;
  rejections = 0;

  constructor(private readonly config: ModelConfig) {}

  state(now: number): CircuitState {
    if (this.mode === 'OPEN' && now >= this.openUntil) {
      this.mode = 'HALF_OPEN';
      this.probes = [];
      this.probeSuccesses = 0;
    }
    return this.mode;
  }

  canExecute(now: number): boolean {
    const state = this.state(now);
    if (state === 'CLOSED') {
      this.closedCalls++;
      return true;
    }
    if (state === 'HALF_OPEN') {
      this.expireProbes(now);
      if (this.probes.length < this.config.halfOpenMaxCalls) {
        this.probes.push(now);
        return true;
      }
    }
    this.rejections++;
    return false;
  }

  recordSuccess(now: number, durationMs?: number): void {
    this.end(now);
    if (durationMs !== undefined && this.config.slowCallMs !== undefined && durationMs >= this.config.slowCallMs) {
      this.slowCalls++;
      this.countFailure(now);
      return;
    }
    this.successes++;
    const state = this.state(now);
    if (state === 'HALF_OPEN') {
      if (++this.probeSuccesses >= this.config.successThreshold) this.close(now, true);
    } else if (state === 'CLOSED') {
      this.consecutiveFailures = 0;
      this.remember(now, false);
      this.tripOnRate(now);
    }
  }

  recordFailure(now: number): void {
    this.end(now);
    this.countFailure(now);
  }

  releasePermission(now: number): void {
    this.end(now);
  }

  reset(now: number): void {
    this.close(now, false);
    this.openings = 0;
  }

  /** Ends one call (see the order above). */
  private end(now: number): void {
    if (this.probes.length > 0) {
      this.probes.shift();
      return;
    }
    if (this.closedCalls > 0) {
      this.closedCalls--;
      return;
    }
    if (this.strays > 0 && now < this.straysUntil) this.strays--;
    else this.strays = 0;
  }

  private expireProbes(now: number): void {
    const live = this.probes.filter((startedAt) => now - startedAt < this.config.probeTimeoutMs);
    this.loseClaim(this.probes.length - live.length, now);
    this.probes = live;
  }

  private loseClaim(calls: number, now: number): void {
    if (calls === 0) return;
    if (now >= this.straysUntil) this.strays = 0;
    this.strays += calls;
    this.straysUntil = Math.max(this.straysUntil, now + this.config.probeTimeoutMs);
  }

  remainingOpenMs(now: number): number {
    return this.state(now) === 'OPEN' ? this.openUntil - now : 0;
  }

  halfOpenInFlight(now: number): number {
    return this.state(now) === 'HALF_OPEN' ? this.probes.length : 0;
  }

  breakDurationMs(): number {
    return this.config.breakFor(Math.max(1, this.openings));
  }

  window(now: number): { calls: number; failures: number } {
    const policy = this.config.policy;
    if (policy.type === 'count') return { calls: this.ring.length, failures: this.ring.filter(Boolean).length };
    if (policy.type === 'time') {
      const buckets = policy.buckets ?? 10;
      const current = Math.floor(now / (policy.windowMs / buckets));
      const inWindow = this.timed.filter(({ bucket }) => bucket > current - buckets && bucket <= current);
      return { calls: inWindow.length, failures: inWindow.filter(({ failed }) => failed).length };
    }
    return { calls: 0, failures: 0 };
  }

  private countFailure(now: number): void {
    this.failures++;
    const state = this.state(now);
    if (state === 'HALF_OPEN') return this.open(now);
    if (state !== 'CLOSED') return;
    this.consecutiveFailures++;
    const policy = this.config.policy;
    if (policy.type === 'consecutive') {
      if (this.consecutiveFailures >= this.config.failureThreshold) this.open(now);
      return;
    }
    this.remember(now, true);
    this.tripOnRate(now);
  }

  /** A rate policy decides after every outcome recorded in CLOSED, success or failure. */
  private tripOnRate(now: number): void {
    const policy = this.config.policy;
    if (policy.type === 'consecutive') return;
    const { calls, failures } = this.window(now);
    const minimumCalls = policy.minimumCalls ?? (policy.type === 'count' ? policy.windowSize : 10);
    // Integer thresholds only (see the generators): exact arithmetic, no rounding question.
    if (calls >= minimumCalls && failures * 100 >= policy.failureRateThreshold * calls) this.open(now);
  }

  private remember(now: number, failed: boolean): void {
    const policy = this.config.policy;
    if (policy.type === 'count') {
      this.ring.push(failed);
      if (this.ring.length > policy.windowSize) this.ring.shift();
    } else if (policy.type === 'time') {
      this.timed.push({ bucket: Math.floor(now / (policy.windowMs / (policy.buckets ?? 10))), failed });
    }
  }

  private open(now: number): void {
    this.loseClaim(this.probes.length + this.closedCalls, now);
    this.closedCalls = 0;
    this.mode = 'OPEN';
    this.openings++;
    this.openedAt = now;
    this.openUntil = now + this.config.breakFor(this.openings);
    this.probes = [];
    this.probeSuccesses = 0;
  }

  private close(now: number, afterProbes: boolean): void {
    this.loseClaim(this.probes.length, now);
    this.mode = 'CLOSED';
    this.consecutiveFailures = 0;
    this.probes = [];
    this.probeSuccesses = 0;
    this.ring = [];
    this.timed = [];
    if (afterProbes) this.openings = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

type Action =
  | { kind: 'call'; outcome: 'success' | 'failure' | 'release'; durationMs: number | undefined }
  | { kind: 'canExecute' }
  | { kind: 'success'; durationMs: number | undefined }
  | { kind: 'failure' }
  | { kind: 'release' }
  | { kind: 'advance'; ms: number }
  | { kind: 'reset' };

const durationArb = fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined });

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  // A whole call: asks, and when admitted ends at once with an outcome.
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('call' as const), outcome: fc.constantFrom('success' as const, 'failure' as const, 'release' as const), durationMs: durationArb }) },
  { weight: 6, arbitrary: fc.constant({ kind: 'canExecute' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('success' as const), durationMs: durationArb }) },
  { weight: 5, arbitrary: fc.constant({ kind: 'failure' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'release' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 4_000 })) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
);

/** A break: a fixed number of ms, or growing with the openings (a table, last entry repeated). */
type BreakSpec = { fixed: number } | { table: number[] };

const breakArb: fc.Arbitrary<BreakSpec> = fc.oneof(
  fc.record({ fixed: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })) }),
  fc.record({ table: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 4 }) }),
);

function breakFunction(spec: BreakSpec): number | ((openings: number) => number) {
  if ('fixed' in spec) return spec.fixed;
  const table = spec.table;
  return (openings) => table[Math.min(openings, table.length) - 1]!;
}

const consecutivePolicyArb: fc.Arbitrary<CircuitPolicy> = fc.constant({ type: 'consecutive' });

const countPolicyArb: fc.Arbitrary<CircuitPolicy> = fc.integer({ min: 1, max: 8 }).chain((windowSize) => fc.record({
  type: fc.constant('count' as const),
  windowSize: fc.constant(windowSize),
  minimumCalls: fc.option(fc.integer({ min: 1, max: windowSize }), { nil: undefined }),
  failureRateThreshold: fc.integer({ min: 1, max: 100 }),
}, { requiredKeys: ['type', 'windowSize', 'failureRateThreshold'] }));

const timePolicyArb: fc.Arbitrary<CircuitPolicy> = fc.record({
  type: fc.constant('time' as const),
  windowMs: fc.integer({ min: 1, max: 6_000 }),
  buckets: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  minimumCalls: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  failureRateThreshold: fc.integer({ min: 1, max: 100 }),
}, { requiredKeys: ['type', 'windowMs', 'failureRateThreshold'] });

interface Scenario {
  config: CircuitBreakerConfig;
  breakSpec: BreakSpec;
  startAt: number;
}

const MAX_MS = 2 ** 31 - 1;

/**
 * A breaker config. With several probe slots, probes never expire here (see the dedicated
 * property below for expiry with several slots).
 */
function scenarioArb(policyArb: fc.Arbitrary<CircuitPolicy>, options: { multiSlotExpiry?: boolean; startAt?: fc.Arbitrary<number> } = {}): fc.Arbitrary<Scenario> {
  return fc.record({
    policy: policyArb,
    failureThreshold: fc.integer({ min: 1, max: 6 }),
    breakSpec: breakArb,
    halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
    successShare: fc.integer({ min: 1, max: 3 }),
    probeTimeoutMs: fc.integer({ min: 1, max: 6_000 }),
    slowCallMs: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    startAt: options.startAt ?? fc.constant(1_700_000_000_000),
  }).map(({ policy, failureThreshold, breakSpec, halfOpenMaxCalls, successShare, probeTimeoutMs, slowCallMs, startAt }) => ({
    breakSpec,
    startAt,
    config: {
      policy,
      failureThreshold,
      breakDurationMs: breakFunction(breakSpec),
      halfOpenMaxCalls,
      successThreshold: Math.min(successShare, halfOpenMaxCalls),
      probeTimeoutMs: halfOpenMaxCalls > 1 && !options.multiSlotExpiry ? MAX_MS : probeTimeoutMs,
      ...(slowCallMs === undefined ? {} : { slowCallMs }),
    },
  }));
}

// ---------------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------------

/** A clock moved by hand; a breaker must never ask it for a timer. */
class HandClock implements Clock {
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  setTimeout(): unknown {
    throw new Error('a breaker asked for a timer');
  }
  clearTimeout(): void {
    throw new Error('a breaker cleared a timer');
  }
}

function build(scenario: Scenario): { clock: HandClock; breaker: CircuitBreaker; model: Model } {
  const clock = new HandClock(scenario.startAt);
  const breaker = new CircuitBreakerRegistry({ clock }).get('model', scenario.config);
  // The model reads the scenario, not the breaker's resolved config: wrong defaults show up too.
  const { config, breakSpec } = scenario;
  const model = new Model({
    failureThreshold: config.failureThreshold!,
    policy: config.policy!,
    breakFor: 'fixed' in breakSpec ? () => breakSpec.fixed : (openings) => breakSpec.table[Math.min(openings, breakSpec.table.length) - 1]!,
    halfOpenMaxCalls: config.halfOpenMaxCalls!,
    successThreshold: config.successThreshold!,
    probeTimeoutMs: config.probeTimeoutMs!,
    slowCallMs: config.slowCallMs,
  });
  return { clock, breaker, model };
}

function describeStep(step: number, action: Action | undefined): string {
  return action === undefined ? 'at the start' : `after step ${step} ${JSON.stringify(action)}`;
}

/** Compares what the breaker reports with the model; throws on the first difference. */
function compare(breaker: CircuitBreaker, model: Model, now: number, where: string): void {
  const stats = breaker.stats();
  const modelState = model.state(now);
  const window = model.window(now);
  const pairs: Array<[string, unknown, unknown]> = [
    ['state', breaker.state, modelState],
    ['stats().state', stats.state, modelState],
    ['remainingOpenMs()', breaker.remainingOpenMs(), model.remainingOpenMs(now)],
    ['successes', stats.successes, model.successes],
    ['failures', stats.failures, model.failures],
    ['slowCalls', stats.slowCalls, model.slowCalls],
    ['rejections', stats.rejections, model.rejections],
    ['openings', stats.openings, model.openings],
    ['openedAt', stats.openedAt, model.openedAt],
    ['breakDurationMs', stats.breakDurationMs, model.breakDurationMs()],
    ['halfOpenInFlight', stats.halfOpenInFlight, model.halfOpenInFlight(now)],
    ['window.calls', stats.window.calls, window.calls],
    ['window.failures', stats.window.failures, window.failures],
  ];
  // What failureThreshold is compared with: meaningful while closed.
  if (modelState === 'CLOSED') pairs.push(['consecutiveFailures', stats.consecutiveFailures, model.consecutiveFailures]);
  for (const [field, real, expected] of pairs) {
    if (real !== expected) throw new Error(`${where}: ${field} is ${String(real)}, the model says ${String(expected)}`);
  }
}

/**
 * Runs `actions` on a breaker and the model. With `protocol`, outcomes are only recorded for calls
 * a canExecute() admitted and that are still unsettled (others are skipped).
 */
/** Ends a call the same way on the breaker and on the model. */
function settle(breaker: CircuitBreaker, model: Model, now: number, outcome: 'success' | 'failure' | 'release', durationMs: number | undefined): void {
  if (outcome === 'success') {
    breaker.recordSuccess(durationMs);
    model.recordSuccess(now, durationMs);
  } else if (outcome === 'failure') {
    breaker.recordFailure(new Error('boom'));
    model.recordFailure(now);
  } else {
    breaker.releasePermission();
    model.releasePermission(now);
  }
}

function run(scenario: Scenario, actions: Action[], protocol: boolean): void {
  const { clock, breaker, model } = build(scenario);
  let unsettled = 0;
  compare(breaker, model, clock.time, describeStep(0, undefined));
  actions.forEach((action, index) => {
    const now = clock.time;
    const where = describeStep(index + 1, action);
    switch (action.kind) {
      case 'call': {
        const real = breaker.canExecute();
        const expected = model.canExecute(now);
        if (real !== expected) throw new Error(`${where}: canExecute() is ${real}, the model says ${expected}`);
        if (!real) break;
        compare(breaker, model, now, `${where} (admitted)`);
        settle(breaker, model, now, action.outcome, action.durationMs);
        break;
      }
      case 'canExecute': {
        const real = breaker.canExecute();
        const expected = model.canExecute(now);
        if (real !== expected) throw new Error(`${where}: canExecute() is ${real}, the model says ${expected}`);
        if (real) unsettled++;
        break;
      }
      case 'success':
      case 'failure':
      case 'release':
        if (protocol) {
          if (unsettled === 0) return;
          unsettled--;
        }
        settle(breaker, model, now, action.kind, action.kind === 'success' ? action.durationMs : undefined);
        break;
      case 'advance':
        clock.time += action.ms;
        break;
      case 'reset':
        breaker.reset();
        model.reset(clock.time);
        break;
    }
    compare(breaker, model, clock.time, where);
  });
}

// Runs per property; the total is what the issue asks for (>= 10 000 in CI).
const RUNS = { consecutive: 5_000, count: 5_000, time: 5_000, timeNearZero: 1_000, multiSlotExpiry: 1_000, withoutAdmission: 2_000 } as const;
const actionsArb = fc.array(actionArb, { maxLength: 80, size: 'max' });

describe('CircuitBreaker against a reference model (fast-check)', () => {
  it(`consecutive policy: no divergence in ${RUNS.consecutive} random runs`, () => {
    fc.assert(fc.property(scenarioArb(consecutivePolicyArb), actionsArb, (scenario, actions) => run(scenario, actions, true)), { numRuns: RUNS.consecutive });
  });

  it(`count-window policy: no divergence in ${RUNS.count} random runs`, () => {
    fc.assert(fc.property(scenarioArb(countPolicyArb), actionsArb, (scenario, actions) => run(scenario, actions, true)), { numRuns: RUNS.count });
  });

  it(`time-window policy: no divergence in ${RUNS.time} random runs`, () => {
    fc.assert(fc.property(scenarioArb(timePolicyArb), actionsArb, (scenario, actions) => run(scenario, actions, true)), { numRuns: RUNS.time });
  });

  it(`time-window policy on a clock that starts near 0: no divergence in ${RUNS.timeNearZero} random runs`, () => {
    const nearZero = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 }));
    fc.assert(fc.property(scenarioArb(timePolicyArb, { startAt: nearZero }), actionsArb, (scenario, actions) => run(scenario, actions, true)), { numRuns: RUNS.timeNearZero });
  });

  it(`probe slots expire one by one with several slots: no divergence in ${RUNS.multiSlotExpiry} random runs`, () => {
    const policies = fc.oneof(consecutivePolicyArb, countPolicyArb, timePolicyArb);
    fc.assert(fc.property(scenarioArb(policies, { multiSlotExpiry: true }), actionsArb, (scenario, actions) => run(scenario, actions, true)), { numRuns: RUNS.multiSlotExpiry });
  });
});

describe('CircuitBreaker used by hand, outcomes without admission (fast-check)', () => {
  const VALID: readonly CircuitState[] = ['CLOSED', 'OPEN', 'HALF_OPEN'];

  function check(ok: boolean, what: string, stats: object): void {
    if (!ok) throw new Error(`${what}: ${JSON.stringify(stats)}`);
  }

  it(`never throws and always reads a valid state, in ${RUNS.withoutAdmission} random runs`, () => {
    const policies = fc.oneof(consecutivePolicyArb, countPolicyArb, timePolicyArb);
    fc.assert(fc.property(scenarioArb(policies), actionsArb, (scenario, actions) => {
      const { clock, breaker } = build(scenario);
      for (const action of actions) {
        if (action.kind === 'call') {
          if (breaker.canExecute()) {
            if (action.outcome === 'success') breaker.recordSuccess(action.durationMs);
            else if (action.outcome === 'failure') breaker.recordFailure(new Error('boom'));
            else breaker.releasePermission();
          }
        } else if (action.kind === 'canExecute') breaker.canExecute();
        else if (action.kind === 'success') breaker.recordSuccess(action.durationMs);
        else if (action.kind === 'failure') breaker.recordFailure(new Error('boom'));
        else if (action.kind === 'release') breaker.releasePermission();
        else if (action.kind === 'advance') clock.time += action.ms;
        else breaker.reset();
        const stats = breaker.stats();
        const state = breaker.state;
        const remaining = breaker.remainingOpenMs();
        check(VALID.includes(state) && stats.state === state, 'a valid state', stats);
        check(remaining >= 0 && (remaining > 0) === (state === 'OPEN'), `OPEN exactly while a break remains (${remaining} ms left)`, stats);
        check(stats.halfOpenInFlight >= 0 && stats.halfOpenInFlight <= stats.halfOpenMaxCalls, 'probes in flight within 0..halfOpenMaxCalls', stats);
        check(stats.halfOpenInFlight === 0 || state === 'HALF_OPEN', 'probes in flight only when half-open', stats);
        check(stats.window.calls >= 0 && stats.window.failures >= 0 && stats.window.failures <= stats.window.calls, 'a consistent window', stats);
        for (const count of [stats.successes, stats.failures, stats.slowCalls, stats.rejections, stats.openings, stats.consecutiveFailures]) {
          check(Number.isSafeInteger(count) && count >= 0, 'counters are non-negative integers', stats);
        }
      }
      // The model is as blind as the breaker to which call an outcome belongs: it agrees here too.
      run(scenario, actions, false);
    }), { numRuns: RUNS.withoutAdmission });
  });
});

describe('divergences the model found: src bugs, named (these fail until src is fixed)', () => {
  function half(breaker: CircuitBreaker, clock: HandClock): void {
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure(new Error('boom'));
    clock.time += breaker.stats().breakDurationMs;
    expect(breaker.state).toBe('HALF_OPEN');
  }

  it('a probe pending for probeTimeoutMs frees its slot even while a later probe is fresh (halfOpenMaxCalls 2)', () => {
    const clock = new HandClock(1_700_000_000_000);
    const breaker = new CircuitBreakerRegistry({ clock }).get('probes', { failureThreshold: 1, breakDurationMs: 1_000, halfOpenMaxCalls: 2, probeTimeoutMs: 100 });
    half(breaker, clock);
    expect(breaker.canExecute()).toBe(true); // probe A: never settles
    clock.time += 50;
    expect(breaker.canExecute()).toBe(true); // probe B
    expect(breaker.canExecute()).toBe(false); // both slots taken
    clock.time += 50; // A has been pending 100 ms: its slot is free again; B's (50 ms) is not
    expect(breaker.canExecute()).toBe(true);
    expect(breaker.canExecute()).toBe(false);
    expect(breaker.stats().halfOpenInFlight).toBe(2);
  });

  it('on a clock near 0, calls from before a reset() still count in the window and trip it', () => {
    const clock = new HandClock(0);
    const breaker = new CircuitBreakerRegistry({ clock }).get('window', {
      policy: { type: 'time', windowMs: 10_000, buckets: 10, minimumCalls: 2, failureRateThreshold: 50 },
    });
    for (let i = 0; i < 2; i++) {
      expect(breaker.canExecute()).toBe(true);
      breaker.recordFailure(new Error('boom'));
    }
    expect(breaker.state).toBe('OPEN');
    breaker.reset();
    clock.time += 1_000;
    expect(breaker.canExecute()).toBe(true);
    breaker.recordFailure(new Error('boom')); // the only call in the window: below minimumCalls
    expect(breaker.state).toBe('CLOSED');
    expect(breaker.stats().window).toEqual({ calls: 1, failures: 1 });
  });
});
