import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreakerRegistry, CircuitOpenError, executeWithHealing, HealingConfigError, HealingPipeline, type CircuitBreakerLike } from '../../src/index.js';
import {
  createOpossumBreaker, fromOpossum, type OpossumBreakerAdapter, type OpossumBreakerOptions, type OpossumCircuitBreaker,
} from '../../src/opossum/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';

const EVENTS = ['fire', 'success', 'failure', 'reject', 'timeout', 'semaphoreLocked', 'open', 'halfOpen', 'close'] as const;
const breakers: CircuitBreaker[] = [];

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  for (const breaker of breakers.splice(0)) breaker.shutdown();
  vi.useRealTimers();
});

function setup(options: Partial<OpossumBreakerOptions> = {}) {
  const opossum = createOpossumBreaker(CircuitBreaker, { name: 'api', timeout: false, ...options });
  breakers.push(opossum);
  const events: string[] = [];
  for (const event of EVENTS) (opossum as EventEmitter).on(event, () => events.push(event));
  const registry = new CircuitBreakerRegistry();
  const adapter = fromOpossum(opossum);
  registry.register(adapter);
  const pipeline = new HealingPipeline({ circuitName: 'api', registry, retry: { maxAttempts: 1 } });
  const count = (event: string) => events.filter((e) => e === event).length;
  return { opossum, adapter, registry, pipeline, events, count };
}

/** A promise settled from outside: a call that stays in flight until the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Opens the breaker with transient failures through the pipeline (volumeThreshold 1, any failure trips). */
async function trip(pipeline: HealingPipeline) {
  const result = await pipeline.execute(failing([networkError()], 'never'), undefined);
  expect(result.status).toBe('error');
}

