import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, RegistryFullError, type TransactionStep } from '../../src/index.js';
import { runTransaction, type ExecuteStep } from '../../src/recover/transaction.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** Steps that log what they do; `fail` names the step that throws. */
function bookTrip(log: string[], fail?: string, error: () => Error = () => httpError(409)): TransactionStep[] {
  const step = (name: string): TransactionStep => ({
    name,
    run: (done) => {
      if (name === fail) throw error();
      log.push(`run ${name} after [${Object.keys(done).join(',')}]`);
      return `${name}-id`;
    },
    compensate: (value) => { log.push(`undo ${name} (${String(value)})`); },
  });
  return [step('flight'), step('hotel'), step('car')];
}

describe('pipeline.transaction(steps)', () => {
  it('commits every step in order, each seeing the values before it', async () => {
    const log: string[] = [];
    const result = await new HealingPipeline().transaction(bookTrip(log));
    expect(result).toMatchObject({
      status: 'ok', committed: ['flight', 'hotel', 'car'], failed: undefined, compensated: [], compensationFailures: [], error: undefined,
      results: { flight: 'flight-id', hotel: 'hotel-id', car: 'car-id' },
    });
    expect(log).toEqual(['run flight after []', 'run hotel after [flight]', 'run car after [flight,hotel]']);
    expect(result.steps.map((s) => [s.name, s.result.status])).toEqual([['flight', 'ok'], ['hotel', 'ok'], ['car', 'ok']]);
  });

  it('compensates the committed steps in reverse order when a step fails', async () => {
    const log: string[] = [];
    const result = await new HealingPipeline().transaction(bookTrip(log, 'car'));
    expect(result).toMatchObject({ status: 'error', committed: ['flight', 'hotel'], failed: 'car', compensated: ['hotel', 'flight'] });
    expect(result.error).toMatchObject({ status: 409 });
    expect(log).toEqual(['run flight after []', 'run hotel after [flight]', 'undo hotel (hotel-id)', 'undo flight (flight-id)']);
  });

  it('heals each step: a transient failure is retried, not compensated', async () => {
    let hotelCalls = 0;
    const steps: TransactionStep[] = [
      { name: 'flight', run: () => 'f', compensate: () => { throw new Error('must not run'); } },
      { name: 'hotel', run: () => { if (++hotelCalls === 1) throw networkError(); return 'h'; } },
    ];
    const result = await new HealingPipeline({ retry: { minDelayMs: 0 } }).transaction(steps);
    expect(result).toMatchObject({ status: 'ok', committed: ['flight', 'hotel'] });
    expect(result.steps[1]!.result).toMatchObject({ attempts: 2, healed: true });
  });

  it('records a compensation that fails and still compensates the earlier steps', async () => {
    const log: string[] = [];
    const steps = bookTrip(log, 'car');
    steps[1]!.compensate = () => { throw httpError(500, undefined, 'hotel API down'); };
    const result = await new HealingPipeline({ retry: { maxAttempts: 2, minDelayMs: 0 } }).transaction(steps);
    expect(result.compensated).toEqual(['flight']);
    expect(result.compensationFailures).toHaveLength(1);
    expect(result.compensationFailures[0]!.step).toBe('hotel');
    expect(result.compensationFailures[0]!.error.message).toBe('hotel API down');
    // The compensation was healed too: retried once before it was given up.
    expect(result.compensationFailures[0]!.result.attempts).toBe(2);
  });

  it('compensates even after the failed step opened opened the circuit (compensations bypass the breaker)', async () => {
    const registry = new CircuitBreakerRegistry();
    const breaker = registry.get('travel', { failureThreshold: 1, breakDurationMs: 60_000 });
    const undone: string[] = [];
    const result = await new HealingPipeline({ circuitName: 'travel', registry, retry: { maxAttempts: 1 } }).transaction([
      { name: 'a', run: () => 'a', compensate: () => { undone.push('a'); } },
      { name: 'b', run: () => { throw networkError(); } },
    ]);
    expect(breaker.state).toBe('OPEN');
    expect(result).toMatchObject({ status: 'error', failed: 'b', compensated: ['a'] });
    expect(undone).toEqual(['a']);
  });

  it('never serves a compensation from the pipeline fallback (that would pretend the undo happened)', async () => {
    let fallbackCalls = 0;
    const pipeline = new HealingPipeline({ retry: { maxAttempts: 1 }, fallback: () => { fallbackCalls++; throw new Error('no fallback either'); } });
    const result = await pipeline.transaction([
      { name: 'a', run: () => 'a', compensate: () => { throw httpError(400, undefined, 'undo refused'); } },
      { name: 'b', run: () => { throw httpError(400); } },
    ]);
    expect(fallbackCalls).toBe(1); // for step b only
    expect(result.compensated).toEqual([]);
    expect(result.compensationFailures.map((f) => [f.step, f.error.message])).toEqual([['a', 'undo refused']]);
  });

  it('still compensates when the pipeline refuses to run a later step at all', async () => {
    // runTransaction with an execute that rejects for the second step, as execute does for misuse
    // (e.g. a breaker registry that is full): the committed step must still be undone, once.
    const pipeline = new HealingPipeline();
    let calls = 0;
    const execute: ExecuteStep = (fn, args, overrides) => (++calls === 2 ? Promise.reject(new RegistryFullError(1, 'b')) : pipeline.execute(fn, args, overrides));
    const undone: string[] = [];
    const result = await runTransaction([
      { name: 'a', run: () => 'a', compensate: () => { undone.push('a'); } },
      { name: 'b', run: () => 'b' },
    ], execute, undefined);
    expect(result).toMatchObject({ status: 'error', committed: ['a'], failed: 'b', compensated: ['a'] });
    expect(result.error).toBeInstanceOf(RegistryFullError);
    expect(result.steps.map((s) => s.name)).toEqual(['a']);
    expect(undone).toEqual(['a']);
  });

  it('rejects a bad step with a HealingConfigError before running anything', async () => {
    const ran: string[] = [];
    const pipeline = new HealingPipeline();
    const good = { name: 'ok', run: () => { ran.push('ok'); } };
    await expect(pipeline.transaction([good, { name: 'x', run: 'not a function' } as never])).rejects.toMatchObject({
      name: 'HealingConfigError', option: 'steps[1].run',
    });
    await expect(pipeline.transaction([good, { name: 'ok', run: () => {} }])).rejects.toMatchObject({ option: 'steps[1].name' });
    await expect(pipeline.transaction([{ name: '', run: () => {} }])).rejects.toBeInstanceOf(HealingConfigError);
    await expect(pipeline.transaction([{ name: 'a', run: () => {}, compensate: 5 } as never])).rejects.toMatchObject({ option: 'steps[0].compensate' });
    await expect(pipeline.transaction('steps' as never)).rejects.toMatchObject({ option: 'steps' });
    await expect(pipeline.transaction([null as never])).rejects.toMatchObject({ option: 'steps[0]' });
    await expect(pipeline.transaction([good], { signal: 'x' } as never)).rejects.toMatchObject({ option: 'options.signal' });
    expect(ran).toEqual([]);
  });
});

