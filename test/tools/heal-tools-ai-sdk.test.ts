/**
 * Healed tools inside the real Vercel AI SDK loop: `tool()` from `ai` defines them and
 * `generateText` with the SDK's own mock model calls them, so what runs is what an agent runs.
 * Time is a manual clock: backoff waits pass when the test says so.
 */
import { generateText, isStepCount, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CircuitBreakerRegistry, HealingError } from '../../src/index.js';
import { healTools } from '../../src/tools/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

/** A model that asks for `toolName` with `input`, then answers with text once it has the result. */
function modelCalling(toolName: string, input: unknown) {
  return new MockLanguageModelV4({
    doGenerate: [
      {
        content: [{ type: 'tool-call', toolCallId: 'call-1', toolName, input: JSON.stringify(input) }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage,
        warnings: [],
      },
      { content: [{ type: 'text', text: 'done' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] },
    ],
  });
}

/**
 * Lets the event loop turn (no time passes on any clock) until `ready`: the SDK's loop reaches
 * a tool through more than a few promise hops, so a test waits for the state it asserts on.
 */
async function until(ready: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !ready(); turn++) await new Promise((resolve) => setImmediate(resolve));
  if (!ready()) throw new Error('never got there');
}

const unavailable = () => Object.assign(new Error('search backend: HTTP 503 Service Unavailable'), { status: 503 });

describe('healTools with the Vercel AI SDK', () => {
  it('a tool that fails twice with a 503 is healed inside generateText, and the model gets its result', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const seen: { query: string; toolCallId: string; messages: number; signal: boolean }[] = [];
    const tools = healTools({
      search: tool({
        description: 'Search the web',
        inputSchema: z.object({ query: z.string() }),
        execute: async ({ query }, { toolCallId, messages, abortSignal }) => {
          seen.push({ query, toolCallId, messages: messages.length, signal: abortSignal instanceof AbortSignal });
          if (seen.length <= 2) throw unavailable();
          return { hits: [`result for ${query}`] };
        },
      }),
    }, { clock, registry, retry: { maxAttempts: 3, minDelayMs: 1_000, jitter: 'none' } });

    const pending = generateText({ model: modelCalling('search', { query: 'oslo' }), tools, prompt: 'Find Oslo', stopWhen: isStepCount(2) });
    await until(() => seen.length === 1 && clock.timerCount === 1);
    await clock.advance(1_000); // the first backoff
    await until(() => seen.length === 2 && clock.timerCount === 1);
    await clock.advance(2_000); // the second backoff
    const result = await pending;

    expect(seen).toEqual([
      { query: 'oslo', toolCallId: 'call-1', messages: 1, signal: true },
      { query: 'oslo', toolCallId: 'call-1', messages: 1, signal: true },
      { query: 'oslo', toolCallId: 'call-1', messages: 1, signal: true },
    ]);
    const toolResults = result.steps[0]!.toolResults;
    expect(toolResults).toHaveLength(1);
    expect(toolResults[0]).toMatchObject({ toolName: 'search', output: { hits: ['result for oslo'] } });
    expect(result.text).toBe('done');
    expect(registry.find('tool:search')?.state).toBe('CLOSED');
  });

  it('the AI SDK\'s abortSignal ends the retry wait at once', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let calls = 0;
    const tools = healTools({
      search: tool({
        description: 'Search the web',
        inputSchema: z.object({ query: z.string() }),
        execute: async (): Promise<string> => { calls++; throw unavailable(); },
      }),
    }, { clock, registry: new CircuitBreakerRegistry({ clock }), retry: { maxAttempts: 5, minDelayMs: 60_000, jitter: 'none' } });

    let settled = false;
    const pending = generateText({
      model: modelCalling('search', { query: 'oslo' }), tools, prompt: 'Find Oslo', abortSignal: controller.signal, stopWhen: isStepCount(2),
    }).then(
      (value) => { settled = true; return value; },
      (error: unknown) => { settled = true; return error; },
    );
    await until(() => clock.timerCount === 1); // the first attempt failed; the 60 s wait is on
    expect(calls).toBe(1);
    expect(settled).toBe(false);
    controller.abort(new Error('user left'));
    await until(() => settled); // no time passes on the clock

    // generateText rejects with the abort's reason, as it does for an unhealed tool.
    expect(await pending).toMatchObject({ message: 'user left' });
    expect(calls).toBe(1);
    expect(clock.timerCount).toBe(0);
  });

  it('a permanent error is not retried, and the model sees a HealingError with the tool\'s message', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const tools = healTools({
      search: tool({
        description: 'Search the web',
        inputSchema: z.object({ query: z.string() }),
        execute: async (): Promise<string> => { calls++; throw Object.assign(new Error('HTTP 403: this key may not search'), { status: 403 }); },
      }),
    }, { clock, registry: new CircuitBreakerRegistry({ clock }), retry: { maxAttempts: 5 } });

    const result = await generateText({ model: modelCalling('search', { query: 'oslo' }), tools, prompt: 'Find Oslo', stopWhen: isStepCount(2) });

    expect(calls).toBe(1);
    const errors = result.steps[0]!.content.filter((part) => part.type === 'tool-error');
    expect(errors).toHaveLength(1);
    const error = (errors[0] as { error: unknown }).error;
    expect(error).toBeInstanceOf(HealingError);
    expect((error as HealingError).message).toMatch(/HTTP 403: this key may not search$/);
    expect((error as HealingError).result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
  });

  it('each tool has its own circuit: one tool down does not open the others', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('tool:search', { failureThreshold: 2 });
    let weatherCalls = 0;
    const tools = healTools({
      search: tool({ description: 'Search', inputSchema: z.object({ query: z.string() }), execute: async (): Promise<string> => { throw unavailable(); } }),
      weather: tool({ description: 'Weather', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => { weatherCalls++; return `sunny in ${city}`; } }),
    }, { clock, registry, retry: { maxAttempts: 1 } });

    for (let i = 0; i < 5; i++) {
      await generateText({ model: modelCalling('search', { query: `q${i}` }), tools, prompt: 'search', stopWhen: isStepCount(2) });
    }
    expect(registry.find('tool:search')?.state).toBe('OPEN');

    const result = await generateText({ model: modelCalling('weather', { city: 'Oslo' }), tools, prompt: 'weather', stopWhen: isStepCount(2) });
    expect(result.steps[0]!.toolResults[0]).toMatchObject({ toolName: 'weather', output: 'sunny in Oslo' });
    expect(weatherCalls).toBe(1);
    expect(registry.find('tool:weather')?.state).toBe('CLOSED');
  });
});
