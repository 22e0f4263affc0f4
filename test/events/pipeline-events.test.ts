import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, type PipelineEvents } from '../../src/index.js';
import { failing, httpError, networkError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';

function recorder(pipeline: HealingPipeline, events: Array<keyof PipelineEvents>) {
  const seen: Array<[string, any]> = [];
  for (const event of events) pipeline.on(event, (payload) => seen.push([event, payload]));
  return seen;
}

describe('pipeline events', () => {
  it('tells attempts, retries, actions and the outcome of a healed call, in order, tied by executionId', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const pipeline = new HealingPipeline({ name: 'billing', circuitName: 'stripe', registry, retry: { minDelayMs: 100, jitter: 'none' } });
    const seen = recorder(pipeline, ['attempt', 'retry', 'action', 'success', 'failure']);
    const fn = failing([networkError()], 'paid');
    const pending = pipeline.execute(fn, {});
    await clock.advance(100);
    const result = await pending;

    expect(seen.map(([event]) => event)).toEqual(['attempt', 'action', 'retry', 'attempt', 'success']);
    expect(new Set(seen.map(([, payload]) => payload.executionId))).toEqual(new Set([1]));
    expect(seen[0]![1]).toMatchObject({ pipeline: 'billing', circuit: 'stripe', attempt: 1, ok: false, category: 'network', durationMs: 0 });
    expect(seen[0]![1].error).toMatch(/ECONNRESET/);
    expect(seen[2]![1].action).toBe(result.healingActions[0]);
    expect(seen[3]![1]).toMatchObject({ attempt: 2, ok: true });
    expect(seen[4]![1]).toMatchObject({ result, startedAt: clock.now() - 100, at: clock.now() });
  });

  it('tells a failure with its give_up action, and fallback events', async () => {
    const pipeline = new HealingPipeline({ name: 'p', retry: { maxAttempts: 1 }, fallback: () => { throw new Error('cache down'); } });
    const seen = recorder(pipeline, ['fallback', 'action', 'failure', 'success']);
    const result = await pipeline.execute(failing([httpError(503)], 1), {});
    expect(result.status).toBe('error');
    expect(seen.map(([event, payload]) => event === 'action' ? `action:${payload.action.kind}` : event))
      .toEqual(['action:fallback', 'fallback', 'action:give_up', 'failure']);
    expect(seen[1]![1].action).toMatchObject({ kind: 'fallback', succeeded: false, error: 'cache down' });
  });

  it('emits only to the events listened to, and a listener that throws breaks nothing', async () => {
    const pipeline = new HealingPipeline({ retry: { minDelayMs: 0 } });
    let successes = 0;
    pipeline.on('attempt', () => { throw new Error('observer bug'); });
    pipeline.on('success', () => successes++);
    const result = await pipeline.execute(failing([httpError(503)], 'ok'), {});
    expect(result).toMatchObject({ status: 'ok', attempts: 2 });
    expect(successes).toBe(1);
  });

  it('a listener whose promise rejects breaks nothing and leaves no unhandled rejection, whatever its promise library', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const pipeline = new HealingPipeline();
      let foreignHandled = false;
      pipeline.on('attempt', async () => { throw new Error('async observer bug'); });
      // A thenable of another promise library: handled once a rejection handler is attached to it.
      pipeline.on('success', () => ({ then(_resolve: unknown, reject?: (reason: unknown) => void) { foreignHandled = typeof reject === 'function'; reject?.(new Error('foreign')); } }));
      const result = await pipeline.execute(async () => 'ok', {});
      await new Promise((resolve) => setImmediate(resolve)); // past the microtasks where a rejection would be reported
      expect(result.status).toBe('ok');
      expect(foreignHandled).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('stops emitting after unsubscribe, and numbers only observed executions', async () => {
    const pipeline = new HealingPipeline();
    const ids: number[] = [];
    const off = pipeline.on('success', ({ executionId }) => ids.push(executionId));
    await pipeline.execute(async () => 1, {});
    off();
    off(); // twice is harmless
    await pipeline.execute(async () => 1, {});
    const again = pipeline.on('success', ({ executionId }) => ids.push(executionId));
    await pipeline.execute(async () => 1, {});
    again();
    expect(ids).toEqual([1, 2]);
  });

  it('an attempt that began before anyone listened is not reported (it was not timed); the next one is, with its duration', async () => {
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, timeoutMs: 1_000, retry: { minDelayMs: 0 } });
    pipeline.on('success', () => {}); // someone listens, but not to attempts
    const durations: number[] = [];
    let calls = 0;
    const pending = pipeline.execute(() => new Promise<string>((resolve, reject) => {
      calls++;
      clock.setTimeout(() => (calls === 1 ? reject(httpError(503)) : resolve('ok')), 40);
    }), {});
    pipeline.on('attempt', ({ durationMs }) => durations.push(durationMs)); // while attempt 1 runs
    await clock.advance(40);
    await clock.advance(40);
    expect((await pending).attempts).toBe(2);
    expect(durations).toEqual([40]);
  });

  it('one unsubscribe removes its own subscription only; a listener added during an emit hears the next one', async () => {
    const pipeline = new HealingPipeline();
    let heard = 0;
    const listener = () => { heard++; };
    const offFirst = pipeline.on('success', listener);
    pipeline.on('success', listener); // another module subscribes the same function
    await pipeline.execute(async () => 1, {});
    expect(heard).toBe(2);
    offFirst();
    await pipeline.execute(async () => 1, {});
    expect(heard).toBe(3);

    let rounds = 0;
    const again = () => { rounds++; if (rounds < 1_000) pipeline.on('failure', again); };
    pipeline.on('failure', again); // subscribes itself again as it runs: must not loop within one emit
    await pipeline.execute(async () => { throw httpError(404); }, {});
    expect(rounds).toBe(1);
    await pipeline.execute(async () => { throw httpError(404); }, {});
    expect(rounds).toBe(3);
  });

  it('names the pipeline after its circuit, else "default"', () => {
    expect(new HealingPipeline({ circuitName: 'search' }).name).toBe('search');
    expect(new HealingPipeline().name).toBe('default');
    expect(new HealingPipeline({ name: 'x', circuitName: 'y' }).name).toBe('x');
  });

  it('reports events of per-call overrides under the pipeline name and the override circuit', async () => {
    const registry = new CircuitBreakerRegistry();
    const pipeline = new HealingPipeline({ name: 'p', registry, circuitName: 'a' });
    const circuits: Array<string | undefined> = [];
    pipeline.on('success', ({ pipeline: name, circuit }) => circuits.push(`${name}/${circuit}`));
    await pipeline.execute(async () => 1, {}, { circuitName: 'b' });
    expect(circuits).toEqual(['p/b']);
  });

  it('relays circuit:* events of its own circuit only', async () => {
    const registry = new CircuitBreakerRegistry();
    registry.get('mine', { failureThreshold: 1 });
    registry.get('other', { failureThreshold: 1 });
    const pipeline = new HealingPipeline({ circuitName: 'mine', registry, retry: { maxAttempts: 1 } });
    const opened: string[] = [];
    const rejected: string[] = [];
    pipeline.on('circuit:open', ({ circuit, reason }) => opened.push(`${circuit}:${reason}`));
    pipeline.on('circuit:reject', ({ circuit }) => rejected.push(circuit));
    registry.get('other').recordFailure();
    await pipeline.execute(failing([httpError(503)], 1), {});
    await pipeline.execute(async () => 1, {});
    expect(opened).toEqual(['mine:failure-threshold']);
    expect(rejected).toEqual(['mine']);
  });

  it('rejects unknown events, non-function listeners and circuit events without a circuit', () => {
    const pipeline = new HealingPipeline();
    expect(() => pipeline.on('retries' as never, () => {})).toThrow(HealingConfigError);
    expect(() => pipeline.on('retry', 42 as never)).toThrow(/expected a function/);
    expect(() => pipeline.on('circuit:open', () => {})).toThrow(/needs a pipeline with a circuitName/);
  });

  it('rejects an invalid name option', () => {
    expect(() => new HealingPipeline({ name: '' })).toThrow(/Invalid `name`/);
  });
});

