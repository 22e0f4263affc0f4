import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, executeWithHealing, HealingPipeline } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

/** A tiny "database" the healed call mutates before failing. */
function makeStore() {
  const store = { balance: 100, restores: 0, snapshots: 0 };
  const rollback = {
    snapshot: () => {
      store.snapshots++;
      return store.balance;
    },
    restore: (saved: number) => {
      store.restores++;
      store.balance = saved;
    },
  };
  return { store, rollback };
}

describe('rollback: snapshot and restore', () => {
  it('restores the snapshot exactly once after the terminal failure, and records it', async () => {
    const { store, rollback } = makeStore();
    const result = await executeWithHealing(async () => {
      store.balance -= 10; // a partial effect, then the failure
      throw networkError();
    }, {}, { rollback, retry: { maxAttempts: 3, minDelayMs: 0 } });
    expect(result.status).toBe('error');
    expect(store).toEqual({ balance: 100, restores: 1, snapshots: 1 });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'retry', 'rollback', 'give_up']);
    expect(result.healingActions[2]).toMatchObject({ kind: 'rollback', succeeded: true, reason: 'restore', attempt: 3 });
    expect(result.healingActions.at(-1)!.reason).toBe('exhausted');
  });

  it('does not roll back a call that succeeded, even after failed attempts', async () => {
    const { store, rollback } = makeStore();
    let calls = 0;
    const result = await executeWithHealing(async () => {
      if (++calls === 1) throw networkError();
      return 'ok';
    }, {}, { rollback, retry: { minDelayMs: 0 } });
    expect(result).toMatchObject({ status: 'ok', attempts: 2 });
    expect(store.restores).toBe(0);
  });

  it('restores before every retry with betweenAttempts, so each attempt starts clean', async () => {
    const { store, rollback } = makeStore();
    const seen: number[] = [];
    let calls = 0;
    const result = await executeWithHealing(async () => {
      seen.push(store.balance);
      store.balance -= 10;
      if (++calls < 3) throw networkError();
      return store.balance;
    }, {}, { rollback: { ...rollback, betweenAttempts: true }, retry: { maxAttempts: 3, minDelayMs: 0 } });
    expect(seen).toEqual([100, 100, 100]);
    expect(result).toMatchObject({ status: 'ok', result: 90 });
    expect(result.healingActions.map((a) => `${a.kind}:${a.reason ?? ''}`)).toEqual(['retry:', 'rollback:restore', 'retry:', 'rollback:restore']);
  });

  it('records a failing restore, never hides it, and keeps the primary error', async () => {
    const result = await executeWithHealing(async () => { throw httpError(400, undefined, 'bad request'); }, {}, {
      rollback: { snapshot: () => 1, restore: () => { throw new Error('restore failed: token=sk-abcdefghijklmnopqrstuvwx'); } },
    });
    expect(result.status).toBe('error');
    expect(result.error!.message).toBe('bad request');
    const rollbackAction = result.healingActions.find((a) => a.kind === 'rollback')!;
    expect(rollbackAction).toMatchObject({ succeeded: false, reason: 'restore' });
    expect(rollbackAction.error).toContain('restore failed');
    expect(rollbackAction.error).not.toContain('sk-abcdefghijklmnopqrstuvwx');
  });

  it('stops retrying when the restore between attempts fails, then still tries the terminal restore once', async () => {
    let restores = 0;
    let calls = 0;
    const result = await executeWithHealing(async () => { calls++; throw networkError(); }, {}, {
      retry: { maxAttempts: 5, minDelayMs: 0 },
      rollback: { snapshot: () => 0, restore: () => { restores++; throw new Error('disk full'); }, betweenAttempts: true },
    });
    expect(calls).toBe(1);
    expect(restores).toBe(2);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'rollback' });
  });

  it('does not call fn when the snapshot throws (its effects could not be undone)', async () => {
    let calls = 0;
    const result = await executeWithHealing(async () => { calls++; return 1; }, {}, {
      rollback: { snapshot: () => { throw new Error('db down'); }, restore: () => {} },
    });
    expect(calls).toBe(0);
    expect(result).toMatchObject({ status: 'error', attempts: 0 });
    expect(result.error!.message).toBe('db down');
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['rollback', 'snapshot'], ['give_up', 'snapshot']]);
  });

  it('awaits an async snapshot before the first attempt', async () => {
    const order: string[] = [];
    await executeWithHealing(async () => { order.push('fn'); throw httpError(404); }, {}, {
      rollback: {
        snapshot: async () => { await Promise.resolve(); order.push('snapshot'); return 's'; },
        restore: async (saved) => { order.push(`restore ${saved}`); },
      },
    });
    expect(order).toEqual(['snapshot', 'fn', 'restore s']);
  });

  it('rolls back before the fallback runs, so the fallback sees restored state', async () => {
    const { store, rollback } = makeStore();
    const result = await executeWithHealing(async () => { store.balance = 0; throw httpError(401); }, {}, {
      rollback, fallback: () => store.balance,
    });
    expect(result).toMatchObject({ status: 'ok', result: 100, healed: true });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['rollback', 'fallback']);
  });

  it('rolls back once after the circuit refuses mid-execution', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('db', { failureThreshold: 1, breakDurationMs: 10_000 });
    const { store, rollback } = makeStore();
    const result = await executeWithHealing(async () => { store.balance -= 10; throw networkError(); }, {}, {
      circuitName: 'db', registry, clock, rollback, retry: { maxAttempts: 3, minDelayMs: 0 },
    });
    expect(result.healingActions.map((a) => a.kind)).toEqual(['retry', 'circuit_open', 'rollback', 'give_up']);
    expect(store).toMatchObject({ balance: 100, restores: 1 });
    expect(result.healingActions.at(-1)!.reason).toBe('circuit_open');
  });

  it('does not roll back when the open circuit refused every attempt (fn never ran, nothing to undo)', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.get('down', { failureThreshold: 1 }).recordFailure();
    const { store, rollback } = makeStore();
    const result = await executeWithHealing(async () => 1, {}, { circuitName: 'down', registry, rollback });
    expect(result.status).toBe('error');
    expect(store.restores).toBe(0);
    expect(result.healingActions.map((a) => a.kind)).toEqual(['circuit_open', 'give_up']);
  });
});

