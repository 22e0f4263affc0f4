import { afterEach, describe, expect, it } from 'vitest';
import { executeWithHealing, HealingPipeline, type HealingOptions, type ReflectionSpend, type Reflector } from '../../src/index.js';
import { createLLMReflector, LLMRequestError, openAICompatible, type CompleteFunction } from '../../src/reflect/llm/index.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type ScriptedReply } from '../helpers/openai-server.js';
import { ManualClock, flushMicrotasks } from '../helpers/manual-clock.js';
import { configError } from '../helpers/config-error.js';

interface Order { sku: string; qty: number }
const order: Order = { sku: 'A-1', qty: 0 };

/** Refuses qty 0 (a recoverable 400), accepts anything else; counts its calls. */
function orderApi() {
  const calls: Order[] = [];
  const fn = async (args: Order) => {
    calls.push(args);
    if (args.qty === 0) throw Object.assign(new Error('qty must be positive'), { status: 400 });
    return 'placed';
  };
  return Object.assign(fn, { calls });
}

const reasons = (result: { healingActions: Array<{ kind: string; reason?: string }> }) => result.healingActions.map((a) => [a.kind, a.reason]);

/** A promise the test settles when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Resolves 'pending' when `promise` has not settled after the queued continuations ran. */
async function stateOf(promise: Promise<unknown>): Promise<'settled' | 'pending'> {
  let settled = false;
  void promise.then(() => { settled = true; }, () => { settled = true; });
  await flushMicrotasks(50);
  return settled ? 'settled' : 'pending';
}

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a fenced decline', () => {
  it('is a decline exactly like the bare one: fn never runs with null args', async () => {
    for (const reply of ['{"args": null, "reason": "cannot tell"}', '```json\n{"args": null, "reason": "cannot tell"}\n```', '```\n{"args": null}\n```']) {
      const fn = orderApi();
      const reflector = createLLMReflector<Order>({ complete: async () => reply });
      const result = await executeWithHealing(fn, order, { reflector, retry: { maxAttempts: 3 } });
      expect(reasons(result), reply).toEqual([['reflect', 'declined'], ['give_up', 'unrepaired']]);
      expect(fn.calls, reply).toEqual([order]);
    }
  });
});

describe('an async reflectionBudget', () => {
  const propose: Reflector<Order> = () => ({ args: { ...order, qty: 1 }, reason: 'qty must be positive' });

  it('is awaited: a promise of false ends reflection, a promise of true lets it go on', async () => {
    const no = orderApi();
    const refused = await executeWithHealing(no, order, { reflector: propose, reflectionBudget: async () => false });
    expect(reasons(refused)).toEqual([['reflect', 'budget'], ['give_up', 'unrepaired']]);
    expect(no.calls).toHaveLength(1);

    const yes = orderApi();
    const spends: ReflectionSpend[] = [];
    const allowed = await executeWithHealing(yes, order, {
      reflector: propose, reflectionBudget: async (spent) => (spends.push(spent), spent.tokens < 4_000),
    });
    expect(allowed).toMatchObject({ status: 'ok', result: 'placed' });
    expect(spends).toEqual([{ reflections: 0, tokens: 0, costUsd: 0 }]);
  });

  it('counts a rejection or an answer that is not a boolean as "no"', async () => {
    const answers: Array<HealingOptions<Order>['reflectionBudget']> = [
      () => Promise.reject(new Error('budget store down')),
      async () => 'yes' as unknown as boolean,
      async () => undefined as unknown as boolean,
      () => 1 as unknown as boolean,
    ];
    for (const reflectionBudget of answers) {
      const fn = orderApi();
      const result = await executeWithHealing(fn, order, { reflector: propose, reflectionBudget });
      expect(reasons(result)).toEqual([['reflect', 'budget'], ['give_up', 'unrepaired']]);
      expect(fn.calls).toHaveLength(1);
    }
  });

  it('is bounded by the caller\'s signal: an abort ends the execution at once, and fn never starts after it', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const answer = deferred<boolean>();
    const fn = orderApi();
    let reflected = 0;
    const pending = executeWithHealing(fn, order, {
      clock, signal: controller.signal, reflector: () => (reflected++, propose({} as never)), reflectionBudget: () => answer.promise,
    });
    await flushMicrotasks();
    expect(fn.calls).toHaveLength(1);
    expect(await stateOf(pending)).toBe('pending'); // waiting for the budget

    controller.abort(new Error('client went away'));
    expect(await stateOf(pending)).toBe('settled');
    const result = await pending;
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'aborted' });
    expect(result.healingActions.at(-1)!.detail).toContain('reflectionBudget');

    answer.resolve(true); // the late "yes" changes nothing
    await flushMicrotasks();
    expect(fn.calls).toHaveLength(1);
    expect(reflected).toBe(0);
    expect(clock.timerCount).toBe(0);
  });

  it('is bounded by deadlineMs: the execution ends at the deadline while the budget is still pending', async () => {
    const clock = new ManualClock();
    const answer = deferred<boolean>();
    const fn = orderApi();
    const pending = executeWithHealing(fn, order, { clock, deadlineMs: 1_000, reflector: propose, reflectionBudget: () => answer.promise });
    await flushMicrotasks();
    await clock.advance(999);
    expect(await stateOf(pending)).toBe('pending');
    await clock.advance(1);
    expect(await stateOf(pending)).toBe('settled');
    const result = await pending;
    expect(result.durationMs).toBe(1_000);
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'deadline' });

    answer.resolve(true);
    await flushMicrotasks();
    expect(fn.calls).toHaveLength(1);
    expect(clock.timerCount).toBe(0);
  });

  it('is still refused at configuration when it is not a function', () => {
    expect(configError(() => new HealingPipeline({ reflectionBudget: Promise.resolve(true) as never })).option).toBe('reflectionBudget');
  });
});

