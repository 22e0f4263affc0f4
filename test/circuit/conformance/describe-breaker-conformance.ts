import { afterEach, describe, expect, it } from 'vitest';
import type { CircuitBreakerLike, CircuitState } from '../../../src/index.js';

/** What a conformance subject is built with. Fields beyond the first two are asked for only when the capability says the subject honours them. */
export interface ConformanceSubjectOptions {
  /** Counted failures (in a row, from a fresh breaker) that open it. */
  failureThreshold: number;
  /** The break, in ms of the subject's fake time. */
  breakDurationMs: number;
  /** Probes admitted at once when half-open (asked for only with `capabilities.halfOpenMaxCalls`). */
  halfOpenMaxCalls?: number;
  /** Probe successes that close it (asked for only with `capabilities.successThreshold`). */
  successThreshold?: number;
}

/** A breaker under test and the fake time it runs on. */
export interface ConformanceSubject {
  breaker: CircuitBreakerLike;
  /** Moves the subject's fake time forward by `ms`. */
  advance(ms: number): Promise<void>;
  /** Releases whatever the subject holds (timers, fake-timer installs); called after each case. */
  dispose?(): void | Promise<void>;
}

export type MakeConformanceSubject = (options: ConformanceSubjectOptions) => ConformanceSubject | Promise<ConformanceSubject>;

/** What a subject supports beyond the core state machine; every flag defaults to false. */
export interface BreakerCapabilities {
  /**
   * Counting is exactly "N counted failures in a row": a success in CLOSED starts the count
   * again, and N failures in a row trip it whatever came before.
   */
  exactConsecutiveCount: boolean;
  /** Closing (after a probe or by `reset()`) forgets earlier failures: N - 1 failures after it do not trip. */
  freshCountAfterClose: boolean;
  /** Honours `halfOpenMaxCalls` > 1. */
  halfOpenMaxCalls: boolean;
  /** Honours `successThreshold` > 1. */
  successThreshold: boolean;
  /** `releasePermission()` on a probe frees its slot for another probe. */
  releasePermissionFreesProbe: boolean;
  /** `remainingOpenMs()` is exact to the millisecond of fake time. */
  exactRemainingOpenMs: boolean;
  /**
   * An outcome takes effect before `recordSuccess` / `recordFailure` returns. Without it, the suite
   * lets the subject settle (`advance(0)`) after each outcome before it looks at the state.
   */
  synchronousOutcomes: boolean;
}

const N = 3;
const BREAK_MS = 10_000;

/**
 * The state-machine cases every breaker behind `CircuitBreakerLike` must pass, run on fake time.
 * Outcomes are recorded the way a pipeline records them: each after an admitted `canExecute()`.
 *
 * @example
 * ```ts
 * describeBreakerConformance('native, consecutive', (o) => nativeSubject(o), { exactConsecutiveCount: true });
 * ```
 */