describe('compensate(error, args)', () => {
  it('runs once after the terminal failure with the error and the last args', async () => {
    const calls: Array<[string, unknown]> = [];
    const result = await executeWithHealing(async () => { throw httpError(409, undefined, 'conflict'); }, { orderId: 'o-1' }, {
      compensate: (error, args) => { calls.push([error.message, args]); },
    });
    expect(result.status).toBe('error');
    expect(calls).toEqual([['conflict', { orderId: 'o-1' }]]);
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['rollback', 'compensate'], ['give_up', 'permanent']]);
  });

  it('records an async compensation that rejects', async () => {
    const result = await executeWithHealing(async () => { throw httpError(500); }, {}, {
      retry: { maxAttempts: 1 },
      compensate: async () => { throw new Error('cancel endpoint down'); },
    });
    expect(result.healingActions.find((a) => a.kind === 'rollback')).toMatchObject({ succeeded: false, error: 'cancel endpoint down' });
  });

  it('undoes in reverse order when both are set: compensate the call, then restore the snapshot', async () => {
    const order: string[] = [];
    await executeWithHealing(async () => { throw httpError(403); }, {}, {
      rollback: { snapshot: () => 0, restore: () => { order.push('restore'); } },
      compensate: () => { order.push('compensate'); },
    });
    expect(order).toEqual(['compensate', 'restore']);
  });
});

describe('rollback and abort', () => {
  it('still rolls back, exactly once, when the caller aborts during the backoff wait', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { store, rollback } = makeStore();
    const pending = executeWithHealing(async () => { store.balance -= 10; throw networkError(); }, {}, {
      clock, signal: controller.signal, rollback, retry: { maxAttempts: 5, minDelayMs: 1_000, jitter: 'none' },
    });
    await clock.advance(0);
    controller.abort(new Error('user left'));
    const result = await pending;
    expect(result.healingActions.at(-1)!.reason).toBe('aborted');
    expect(store).toMatchObject({ balance: 100, restores: 1 });
    expect(clock.timerCount).toBe(0);
  });

  it('undoes exactly once per execution, in reverse order, across 200 concurrent executions aborted at random points', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, retry: { maxAttempts: 4, minDelayMs: 100, jitter: 'none' }, timeoutMs: 50 });
    const undos = new Map<number, string[]>();
    const executions: Array<Promise<unknown>> = [];
    const controllers: AbortController[] = [];
    for (let id = 0; id < 200; id++) {
      const controller = new AbortController();
      controllers.push(controller);
      undos.set(id, []);
      executions.push(pipeline.execute(async (_args: { id: number }, { signal }) => {
        // Some attempts hang until the timeout, others fail fast.
        if (id % 3 === 0) return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        throw networkError();
      }, { id }, {
        signal: controller.signal,
        // Async undo steps, so concurrent executions interleave inside their rollbacks too.
        compensate: async (_error, args: { id: number }) => { await Promise.resolve(); undos.get(args.id)!.push('compensate'); },
        rollback: { snapshot: () => id, restore: async (saved: number) => { await Promise.resolve(); undos.get(saved)!.push('restore'); } },
      }));
    }
    // Abort a third of them at staggered moments, while attempts, waits or nothing is in flight.
    for (let step = 0; step < 20; step++) {
      for (let id = step; id < 200; id += 3 * 20) controllers[id]!.abort(new Error('cancelled'));
      await clock.advance(25);
    }
    await clock.advance(10_000);
    const results = (await Promise.all(executions)) as Array<{ attempts: number; healingActions: Array<{ reason?: string }> }>;
    const reasons = new Set(results.map((result) => result.healingActions.at(-1)!.reason));
    expect(reasons).toEqual(new Set(['aborted', 'exhausted']));
    // An execution aborted before its first attempt never called fn: there is nothing to undo.
    for (const [id, steps] of undos) expect(steps).toEqual(results[id]!.attempts === 0 ? [] : ['compensate', 'restore']);
    expect(results.filter((result) => result.attempts > 0).length).toBeGreaterThan(150);
    expect(clock.timerCount).toBe(0);
  });
});

describe('rollback options are validated', () => {
  it('names the missing or wrong function', () => {
    expect(configError(() => new HealingPipeline({ rollback: { snapshot: () => 0 } as never })).option).toBe('rollback.restore');
    expect(configError(() => new HealingPipeline({ rollback: { snapshot: 1, restore: () => {} } as never })).option).toBe('rollback.snapshot');
    expect(configError(() => new HealingPipeline({ compensate: 'undo' as never })).option).toBe('compensate');
    expect(configError(() => new HealingPipeline({ rollback: { snapshot: () => 0, restore: () => {}, betweenAttempts: 'yes' } as never })).option)
      .toBe('rollback.betweenAttempts');
  });
});
