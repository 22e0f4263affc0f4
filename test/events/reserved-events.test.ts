/**
 * `rollback` and `escalate` are emitted by steps that other work adds (a rollback step records
 * `rollback` actions; an escalation hook calls `hub.escalate`). These tests pin the contract those
 * steps rely on, through the execution's own recording calls.
 */
import { describe, expect, it } from 'vitest';
import { HealingPipeline, type PipelineEvents } from '../../src/index.js';
import { Execution } from '../../src/pipeline/execution.js';
import type { ExecutionPlan } from '../../src/pipeline/plan.js';

function planOf(pipeline: HealingPipeline): ExecutionPlan {
  return (pipeline as unknown as { plan: ExecutionPlan }).plan;
}

describe('rollback and escalate events', () => {
  it('a recorded rollback action reaches rollback and action listeners', () => {
    const pipeline = new HealingPipeline({ name: 'orders' });
    const seen: Array<[string, PipelineEvents['rollback']]> = [];
    pipeline.on('rollback', (event) => seen.push(['rollback', event]));
    pipeline.on('action', (event) => seen.push(['action', event]));
    const run = new Execution(planOf(pipeline), () => 1, {});
    run.fail(new Error('stock reservation failed, password=hunter2'));
    run.record({ kind: 'rollback', attempt: 1, detail: 'released the reservation' });
    expect(seen.map(([name]) => name)).toEqual(['action', 'rollback']);
    expect(seen[1]![1]).toMatchObject({ pipeline: 'orders', executionId: 1, action: { kind: 'rollback', error: 'stock reservation failed, password=[REDACTED]' } });
  });

  it('escalate carries the reason, the attempt and the redacted error', () => {
    const pipeline = new HealingPipeline({ name: 'orders', circuitName: 'warehouse' });
    const seen: Array<PipelineEvents['escalate']> = [];
    pipeline.on('escalate', (event) => seen.push(event));
    const run = new Execution(planOf(pipeline), () => 1, {});
    run.attempts = 3;
    run.fail(new Error('api_key=abcdefghijkl refused'));
    run.hub!.escalate(run, 'needs a human');
    expect(seen).toEqual([{
      pipeline: 'orders', circuit: 'warehouse', executionId: 1, at: expect.any(Number),
      reason: 'needs a human', attempt: 3, error: 'api_key=[REDACTED] refused', severity: 'medium',
    }]);
  });
});
