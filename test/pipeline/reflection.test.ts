import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { executeWithHealing, refreshEnvironment, type Reflector } from '../../src/index.js';
import { httpError } from '../helpers/errors.js';

afterEach(() => {
  vi.unstubAllEnvs();
  refreshEnvironment();
});

interface Booking { date: string; room?: number }

/** A service that accepts only ISO dates, as the seed's date example. */
function bookRoom() {
  const calls: Booking[] = [];
  const fn = async (args: Booking) => {
    calls.push(args);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(args.date)) throw new Error('Invalid date format: expected YYYY-MM-DD');
    return `booked ${args.date}`;
  };
  return Object.assign(fn, { calls });
}

const isoDate: Reflector<Booking> = ({ args }) => {
  const [month, day, year] = args.date.split('-');
  return { args: { ...args, date: `${year}-${month}-${day}` }, reason: 'MM-DD-YYYY to ISO 8601' };
};

describe('reflection of recoverable failures', () => {
  it('retries with the args the reflector repaired, and reports them', async () => {
    const fn = bookRoom();
    const result = await executeWithHealing(fn, { date: '01-19-2026', room: 4 }, { reflector: isoDate });
    expect(result).toMatchObject({ status: 'ok', result: 'booked 2026-01-19', attempts: 2, healed: true, args: { date: '2026-01-19', room: 4 } });
    expect(fn.calls).toEqual([{ date: '01-19-2026', room: 4 }, { date: '2026-01-19', room: 4 }]);
    expect(result.healingActions).toMatchObject([{ kind: 'reflect', attempt: 1, succeeded: true, category: 'invalid_arguments' }]);
    expect(result.healingActions[0]!.detail).toContain('MM-DD-YYYY to ISO 8601');
  });

  it('gives the reflector the error, its classification, the args, the attempt, history and a signal', async () => {
    const requests: Parameters<Reflector>[0][] = [];
    const reflector: Reflector<Booking> = (request) => {
      requests.push(request as never);
      return { args: { date: request.history.length === 0 ? '2026/01/19' : '2026-01-19' }, reason: `try ${request.history.length + 1}` };
    };
    const result = await executeWithHealing(bookRoom(), { date: '01-19-2026' }, { reflector, maxReflections: 2, retry: { maxAttempts: 3 } });
    expect(result.status).toBe('ok');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ attempt: 1, args: { date: '01-19-2026' }, classification: { disposition: 'recoverable' } });
    expect(requests[0]!.error.message).toContain('Invalid date format');
    expect(requests[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(requests[1]!.history).toMatchObject([{ attempt: 1, proposedArgs: { date: '2026/01/19' }, accepted: true, reason: 'try 1' }]);
  });

  it('never executes a proposal that fails argsSchema, and records why', async () => {
    const fn = bookRoom();
    const schema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), room: z.number().optional() });
    const proposals = [{ args: { date: 42 }, reason: 'bad type' }, { args: { date: '2026-01-19' }, reason: 'good' }];
    const result = await executeWithHealing(fn, { date: '01-19-2026' }, { reflector: () => proposals.shift() as never, argsSchema: schema });
    expect(fn.calls).toEqual([{ date: '01-19-2026' }, { date: '2026-01-19' }]);
    expect(result.status).toBe('ok');
    expect(result.healingActions.map((a) => [a.kind, a.succeeded, a.reason])).toEqual([
      ['reflect', false, 'schema'],
      ['reflect', true, 'accepted'],
    ]);
    expect(result.healingActions[0]!.detail).toContain('date');
  });

  it('builds proposed args as fresh objects: a __proto__ key is refused and pollutes nothing', async () => {
    const fn = bookRoom();
    const malicious = JSON.parse('{"args":{"date":"2026-01-19","__proto__":{"polluted":true}},"reason":"x"}');
    const result = await executeWithHealing(fn, { date: '01-19-2026' }, { reflector: () => malicious, maxReflections: 1 });
    expect(fn.calls).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(result.healingActions[0]).toMatchObject({ kind: 'reflect', succeeded: false, reason: 'forbidden-key' });
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'unrepaired' });
  });

  it('refuses constructor and prototype keys at any depth', async () => {
    for (const key of ['constructor', 'prototype']) {
      const fn = bookRoom();
      const proposal = { args: { date: '2026-01-19', nested: { [key]: { evil: 1 } } }, reason: 'x' };
      const result = await executeWithHealing(fn, { date: '01-19-2026' }, { reflector: () => proposal, maxReflections: 1 });
      expect(fn.calls).toHaveLength(1);
      expect(result.healingActions[0]!.reason).toBe('forbidden-key');
    }
  });

  it('does not let the executed args share objects with the proposal', async () => {
    const proposal = { args: { date: '2026-01-19', tags: ['a'] }, reason: 'x' };
    const result = await executeWithHealing(bookRoom(), { date: '01-19-2026' }, { reflector: () => proposal });
    expect(result.args).toEqual({ date: '2026-01-19', tags: ['a'] });
    expect(result.args).not.toBe(proposal.args);
    expect((result.args as { tags: string[] }).tags).not.toBe(proposal.args.tags);
  });

  it('ends reflection without rejecting when the reflector throws', async () => {
    const fn = bookRoom();
    const result = await executeWithHealing(fn, { date: '01-19-2026' }, { reflector: () => { throw new Error('LLM down'); } });
    expect(result.status).toBe('error');
    expect(fn.calls).toHaveLength(1);
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['reflect', 'reflector-error'], ['give_up', 'unrepaired']]);
    expect(result.error!.message).toContain('Invalid date format'); // the call's error, not the reflector's
  });

  it('ends reflection when the reflector returns nothing', async () => {
    for (const answer of [null, undefined]) {
      const fn = bookRoom();
      const result = await executeWithHealing(fn, { date: '01-19-2026' }, { reflector: async () => answer });
      expect(fn.calls).toHaveLength(1);
      expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['reflect', 'declined'], ['give_up', 'unrepaired']]);
    }
  });

  it('records garbage from the reflector as a rejected proposal and never executes it', async () => {
    for (const garbage of ['{"date":"2026-01-19"}', 42, [1, 2], { reason: 'no args' }, { args: () => 1 }, { args: { date: Symbol('x') } }]) {
      const fn = bookRoom();
      const result = await executeWithHealing(fn, { date: '01-19-2026' }, { reflector: () => garbage as never, maxReflections: 1 });
      expect(fn.calls).toHaveLength(1);
      expect(result.status).toBe('error');
      expect(result.healingActions[0]).toMatchObject({ kind: 'reflect', succeeded: false });
      expect(['parse', 'invalid-value']).toContain(result.healingActions[0]!.reason);
    }
  });

  it('rejects a proposal equal to the failed args, or one already tried', async () => {
    const calls: string[] = [];
    const answers = ['A', 'B', 'C', 'B'].map((date) => ({ args: { date }, reason: date }));
    const result = await executeWithHealing(async (args: Booking) => {
      calls.push(args.date);
      throw new Error(`Invalid date format: ${args.date}`);
    }, { date: 'A' }, { reflector: () => answers.shift(), maxReflections: 4, retry: { maxAttempts: 10 } });
    expect(calls).toEqual(['A', 'B', 'C']);
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([
      ['reflect', 'no-change'],
      ['reflect', 'accepted'],
      ['reflect', 'accepted'],
      ['reflect', 'repeat'],
      ['give_up', 'unrepaired'],
    ]);
  });

  it('stops after maxReflections', async () => {
    let asked = 0;
    const fn = async () => { throw new Error('invalid parameter: x'); };
    const result = await executeWithHealing(fn, { x: 0 }, {
      reflector: () => ({ args: { x: ++asked }, reason: 'next' }),
      maxReflections: 2,
      retry: { maxAttempts: 10 },
    });
    expect(asked).toBe(2);
    expect(result.attempts).toBe(3);
    expect(result.healingActions.at(-1)!.reason).toBe('unrepaired');
  });

  it('never reflects a transient or permanent error', async () => {
    const reflector = vi.fn(() => ({ args: { x: 1 }, reason: 'r' }));
    await executeWithHealing(async () => { throw httpError(401); }, { x: 0 }, { reflector });
    await executeWithHealing(async () => { throw httpError(503); }, { x: 0 }, { reflector, retry: { minDelayMs: 0 } });
    expect(reflector).not.toHaveBeenCalled();
  });

  it('reflects on methods whose args are a parameter list', async () => {
    const result = await executeWithHealing(async ([a, b]: [number, number]) => {
      if (b === 0) throw new TypeError('divisor must not be zero');
      return a / b;
    }, [6, 0] as [number, number], { reflector: ({ args }) => ({ args: [args[0], 3] as [number, number], reason: 'non-zero divisor' }) });
    expect(result).toMatchObject({ status: 'ok', result: 2, args: [6, 3] });
  });

  it('is switched off by SELF_HEALING_REFLECTION_ENABLED=false, whatever the options say', async () => {
    vi.stubEnv('SELF_HEALING_REFLECTION_ENABLED', 'false');
    refreshEnvironment();
    const reflector = vi.fn(isoDate);
    const result = await executeWithHealing(bookRoom(), { date: '01-19-2026' }, { reflector });
    expect(reflector).not.toHaveBeenCalled();
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'unrepaired' });
    expect(result.healingActions.at(-1)!.detail).toContain('SELF_HEALING_REFLECTION_ENABLED');
  });
});