describe('transactions and abort', () => {
  it('compensates the committed steps when the caller aborts mid-way, without passing them the aborted signal', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const log: string[] = [];
    const pipeline = new HealingPipeline({ clock });
    const pending = pipeline.transaction([
      { name: 'a', run: () => 'a', compensate: () => { log.push('undo a'); } },
      { name: 'b', run: async () => { await Promise.resolve(); return 'b'; }, compensate: () => { log.push('undo b'); } },
      { name: 'slow', run: (_done, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))) },
    ], { signal: controller.signal });
    await clock.advance(1_000);
    controller.abort(new Error('client went away'));
    const result = await pending;
    expect(result).toMatchObject({ status: 'error', committed: ['a', 'b'], failed: 'slow', compensated: ['b', 'a'] });
    expect(result.error!.message).toBe('client went away');
    expect(result.steps[2]!.result.healingActions.at(-1)!.reason).toBe('aborted');
    expect(log).toEqual(['undo b', 'undo a']);
  });

  it('compensates every committed step exactly once, in reverse order, across 100 concurrent transactions aborted at random points', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 3, minDelayMs: 10, jitter: 'none' } });
    const runs = new Map<string, number>();
    const undos = new Map<string, number>();
    const undoOrder = new Map<number, string[]>();
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const transactions = Array.from({ length: 100 }, (_, tx) => {
      const controller = new AbortController();
      undoOrder.set(tx, []);
      const steps: TransactionStep[] = Array.from({ length: 5 }, (_, index) => ({
        name: `s${index}`,
        run: async (_done, { signal }) => {
          // Each step takes 1..40 ms of fake time and sometimes fails transiently.
          const ms = 1 + Math.floor(random() * 40);
          await new Promise<void>((resolve, reject) => {
            const timer = clock.setTimeout(resolve, ms);
            signal.addEventListener('abort', () => { clock.clearTimeout(timer); reject(signal.reason); }, { once: true });
          });
          if (random() < 0.15) throw networkError();
          const key = `${tx}:${index}`;
          runs.set(key, (runs.get(key) ?? 0) + 1);
          return key;
        },
        compensate: async (key: string) => {
          await Promise.resolve();
          undos.set(key, (undos.get(key) ?? 0) + 1);
          undoOrder.get(tx)!.push(key);
        },
      }));
      const abortAt = random() < 0.5 ? Math.floor(random() * 150) : undefined;
      if (abortAt !== undefined) clock.setTimeout(() => controller.abort(new Error('cancelled')), abortAt);
      return pipeline.transaction(steps, { signal: controller.signal });
    });
    for (let t = 0; t < 100; t++) await clock.advance(10);
    const results = await Promise.all(transactions);

    expect(results.some((r) => r.status === 'ok')).toBe(true);
    expect(results.some((r) => r.status === 'error' && r.committed.length > 0)).toBe(true);
    results.forEach((result, tx) => {
      const committedKeys = result.committed.map((name) => `${tx}:${name.slice(1)}`);
      for (const key of committedKeys) expect(runs.get(key)).toBe(1);
      if (result.status === 'ok') {
        expect(undoOrder.get(tx)).toEqual([]);
        return;
      }
      // Exactly the committed steps, each once, last committed first.
      expect(undoOrder.get(tx)).toEqual([...committedKeys].reverse());
      expect(result.compensated).toEqual([...result.committed].reverse());
    });
    expect([...undos.values()].every((count) => count === 1)).toBe(true);
    expect(clock.timerCount).toBe(0);
  });
});