describe('self-healing/opossum through a HealingPipeline', () => {
  it('opens by opossum\'s own rule: the failure rate of its window, once volumeThreshold calls were made', async () => {
    const { adapter, pipeline, opossum, count } = setup({ volumeThreshold: 5, errorThresholdPercentage: 50 });
    for (let i = 0; i < 3; i++) expect((await pipeline.execute(async () => 'ok', undefined)).status).toBe('ok');
    // 3 failures in a row would open a native breaker with failureThreshold 3; opossum looks at the rate.
    for (let i = 0; i < 3; i++) await pipeline.execute(failing([networkError()], 'never'), undefined);
    expect(opossum.stats).toMatchObject({ fires: 6, successes: 3, failures: 3 }); // 50%, not above 50
    expect(adapter.state).toBe('CLOSED');
    await pipeline.execute(failing([networkError()], 'never'), undefined);
    expect(opossum.stats).toMatchObject({ fires: 7, failures: 4 }); // 57% > 50%
    expect(adapter.state).toBe('OPEN');
    expect(opossum.opened).toBe(true);
    expect(count('open')).toBe(1);
    expect(count('failure')).toBe(4);
  });

  it('does not open below volumeThreshold however many calls failed', async () => {
    const { adapter, pipeline, opossum } = setup({ volumeThreshold: 5, errorThresholdPercentage: 10 });
    for (let i = 0; i < 4; i++) await pipeline.execute(failing([networkError()], 'never'), undefined);
    expect(opossum.stats.failures).toBe(4);
    expect(adapter.state).toBe('CLOSED');
    await pipeline.execute(failing([networkError()], 'never'), undefined);
    expect(adapter.state).toBe('OPEN');
  });

  it('refuses every call while opossum is open, without calling fn: circuit_open and circuitBreakerTriggered', async () => {
    const { pipeline, opossum, adapter, count } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0, resetTimeout: 30_000 });
    await trip(pipeline);
    await vi.advanceTimersByTimeAsync(1_000);
    const fn = failing([], 'ok');
    const result = await pipeline.execute(fn, { id: 1 });
    expect(fn.calls).toHaveLength(0);
    expect(result).toMatchObject({ status: 'error', attempts: 0, circuitBreakerTriggered: true });
    expect(result.error).toBeInstanceOf(CircuitOpenError);
    expect((result.error as CircuitOpenError).retryAfterMs).toBe(29_000);
    expect(result.healingActions.map((a) => [a.kind, a.circuit])).toEqual([['circuit_open', 'api'], ['give_up', 'api']]);
    expect(result.healingActions[0]!.detail).toContain('(OPEN) refused');
    // opossum saw the refused call as its own: a 'fire' and a 'reject'.
    expect(count('reject')).toBe(1);
    expect(opossum.stats).toMatchObject({ fires: 2, rejects: 1 });
    expect(adapter.remainingOpenMs()).toBe(29_000);
  });

  it('half-opens after opossum\'s resetTimeout, admits one probe at a time, and closes on its success', async () => {
    const { pipeline, opossum, adapter, count } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0, resetTimeout: 5_000 });
    await trip(pipeline);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(adapter.state).toBe('OPEN');
    expect(adapter.remainingOpenMs()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(count('halfOpen')).toBe(1);
    expect(adapter.state).toBe('HALF_OPEN');
    expect(adapter.remainingOpenMs()).toBe(0);

    const probe = deferred<string>();
    const probing = pipeline.execute(() => probe.promise, undefined);
    const fn = failing([], 'second');
    const refused = await pipeline.execute(fn, undefined);
    expect(fn.calls).toHaveLength(0);
    expect(refused).toMatchObject({ status: 'error', circuitBreakerTriggered: true });
    expect((refused.error as CircuitOpenError).retryAfterMs).toBe(0);
    expect(refused.healingActions[0]!.detail).toContain('(HALF_OPEN) refused');
    expect(count('reject')).toBe(1);

    probe.resolve('recovered');
    expect(await probing).toMatchObject({ status: 'ok', result: 'recovered', circuitBreakerTriggered: false });
    expect(adapter.state).toBe('CLOSED');
    expect(opossum.closed).toBe(true);
    expect(count('close')).toBe(1);
    expect((await pipeline.execute(async () => 'flowing', undefined)).status).toBe('ok');
  });

  it('re-opens when the probe fails, and opossum restarts its reset timer', async () => {
    const { pipeline, adapter, count } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0, resetTimeout: 5_000 });
    await trip(pipeline);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(adapter.state).toBe('HALF_OPEN');
    const result = await pipeline.execute(failing([httpError(503), httpError(503)], 'never'), undefined, { retry: { maxAttempts: 3, minDelayMs: 0 } });
    expect(result.attempts).toBe(1);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'circuit_open', 'give_up']);
    expect(adapter.state).toBe('OPEN');
    expect(count('open')).toBe(2);
    expect(adapter.remainingOpenMs()).toBe(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(adapter.state).toBe('HALF_OPEN');
    expect(count('halfOpen')).toBe(2);
  });

  it('does not count permanent errors (404, 422) as opossum failures: opossum sees a success, as for an errorFilter match', async () => {
    const { pipeline, opossum, adapter, count } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0 });
    for (let i = 0; i < 5; i++) {
      expect((await pipeline.execute(failing([httpError(404)], 'never'), undefined)).status).toBe('error');
      expect((await pipeline.execute(failing([httpError(422)], 'never'), undefined)).status).toBe('error');
    }
    expect(adapter.state).toBe('CLOSED');
    expect(opossum.stats).toMatchObject({ fires: 10, failures: 0, successes: 10 });
    expect(count('failure')).toBe(0);
    // The same breaker opens on the first transient failure.
    await pipeline.execute(failing([httpError(503)], 'never'), undefined);
    expect(adapter.state).toBe('OPEN');
  });

  it('delivers each outcome to opossum before the recording call returns', () => {
    const { adapter, opossum, events } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0, resetTimeout: 100 });
    expect(adapter.canExecute()).toBe(true);
    adapter.recordSuccess();
    expect(events).toEqual(['fire', 'success']);
    expect(adapter.canExecute()).toBe(true);
    adapter.recordFailure(new Error('boom'));
    expect(events).toEqual(['fire', 'success', 'fire', 'failure', 'open']);
    expect(adapter.state).toBe('OPEN');
    expect(adapter.canExecute()).toBe(false);
    expect(events.at(-1)).toBe('reject');
  });

  it('stops retrying when opossum opens mid-execution, then falls back', async () => {
    const { registry, opossum } = setup({ volumeThreshold: 2, errorThresholdPercentage: 50 });
    const fn = failing([networkError(), networkError(), networkError()], 'ok');
    const result = await executeWithHealing(fn, {}, {
      circuitName: 'api', registry, retry: { maxAttempts: 5, minDelayMs: 0 }, fallback: () => 'cached',
    });
    expect(fn.calls).toHaveLength(2);
    expect(result).toMatchObject({ status: 'ok', result: 'cached', healed: true, circuitBreakerTriggered: true });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'retry', 'circuit_open', 'fallback']);
    expect(opossum.stats).toMatchObject({ fires: 3, failures: 2, rejects: 1 });
  });

  it('feeds opossum\'s events with what happened: latency it measured, the real error, rejections', async () => {
    const { pipeline, opossum } = setup({ volumeThreshold: 2, errorThresholdPercentage: 50 });
    const seen: unknown[][] = [];
    opossum.on('success', (_result, latencyMs) => seen.push(['success', latencyMs]));
    opossum.on('failure', (error, latencyMs) => seen.push(['failure', error, latencyMs]));
    opossum.on('reject', (error) => seen.push(['reject', (error as Error & { code: string }).code]));

    const slow = pipeline.execute(() => new Promise((resolve) => setTimeout(resolve, 250, 'slow')), undefined);
    await vi.advanceTimersByTimeAsync(250);
    expect((await slow).status).toBe('ok');
    const boom = networkError();
    await pipeline.execute(failing([boom], 'never'), undefined);
    await pipeline.execute(failing([boom], 'never'), undefined);
    await pipeline.execute(async () => 'refused', undefined);
    expect(seen).toEqual([['success', 250], ['failure', boom, 0], ['failure', boom, 0], ['reject', 'EOPENBREAKER']]);
    expect(opossum.stats).toMatchObject({ fires: 4, successes: 1, failures: 2, rejects: 1, latencyMean: 250 / 3 });
  });

  it('applies opossum\'s errorFilter to the failures the pipeline reports', async () => {
    const { pipeline, adapter, opossum } = setup({
      volumeThreshold: 1, errorThresholdPercentage: 0,
      errorFilter: (error: { code?: string }) => error.code === 'ECONNRESET',
    });
    await pipeline.execute(failing([networkError('ECONNRESET')], 'never'), undefined);
    expect(adapter.state).toBe('CLOSED');
    expect(opossum.stats).toMatchObject({ failures: 0, successes: 1 });
    await pipeline.execute(failing([networkError('ETIMEDOUT')], 'never'), undefined);
    expect(adapter.state).toBe('OPEN');
  });

  it('keeps opossum\'s timeout: a call slower than it is an opossum failure, while the pipeline still gets its value', async () => {
    const { pipeline, adapter, opossum, count } = setup({ timeout: 1_000, volumeThreshold: 1, errorThresholdPercentage: 0 });
    const slow = pipeline.execute(() => new Promise((resolve) => setTimeout(resolve, 2_000, 'late')), undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(count('timeout')).toBe(1);
    expect(adapter.state).toBe('OPEN');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await slow).toMatchObject({ status: 'ok', result: 'late' });
    // opossum already settled that call: the late success changes nothing.
    expect(opossum.stats).toMatchObject({ timeouts: 1, failures: 1, successes: 0 });
    expect(adapter.state).toBe('OPEN');
  });

  it('refuses past opossum\'s capacity (which opossum counts as a failure)', async () => {
    const { pipeline, adapter, opossum, count } = setup({ capacity: 1, volumeThreshold: 10 });
    const first = deferred<string>();
    const running = pipeline.execute(() => first.promise, undefined);
    const fn = failing([], 'second');
    const refused = await pipeline.execute(fn, undefined);
    expect(fn.calls).toHaveLength(0);
    expect(refused).toMatchObject({ status: 'error', circuitBreakerTriggered: true });
    expect(count('semaphoreLocked')).toBe(1);
    expect(opossum.stats).toMatchObject({ semaphoreRejections: 1, failures: 1 });
    expect(adapter.state).toBe('CLOSED');
    first.resolve('first');
    expect((await running).status).toBe('ok');
    expect((await pipeline.execute(async () => 'third', undefined)).status).toBe('ok');
  });

  it('lets every call through a disabled opossum breaker, which records no outcome', async () => {
    const { pipeline, opossum, adapter } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0 });
    await trip(pipeline);
    opossum.disable();
    const result = await pipeline.execute(async () => 'unprotected', undefined);
    expect(result).toMatchObject({ status: 'ok', circuitBreakerTriggered: false });
    await pipeline.execute(failing([networkError()], 'never'), undefined);
    // opossum counts the 'fire' of a disabled breaker, and nothing else.
    expect(opossum.stats).toMatchObject({ fires: 3, failures: 1, successes: 0 });
    expect(adapter.state).toBe('OPEN');
  });

  it('refuses every call after breaker.shutdown(), which leaves no timer behind', async () => {
    const { pipeline, opossum, adapter } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0 });
    await trip(pipeline);
    expect(vi.getTimerCount()).toBeGreaterThan(0); // opossum's bucket, snapshot and reset timers
    opossum.shutdown();
    expect(vi.getTimerCount()).toBe(0);
    const fn = failing([], 'ok');
    const result = await pipeline.execute(fn, undefined);
    expect(fn.calls).toHaveLength(0);
    expect(result).toMatchObject({ status: 'error', circuitBreakerTriggered: true });
    expect(adapter.state).toBe('OPEN');
    expect(adapter.remainingOpenMs()).toBe(2 ** 31 - 1);
    adapter.reset();
    expect(opossum.isShutdown).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts no timer of its own: every timer is opossum\'s, and none is armed when opossum is told not to', async () => {
    const { pipeline, adapter } = setup({ enableSnapshots: false, rotateBucketController: new EventEmitter(), volumeThreshold: 3 });
    expect(vi.getTimerCount()).toBe(0);
    await pipeline.execute(async () => 'ok', undefined);
    await pipeline.execute(failing([networkError()], 'never'), undefined);
    await pipeline.execute(failing([httpError(404)], 'never'), undefined);
    const pending = deferred<string>();
    const running = pipeline.execute(() => pending.promise, undefined);
    expect(vi.getTimerCount()).toBe(0);
    pending.resolve('done');
    await running;
    expect(adapter.stats().inFlight).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reset() closes opossum (clearing its reset timer) but keeps its window, as opossum\'s close() does', async () => {
    const { pipeline, adapter, opossum, count } = setup({
      volumeThreshold: 1, errorThresholdPercentage: 0, enableSnapshots: false, rotateBucketController: new EventEmitter(),
    });
    await trip(pipeline);
    expect(vi.getTimerCount()).toBe(1); // opossum's reset timer
    adapter.reset();
    expect(adapter.state).toBe('CLOSED');
    expect(count('close')).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(opossum.stats.failures).toBe(1);
  });

  it('reports opossum\'s view in stats()', async () => {
    const { pipeline, adapter } = setup({ volumeThreshold: 1, errorThresholdPercentage: 0, resetTimeout: 7_000 });
    expect(adapter.stats()).toMatchObject({
      name: 'api', opossumName: 'api', state: 'CLOSED', enabled: true, shutdown: false, inFlight: 0, openedAt: null,
      resetTimeoutMs: 7_000, errorThresholdPercentage: 0, volumeThreshold: 1,
      window: { fires: 0, successes: 0, failures: 0, rejects: 0, timeouts: 0, fallbacks: 0, semaphoreRejections: 0 },
    });
    await trip(pipeline);
    const stats = adapter.stats();
    expect(stats).toMatchObject({ state: 'OPEN', openedAt: Date.now(), window: { fires: 1, failures: 1 } });
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
  });

  it('uses opossum\'s defaults when the options leave them out', () => {
    const { adapter } = setup();
    expect(adapter.stats()).toMatchObject({ resetTimeoutMs: 30_000, errorThresholdPercentage: 50, volumeThreshold: 0 });
  });
});