export function describeBreakerConformance(name: string, makeSubject: MakeConformanceSubject, capabilities: Partial<BreakerCapabilities> = {}): void {
  const can: BreakerCapabilities = {
    exactConsecutiveCount: false, freshCountAfterClose: false, halfOpenMaxCalls: false, successThreshold: false,
    releasePermissionFreesProbe: false, exactRemainingOpenMs: false, synchronousOutcomes: false, ...capabilities,
  };

  describe(`breaker conformance: ${name}`, () => {
    let live: ConformanceSubject[] = [];

    afterEach(async () => {
      const subjects = live;
      live = [];
      for (const subject of subjects) await subject.dispose?.();
    });

    async function subject(options: Partial<ConformanceSubjectOptions> = {}): Promise<ConformanceSubject> {
      const made = await makeSubject({ failureThreshold: N, breakDurationMs: BREAK_MS, ...options });
      live.push(made);
      return made;
    }

    /** Lets an outcome take effect (at once for subjects with synchronous outcomes). */
    async function settle(made: ConformanceSubject): Promise<void> {
      await made.advance(0);
    }

    /** Records an outcome; with synchronous outcomes, checks the state it leads to before settling. */
    async function record(made: ConformanceSubject, outcome: 'success' | 'failure' | 'release', expected?: CircuitState): Promise<void> {
      if (outcome === 'success') made.breaker.recordSuccess(1);
      else if (outcome === 'failure') made.breaker.recordFailure(new Error('boom'));
      else made.breaker.releasePermission();
      if (expected !== undefined && can.synchronousOutcomes) expect(made.breaker.state, `right after ${outcome}`).toBe(expected);
      await settle(made);
      if (expected !== undefined) expect(made.breaker.state, `after ${outcome}`).toBe(expected);
    }

    /** One admitted call that fails; the call must be admitted. */
    async function failOnce(made: ConformanceSubject, expected?: CircuitState): Promise<void> {
      expect(made.breaker.canExecute(), 'a call meant to fail was refused').toBe(true);
      await record(made, 'failure', expected);
    }

    async function fail(made: ConformanceSubject, times: number): Promise<void> {
      for (let i = 0; i < times; i++) await failOnce(made);
    }

    async function succeedOnce(made: ConformanceSubject, expected?: CircuitState): Promise<void> {
      expect(made.breaker.canExecute(), 'a call meant to succeed was refused').toBe(true);
      await record(made, 'success', expected);
    }

    /** Opens it with at most N failures (fewer when earlier failures still count). */
    async function open(made: ConformanceSubject): Promise<void> {
      for (let i = 0; i < N && made.breaker.state !== 'OPEN'; i++) await failOnce(made);
      expect(made.breaker.state).toBe('OPEN');
    }

    async function halfOpen(made: ConformanceSubject): Promise<void> {
      await open(made);
      await made.advance(BREAK_MS);
      expect(made.breaker.state).toBe('HALF_OPEN');
    }

    it('starts CLOSED, admits calls and reports no remaining break', async () => {
      const made = await subject();
      expect(made.breaker.state).toBe('CLOSED');
      expect(made.breaker.remainingOpenMs()).toBe(0);
      for (let i = 0; i < 10; i++) await succeedOnce(made, 'CLOSED');
      expect(typeof made.breaker.name).toBe('string');
      expect(JSON.parse(JSON.stringify(made.breaker.stats()))).toEqual(made.breaker.stats());
    });

    it(`stays CLOSED after ${N - 1} counted failures and opens on the ${N}th`, async () => {
      const made = await subject();
      for (let i = 0; i < N - 1; i++) await failOnce(made, 'CLOSED');
      expect(made.breaker.canExecute()).toBe(true);
      await record(made, 'release', 'CLOSED');
      await failOnce(made, 'OPEN');
    });

    it('refuses every call while OPEN, however many ask, until the break has passed', async () => {
      const made = await subject();
      await open(made);
      for (let i = 0; i < 200; i++) expect(made.breaker.canExecute()).toBe(false);
      await made.advance(BREAK_MS - 1);
      for (let i = 0; i < 200; i++) expect(made.breaker.canExecute()).toBe(false);
      expect(made.breaker.state).toBe('OPEN');
    });

    it('stays OPEN and refusing when calls admitted before it opened end late', async () => {
      const made = await subject();
      const { breaker } = made;
      expect(breaker.canExecute()).toBe(true); // slow calls, admitted while closed
      expect(breaker.canExecute()).toBe(true);
      // (Calls in flight may weigh in a rate rule: fail until open, within a bound.)
      for (let i = 0; i < 4 * N && breaker.state !== 'OPEN'; i++) await failOnce(made);
      expect(breaker.state).toBe('OPEN');
      await record(made, 'success', 'OPEN');
      await record(made, 'failure', 'OPEN');
      expect(breaker.canExecute()).toBe(false);
      await made.advance(BREAK_MS - 1);
      expect(breaker.state).toBe('OPEN');
      expect(breaker.canExecute()).toBe(false);
    });

    it('reads HALF_OPEN once the break has passed, not a millisecond before', async () => {
      const made = await subject();
      await open(made);
      await made.advance(BREAK_MS - 1);
      expect(made.breaker.state).toBe('OPEN');
      await made.advance(1);
      expect(made.breaker.state).toBe('HALF_OPEN');
      expect(made.breaker.remainingOpenMs()).toBe(0);
    });

    it('admits exactly one probe with the defaults and refuses the rest while it runs', async () => {
      const made = await subject();
      await halfOpen(made);
      expect(made.breaker.canExecute()).toBe(true);
      for (let i = 0; i < 20; i++) expect(made.breaker.canExecute()).toBe(false);
      expect(made.breaker.state).toBe('HALF_OPEN');
    });

    it('closes when the probe succeeds, and admits calls again', async () => {
      const made = await subject();
      await halfOpen(made);
      await succeedOnce(made, 'CLOSED');
      for (let i = 0; i < 5; i++) await succeedOnce(made, 'CLOSED');
      expect(made.breaker.remainingOpenMs()).toBe(0);
    });

    it('re-opens when the probe fails, for a full break', async () => {
      const made = await subject();
      await halfOpen(made);
      await made.advance(1_234); // the probe starts a while after the break ended
      await failOnce(made, 'OPEN');
      expect(made.breaker.canExecute()).toBe(false);
      if (can.exactRemainingOpenMs) expect(made.breaker.remainingOpenMs()).toBe(BREAK_MS);
      await made.advance(BREAK_MS - 1);
      expect(made.breaker.state).toBe('OPEN');
      expect(made.breaker.canExecute()).toBe(false);
      await made.advance(1);
      expect(made.breaker.state).toBe('HALF_OPEN');
      expect(made.breaker.canExecute()).toBe(true);
    });

    it('resets to CLOSED from OPEN and from HALF_OPEN, and admits calls', async () => {
      const made = await subject();
      await open(made);
      made.breaker.reset();
      expect(made.breaker.state).toBe('CLOSED');
      expect(made.breaker.remainingOpenMs()).toBe(0);
      expect(made.breaker.canExecute()).toBe(true);
      await record(made, 'release', 'CLOSED');
      await halfOpen(made);
      expect(made.breaker.canExecute()).toBe(true); // a probe in flight
      made.breaker.reset();
      expect(made.breaker.state).toBe('CLOSED');
      expect(made.breaker.canExecute()).toBe(true);
      expect(made.breaker.canExecute()).toBe(true);
    });

    it('counts remainingOpenMs down with time, to 0 when the break is over', async () => {
      const made = await subject();
      expect(made.breaker.remainingOpenMs()).toBe(0);
      await open(made);
      const first = made.breaker.remainingOpenMs();
      expect(first).toBeGreaterThan(BREAK_MS - 1_000);
      expect(first).toBeLessThanOrEqual(BREAK_MS);
      if (can.exactRemainingOpenMs) expect(first).toBe(BREAK_MS);
      await made.advance(2_500);
      const later = made.breaker.remainingOpenMs();
      expect(later).toBeLessThan(first);
      expect(later).toBeGreaterThan(0);
      if (can.exactRemainingOpenMs) expect(later).toBe(BREAK_MS - 2_500);
      await made.advance(BREAK_MS - 2_500);
      expect(made.breaker.remainingOpenMs()).toBe(0);
      await succeedOnce(made);
      expect(made.breaker.remainingOpenMs()).toBe(0);
    });

    if (can.exactConsecutiveCount) {
      it(`starts the count again on a success in CLOSED: ${N - 1} failures, a success, ${N - 1} failures stay CLOSED; one more opens`, async () => {
        const made = await subject();
        await fail(made, N - 1);
        await succeedOnce(made, 'CLOSED');
        for (let i = 0; i < N - 1; i++) await failOnce(made, 'CLOSED');
        await failOnce(made, 'OPEN');
      });

      it(`opens on ${N} failures in a row after a long run of mixed outcomes`, async () => {
        const made = await subject();
        for (let round = 0; round < 10; round++) {
          for (let i = 0; i < N - 1; i++) await failOnce(made, 'CLOSED');
          await succeedOnce(made, 'CLOSED');
        }
        await fail(made, N - 1);
        await failOnce(made, 'OPEN');
      });
    }

    if (can.freshCountAfterClose) {
      it(`forgets earlier failures when a probe closes it: ${N - 1} failures after closing stay CLOSED`, async () => {
        const made = await subject();
        await halfOpen(made);
        await succeedOnce(made, 'CLOSED');
        for (let i = 0; i < N - 1; i++) await failOnce(made, 'CLOSED');
        await failOnce(made, 'OPEN');
      });

      it(`forgets earlier failures on reset(): ${N - 1} failures after it stay CLOSED`, async () => {
        const made = await subject();
        await fail(made, N - 1);
        made.breaker.reset();
        for (let i = 0; i < N - 1; i++) await failOnce(made, 'CLOSED');
        await failOnce(made, 'OPEN');
      });
    }

    if (can.releasePermissionFreesProbe) {
      it('frees the probe slot on releasePermission(), without opening or closing', async () => {
        const made = await subject();
        await halfOpen(made);
        expect(made.breaker.canExecute()).toBe(true);
        expect(made.breaker.canExecute()).toBe(false);
        await record(made, 'release', 'HALF_OPEN');
        expect(made.breaker.canExecute()).toBe(true);
        expect(made.breaker.canExecute()).toBe(false);
        await record(made, 'success', 'CLOSED');
      });
    }

    if (can.halfOpenMaxCalls) {
      it('admits halfOpenMaxCalls (3) probes at once and refuses the fourth', async () => {
        const made = await subject({ halfOpenMaxCalls: 3 });
        await halfOpen(made);
        const answers = [0, 1, 2, 3].map(() => made.breaker.canExecute());
        expect(answers).toEqual([true, true, true, false]);
      });

      it('re-opens when any one of several probes fails', async () => {
        const made = await subject({ halfOpenMaxCalls: 3 });
        await halfOpen(made);
        expect([made.breaker.canExecute(), made.breaker.canExecute()]).toEqual([true, true]);
        await record(made, 'failure', 'OPEN');
        expect(made.breaker.canExecute()).toBe(false);
      });
    }

    if (can.successThreshold) {
      it('needs successThreshold (2) probe successes to close', async () => {
        const made = await subject({ halfOpenMaxCalls: 2, successThreshold: 2 });
        await halfOpen(made);
        expect([made.breaker.canExecute(), made.breaker.canExecute(), made.breaker.canExecute()]).toEqual([true, true, false]);
        await record(made, 'success', 'HALF_OPEN');
        // The settled probe's slot is free again; the other probe still holds its own.
        expect([made.breaker.canExecute(), made.breaker.canExecute()]).toEqual([true, false]);
        await record(made, 'success', 'CLOSED');
      });
    }
  });
}