describe('a caller signal that is already aborted', () => {
  it('starts nothing: fn is not called, and a transaction runs no step', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const calls: string[] = [];
    const pipeline = new HealingPipeline();
    const single = await pipeline.execute(() => { calls.push('fn'); return 1; }, undefined, { signal: controller.signal });
    expect(single).toMatchObject({ status: 'error', attempts: 0 });
    expect(single.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });

    const trip = await pipeline.transaction([
      { name: 'a', run: () => { calls.push('a'); return 1; }, compensate: () => { calls.push('undo a'); } },
    ], { signal: controller.signal });
    expect(trip).toMatchObject({ status: 'error', failed: 'a', committed: [], compensated: [] });
    expect(calls).toEqual([]);
  });
});

describe('a slow compensation', () => {
  it('runs once, not once per timed-out attempt: compensations have no timeout of their own', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, timeoutMs: 20, retry: { maxAttempts: 3, minDelayMs: 0 } });
    let refunds = 0;
    const pending = pipeline.transaction([
      { name: 'charge', run: () => 'ch_1', compensate: () => new Promise<void>((resolve) => { refunds++; clock.setTimeout(resolve, 50); }) },
      { name: 'ship', run: () => { throw httpError(400); } },
    ]);
    await clock.advance(200);
    const trip = await pending;
    expect(refunds).toBe(1);
    expect(trip).toMatchObject({ status: 'error', failed: 'ship', compensated: ['charge'], compensationFailures: [] });
  });
});