describe('a non-answer from the model', () => {
  const retry = { maxAttempts: 3, minDelayMs: 0, jitter: false };
  const transport = () => openAICompatible({ baseURL: server!.baseURL, apiKey: server!.apiKey, model: 'm', retry });
  const heal = (fn: ReturnType<typeof orderApi>) => executeWithHealing(fn, order, { reflector: createLLMReflector<Order>({ complete: transport() }) });
  const messages = [{ role: 'user' as const, content: 'repair these args, answer json' }];
  const completeOnce = (complete: CompleteFunction) => complete(messages, { signal: new AbortController().signal, responseSchema: {} });

  const nonAnswers: Array<[string, ScriptedReply, RegExp]> = [
    ['a refusal', { refusal: 'I cannot help with that.' }, /the model refused: I cannot help with that/],
    ['a 200 that is not JSON', { rawBody: '<html>gateway says hi</html>' }, /200 with a body that is not JSON/],
    ['a 200 with an empty body', { rawBody: '' }, /200 with an empty body/],
    ['a 200 without choices', { rawBody: JSON.stringify({ choices: [] }) }, /without choices\[0\]\.message\.content/],
    ['empty content', { content: '' }, /without choices\[0\]\.message\.content/],
    ['blank content', { content: ' \n ' }, /without choices\[0\]\.message\.content/],
  ];

  for (const [name, reply, message] of nonAnswers) {
    it(`${name}: asked for once, an LLMRequestError with nonAnswer: true`, async () => {
      server = await startFakeOpenAIServer();
      server.script.push(reply, reply, reply);
      const error: unknown = await completeOnce(transport()).then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(LLMRequestError);
      expect(error).toMatchObject({ nonAnswer: true, message: expect.stringMatching(message) });
      expect(server.requests).toHaveLength(1);
    });
  }

  it('ends reflection (reflector-error) after one request, and fn is not run again', async () => {
    server = await startFakeOpenAIServer();
    server.script.push({ refusal: 'I cannot help with that.' }, { refusal: 'I cannot help with that.' }, { refusal: 'I cannot help with that.' });
    const fn = orderApi();
    const result = await heal(fn);
    expect(server.requests).toHaveLength(1);
    expect(reasons(result)).toEqual([['reflect', 'reflector-error'], ['give_up', 'unrepaired']]);
    expect(result.healingActions[0]!.detail).toContain('the model refused');
    expect(fn.calls).toHaveLength(1);
  });

  it('while a 503, or a connection cut in the middle of a 200 body, is still retried', async () => {
    server = await startFakeOpenAIServer();
    const repaired = { content: JSON.stringify({ args: { ...order, qty: 1 }, reason: 'positive' }) };
    server.script.push({ status: 503, error: 'overloaded' }, { cutBody: true }, repaired);
    const fn = orderApi();
    const result = await heal(fn);
    expect(server.requests).toHaveLength(3);
    expect(result).toMatchObject({ status: 'ok', result: 'placed' });
  });

  it('errors that are not a non-answer say nonAnswer: false', async () => {
    server = await startFakeOpenAIServer();
    server.script.push({ status: 400, error: 'bad request' });
    const error: unknown = await completeOnce(transport()).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 400, nonAnswer: false });
  });
});