describe('log lines of a named pipeline', () => {
  it('carry the pipeline name next to the action fields', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (fields: object) => lines.push(fields as Record<string, unknown>), warn: () => {}, error: () => {} };
    const named = new HealingPipeline({ name: 'billing', logger, retry: { minDelayMs: 0 } });
    await named.execute(failing([httpError(503)], 1), {});
    expect(lines).toEqual([expect.objectContaining({ healing: true, pipeline: 'billing', kind: 'retry', attempt: 1 })]);
    lines.length = 0;
    await new HealingPipeline({ logger, retry: { minDelayMs: 0 } }).execute(failing([httpError(503)], 1), {});
    expect(lines[0]).not.toHaveProperty('pipeline');
  });

  it('keep the pipeline name when a call gives its own `name` (it keys that call\'s stateful options), as events and statistics do', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info: (fields: object) => lines.push(fields as Record<string, unknown>), warn: () => {}, error: () => {} };
    const payments = new HealingPipeline({ name: 'payments', logger, retry: { minDelayMs: 0 } });
    const eventNames: string[] = [];
    payments.on('success', ({ pipeline }) => eventNames.push(pipeline));
    await payments.execute(failing([httpError(503)], 1), {}, { name: 'refunds' });
    expect(lines.map((line) => line.pipeline)).toEqual(['payments']);
    expect(eventNames).toEqual(['payments']);
  });
});
