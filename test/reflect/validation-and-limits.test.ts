import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ErrorClassifier, executeWithHealing, HealingConfigError, type Reflector } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

interface Order { sku: string; qty: number; shipTo: { zip: string; country: string } }
const order: Order = { sku: 'A-1', qty: 0, shipTo: { zip: '1000', country: 'BE' } };

/** Rejects qty < 1 with a validation error naming the field, as zod would. */
const placeOrder = vi.fn(async (args: Order) => {
  if (args.qty < 1) throw Object.assign(new Error('qty must be at least 1'), { status: 422, issues: [{ path: ['qty'], message: 'too small' }] });
  return `ordered ${args.qty}`;
});

const propose = (args: unknown, reason = 'fix'): Reflector<Order> => () => ({ args: args as Order, reason });
const reasons = (result: { healingActions: Array<{ kind: string; reason?: string }> }) => result.healingActions.map((a) => [a.kind, a.reason]);

describe('the proposal checks, in order', () => {
  it('runs them in the documented order: parse, forbidden-key, disallowed-path, schema, guard, no-change', async () => {
    const schema = z.object({ sku: z.string(), qty: z.number().int().max(10), shipTo: z.object({ zip: z.string(), country: z.string() }) });
    const answers = [
      { json: 'not json' },
      { args: JSON.parse('{"sku":"A-1","qty":99,"shipTo":{"zip":"1000","country":"BE"},"constructor":{}}'), reason: 'forbidden beats the rest' },
      { args: { ...order, qty: 99, sku: 'B-2' }, reason: 'path beats schema' },
      { args: { ...order, qty: 99 }, reason: 'schema' },
      { args: { ...order, qty: 5 }, reason: 'guard refuses > 3' },
      { args: { ...order }, reason: 'no change' },
    ];
    const result = await executeWithHealing(placeOrder, order, {
      reflector: () => answers.shift(), argsSchema: schema, maxReflections: 6,
      accept: (_original, proposed) => proposed.qty <= 3,
    });
    expect(reasons(result)).toEqual([
      ['reflect', 'parse'], ['reflect', 'forbidden-key'], ['reflect', 'disallowed-path'], ['reflect', 'schema'],
      ['reflect', 'guard'], ['reflect', 'no-change'], ['give_up', 'unrepaired'],
    ]);
  });

  it('allows only the paths the validation error names, by default', async () => {
    const changesZip = await executeWithHealing(placeOrder, order, { reflector: propose({ ...order, qty: 1, shipTo: { ...order.shipTo, zip: '2000' } }), maxReflections: 1 });
    expect(changesZip.healingActions[0]).toMatchObject({ reason: 'disallowed-path' });
    expect(changesZip.healingActions[0]!.detail).toContain('changes shipTo.zip');

    const onlyQty = await executeWithHealing(placeOrder, order, { reflector: propose({ ...order, qty: 1 }) });
    expect(onlyQty).toMatchObject({ status: 'ok', args: { qty: 1 } });
  });

  it('allows every path when the error names none, and exactly mutablePaths when given (with * wildcards)', async () => {
    const plain = async (args: Order) => {
      if (args.shipTo.country !== 'NL') throw Object.assign(new Error('invalid parameter: cannot ship there'), { status: 400 });
      return 'ok';
    };
    const anyPath = await executeWithHealing(plain, order, { reflector: propose({ ...order, sku: 'X', shipTo: { zip: '1', country: 'NL' } }) });
    expect(anyPath.status).toBe('ok');

    const onlyCountry = await executeWithHealing(plain, order, {
      reflector: propose({ ...order, sku: 'X', shipTo: { zip: '1', country: 'NL' } }), mutablePaths: ['shipTo.country'], maxReflections: 1,
    });
    expect(onlyCountry.healingActions[0]!.detail).toContain('changes sku, which may not change (may change: shipTo.country)');

    const lines = { lines: [{ sku: 'a', qty: 0 }, { sku: 'b', qty: 0 }] };
    const wildcard = await executeWithHealing(async (args: typeof lines) => {
      if (args.lines.some((l) => l.qty < 1)) throw Object.assign(new Error('invalid qty'), { status: 422 });
      return 'ok';
    }, lines, { reflector: () => ({ args: { lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] }, reason: 'r' }), mutablePaths: ['lines[*].qty'] });
    expect(wildcard.status).toBe('ok');
  });

  it('treats a throwing or non-true guard as a refusal, and awaits an async guard', async () => {
    const throwing = await executeWithHealing(placeOrder, order, { reflector: propose({ ...order, qty: 1 }), maxReflections: 1,
      accept: () => { throw new Error('guard broke'); } });
    expect(throwing.healingActions[0]).toMatchObject({ reason: 'guard' });
    expect(throwing.healingActions[0]!.detail).toContain('guard broke');

    const truthy = await executeWithHealing(placeOrder, order, { reflector: propose({ ...order, qty: 1 }), maxReflections: 1, accept: () => 'yes' as never });
    expect(truthy.healingActions[0]).toMatchObject({ reason: 'guard' });

    const asyncOk = await executeWithHealing(placeOrder, order, { reflector: propose({ ...order, qty: 1 }), accept: async () => true });
    expect(asyncOk.status).toBe('ok');
  });
});