describe('createOpossumBreaker and fromOpossum', () => {
  it('register under the opossum name, or the name given to fromOpossum', () => {
    const opossum = createOpossumBreaker(CircuitBreaker, { name: 'payments' });
    breakers.push(opossum);
    const registry = new CircuitBreakerRegistry();
    const byOpossumName = registry.register(fromOpossum(opossum));
    const renamed = registry.register(fromOpossum(opossum, { name: 'payments-eu' }));
    expect(registry.find('payments')).toBe(byOpossumName);
    expect(registry.find('payments-eu')).toBe(renamed);
    expect(renamed.stats()).toMatchObject({ name: 'payments-eu', opossumName: 'payments' });
  });

  it('refuses an opossum breaker built around the user\'s own action', () => {
    const own = new CircuitBreaker(async () => 'data', { name: 'own' });
    breakers.push(own);
    expect(() => fromOpossum(own)).toThrow(HealingConfigError);
    expect(() => fromOpossum(own)).toThrow(/createOpossumBreaker/);
    expect(() => fromOpossum(undefined as unknown as CircuitBreaker)).toThrow(HealingConfigError);
  });

  it('refuses options that would make fire() skip the call, and a missing name', () => {
    expect(() => createOpossumBreaker(CircuitBreaker, { name: 'x', cache: true as false })).toThrow(/cache/);
    expect(() => createOpossumBreaker(CircuitBreaker, { name: 'x', coalesce: true as false })).toThrow(/coalesce/);
    expect(() => createOpossumBreaker(CircuitBreaker, {} as OpossumBreakerOptions)).toThrow(/name is required/);
    expect(() => createOpossumBreaker(undefined as unknown as typeof CircuitBreaker, { name: 'x' })).toThrow(/CircuitBreaker class/);
    expect(() => fromOpossum(setup().opossum, { name: '' })).toThrow(HealingConfigError);
  });

  it('does not copy the caller\'s options object into opossum', () => {
    const options: OpossumBreakerOptions = { name: 'copy' };
    breakers.push(createOpossumBreaker(CircuitBreaker, options));
    expect(options).toEqual({ name: 'copy' });
  });

  it('rejects a direct fire() on a gate breaker', async () => {
    const { opossum } = setup();
    await expect(opossum.fire()).rejects.toThrow(/has no action of its own/);
  });

  it('gives back opossum\'s own type when @types/opossum is installed', () => {
    const opossum: CircuitBreaker = createOpossumBreaker(CircuitBreaker, { name: 'typed', resetTimeout: 1_000 });
    breakers.push(opossum);
    const structural: OpossumCircuitBreaker = new CircuitBreaker(async () => 1);
    breakers.push(structural as CircuitBreaker);
    // @ts-expect-error the result is opossum's CircuitBreaker, not `any`
    void opossum.noSuchMember;
    const adapter: OpossumBreakerAdapter<CircuitBreaker> = fromOpossum(opossum);
    const like: CircuitBreakerLike = adapter;
    // @ts-expect-error cache is refused by the options type
    const refused: OpossumBreakerOptions = { name: 'x', cache: true };
    // @ts-expect-error resetTimeout is a number
    const wrong: OpossumBreakerOptions = { name: 'x', resetTimeout: '1s' };
    void [like, refused, wrong];
    expect(adapter.opossum).toBe(opossum);
  });
});
