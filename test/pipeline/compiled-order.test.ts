import { describe, expect, it } from 'vitest';
import { Bulkhead, HealingPipeline } from '../../src/index.js';
import { httpError } from '../helpers/errors.js';

// The order of the compiled pipeline as users meet it: degrade -> fallback -> bulkhead -> budget
// -> rollback -> 'execution' strategies -> retry -> 'attempt' strategies -> the attempt.
describe('the order of the pipeline', () => {
  it('runs the fallbacks outside the bulkhead: its slot is free again when a fallback runs', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    let activeInFallback = -1;
    const pipeline = new HealingPipeline({
      bulkhead, retry: { maxAttempts: 1 },
      fallback: () => { activeInFallback = bulkhead.active; return 'cached'; },
    });
    const result = await pipeline.execute(async () => { throw httpError(503); }, {});
    expect(result).toMatchObject({ status: 'ok', result: 'cached' });
    expect(activeInFallback).toBe(0);
  });

  it('serves a fallback when the rollback snapshot cannot be taken, without calling fn', async () => {
    let calls = 0;
    const pipeline = new HealingPipeline({
      rollback: { snapshot: () => { throw new Error('no snapshot'); }, restore: () => undefined },
      fallback: { name: 'static', value: 'default' },
    });
    const result = await pipeline.execute(async () => { calls++; return 'live'; }, {});
    expect(calls).toBe(0);
    expect(result).toMatchObject({ status: 'ok', result: 'default', servedBy: 'static', attempts: 0 });
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['rollback', 'snapshot'], ['fallback', undefined]]);
  });

  it('takes no bulkhead slot and no snapshot for a call aborted before it starts', async () => {
    const bulkhead = new Bulkhead({ maxConcurrent: 1 });
    let snapshots = 0;
    const pipeline = new HealingPipeline({
      bulkhead, rollback: { snapshot: () => { snapshots++; return {}; }, restore: () => undefined },
    });
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const result = await pipeline.execute(async () => 'never', {}, { signal: controller.signal });
    expect(result.status).toBe('error');
    expect(result.error).toBe(controller.signal.reason);
    expect([snapshots, bulkhead.active]).toEqual([0, 0]);
  });
});