describe('limits on reflection', () => {
  it('ends reflection at reflectionTimeoutMs and aborts the reflector signal', async () => {
    const clock = new ManualClock();
    let signal: AbortSignal | undefined;
    const pending = executeWithHealing(placeOrder, order, {
      clock, reflectionTimeoutMs: 2_000,
      reflector: (request) => {
        signal = request.signal;
        return new Promise(() => {}); // never answers, ignores its signal
      },
    });
    await clock.advance(1_999);
    expect(signal!.aborted).toBe(false);
    await clock.advance(1);
    const result = await pending;
    expect(signal!.aborted).toBe(true);
    expect(reasons(result)).toEqual([['reflect', 'timeout'], ['give_up', 'unrepaired']]);
    expect(clock.timerCount).toBe(0);
  });

  it('stops at once when the caller aborts during reflection', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = executeWithHealing(placeOrder, order, {
      signal: controller.signal, clock: new ManualClock(),
      reflector: (request) => {
        seen = request.signal;
        return new Promise(() => {});
      },
    });
    await vi.waitFor(() => expect(seen).toBeDefined());
    controller.abort();
    const result = await pending;
    expect(seen!.aborted).toBe(true);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
  });

  it('stops when reflectionBudget says so, with what was spent, and treats a throwing budget as spent', async () => {
    let n = 0;
    const reflector: Reflector<Order> = () => ({ args: { ...order, qty: -(++n) }, reason: 'r', usage: { tokens: 300, costUsd: 0.002 } });
    const spends: unknown[] = [];
    const result = await executeWithHealing(placeOrder, order, {
      reflector, maxReflections: 5, retry: { maxAttempts: 10 },
      reflectionBudget: (spent) => (spends.push(spent), spent.costUsd < 0.003),
    });
    expect(reasons(result)).toEqual([['reflect', 'accepted'], ['reflect', 'accepted'], ['reflect', 'budget'], ['give_up', 'unrepaired']]);
    expect(spends.at(-1)).toEqual({ reflections: 2, tokens: 600, costUsd: 0.004 });

    const throwing = await executeWithHealing(placeOrder, order, { reflector, reflectionBudget: () => { throw new Error('x'); } });
    expect(reasons(throwing)).toEqual([['reflect', 'budget'], ['give_up', 'unrepaired']]);
  });

  it('does not reflect calls marked idempotent: false unless reflectNonIdempotent is set', async () => {
    const reflector = vi.fn(propose({ ...order, qty: 1 }));
    const off = await executeWithHealing(placeOrder, order, { reflector, idempotent: false });
    expect(reflector).not.toHaveBeenCalled();
    expect(off.healingActions.at(-1)!.detail).toContain('idempotent: false');

    const on = await executeWithHealing(placeOrder, order, { reflector, idempotent: false, reflectNonIdempotent: true });
    expect(on.status).toBe('ok');
  });

  it('never reflects an auth error, even when a classifier calls it recoverable', async () => {
    const reflector = vi.fn(propose({ ...order, qty: 1 }));
    const classifier = new ErrorClassifier({ rules: [{ match: /token expired/, disposition: 'recoverable', category: 'auth' }] });
    const result = await executeWithHealing(async () => { throw new Error('token expired'); }, order, { reflector, classifier });
    expect(reflector).not.toHaveBeenCalled();
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
    expect(result.healingActions.at(-1)!.detail).toContain('auth errors are never reflected');
  });
});

describe('bad reflection options', () => {
  it('names the option and what is expected', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ mutablePaths: 'qty' }, 'mutablePaths'],
      [{ accept: true }, 'accept'],
      [{ reflectionTimeoutMs: -1 }, 'reflectionTimeoutMs'],
      [{ reflectionBudget: 5 }, 'reflectionBudget'],
      [{ idempotent: 'no' }, 'idempotent'],
      [{ redact: true }, 'redact'],
      [{ redact: { keys: [42] } }, 'redact.keys.0'],
      [{ redact: { patterns: ['sk-'] } }, 'redact.patterns.0'],
      [{ redact: { path: ['x'] } }, 'redact.path'],
    ];
    for (const [options, option] of cases) {
      const error: unknown = await executeWithHealing(async () => 1, {}, options as never).then(() => undefined, (e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(HealingConfigError);
      expect((error as HealingConfigError).option, JSON.stringify(options)).toBe(option);
    }
  });
});
