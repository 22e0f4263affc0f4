// The options of openAICompatible and createLLMReflector, and what a reflector does with a
// `complete` that resolves something other than text. No network: nothing here sends a request.
import { describe, expect, it } from 'vitest';
import { executeWithHealing, HealingConfigError } from '../../src/index.js';
import { createLLMReflector, openAICompatible, type OpenAICompatibleOptions } from '../../src/reflect/llm/index.js';
import type { ReflectionRequest } from '../../src/reflect/reflector.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const base = { baseURL: 'http://127.0.0.1:1/v1', model: 'm' };

/** A call failing with a validation error: the kind reflection answers. */
const rejectsDate = async (_args: { date: string }) => {
  throw Object.assign(new Error('Invalid date format for "date"'), { status: 422, issues: [{ path: ['date'], message: 'invalid date' }] });
};

describe('openAICompatible options', () => {
  it('its complete function, called by hand without messages or a signal, rejects with a HealingConfigError', async () => {
    const complete = openAICompatible(base);
    const noOptions = await (complete as (m: unknown) => Promise<unknown>)([{ role: 'user', content: 'hi' }]).catch((e: unknown) => e);
    expect(noOptions).toBeInstanceOf(HealingConfigError);
    expect((noOptions as HealingConfigError).option).toBe('options.signal');
    const noMessages = await complete('hi' as never, { signal: new AbortController().signal } as never).catch((e: unknown) => e);
    expect((noMessages as HealingConfigError).option).toBe('messages');
  });

  it.each([
    ['temperature', { temperature: Number.NaN }, /temperature must be a number from 0 to 2 \(got NaN\)/],
    ['temperature', { temperature: -0.5 }, /from 0 to 2 \(got -0\.5\)/],
    ['temperature', { temperature: Infinity }, /from 0 to 2/],
    ['temperature', { temperature: 2.5 }, /from 0 to 2 \(got 2\.5\)/],
    ['maxTokens', { maxTokens: -5 }, /maxTokens must be a whole number of tokens, at least 1 \(got -5\)/],
    ['maxTokens', { maxTokens: 0 }, /at least 1 \(got 0\)/],
    ['maxTokens', { maxTokens: 1.5 }, /whole number/],
    ['maxTokens', { maxTokens: Infinity }, /whole number/],
    ['tempreature', { tempreature: 0.2 }, /unknown option; did you mean temperature\?/],
    ['headers', { headers: 'x' }, /headers must be an object of header names to string values/],
    // A header or a key may be the credential: its value is described by kind only, never quoted.
    ['headers.a', { headers: { a: 5 } }, /each header value must be a string \(got a value of type number\)$/],
    ['headers.X-Api-Key', { headers: { 'X-Api-Key': 1234567890123 } }, /\(got a value of type number\)$/],
    ['apiKey', { apiKey: 9876543210 }, /apiKey must be a string \(got a value of type number\)$/],
    ['headers', { headers: { 'bad header': 'x' } }, /header "bad header" is not a valid HTTP header/],
    ['retry.zzz', { retry: { zzz: 1 } }, /unknown option/],
    ['retry.maxAttemps', { retry: { maxAttemps: 2 } }, /did you mean maxAttempts\?/],
    ['retry.maxAttempts', { retry: { maxAttempts: 1.5 } }, /retry\.maxAttempts must be an integer from 1 to 1000/],
    ['retry.minDelayMs', { retry: { minDelayMs: -1 } }, /retry\.minDelayMs must be a number of ms/],
    ['retry', { retry: 5 }, /retry must be an object/],
  ])('refuses %s when openAICompatible is called, naming it', (option, extra, message) => {
    const error = configError(() => openAICompatible({ ...base, ...extra } as OpenAICompatibleOptions));
    expect(error.option).toBe(`openAICompatible.${option}`);
    expect(error.message).toMatch(message);
  });

  it('refuses a header value fetch would refuse without showing the value, which may be a secret', () => {
    const error = configError(() => openAICompatible({ ...base, headers: { 'x-api-key': 'sk-live-0123456789abcdef\r\nx-injected: 1' } }));
    expect(error.option).toBe('openAICompatible.headers');
    expect(error.message).toContain('"x-api-key"');
    expect(error.message).not.toContain('sk-live');
  });
});

describe('createLLMReflector', () => {
  it('refuses an unknown option, with a suggestion', () => {
    const error = configError(() => createLLMReflector({ complete: async () => '{}', instructons: 'ISO dates' } as never));
    expect(error.option).toBe('createLLMReflector.instructons');
    expect(error.message).toMatch(/did you mean instructions\?/);
  });

  it.each([
    ['a number', 5],
    ['null', null],
    ['an object without a string `text`', { text: 42, usage: { tokens: 1 } }],
  ])('fails the reflection with a HealingConfigError when complete resolves %s', async (kind, reply) => {
    const reflector = createLLMReflector<{ date: string }>({ complete: async () => reply as never });
    const result = await executeWithHealing(rejectsDate, { date: '01-19-2026' }, { reflector, retry: { maxAttempts: 2 }, clock: new ManualClock() });
    expect(result.healingActions.map((a) => [a.kind, a.reason])).toEqual([['reflect', 'reflector-error'], ['give_up', 'unrepaired']]);
    expect(result.healingActions[0]!.detail).toContain(`Invalid \`createLLMReflector.complete\`: resolved ${kind}; it must resolve the reply's text`);
  });

  it('rejects with the typed error when called by hand, and reads a hand-built request without history', async () => {
    let asked = 0;
    const reflector = createLLMReflector({ complete: async () => (asked++, 5 as never) });
    const request = {
      error: new Error('bad date'), args: { date: 'x' }, attempt: 1, signal: new AbortController().signal,
      redacted: { error: 'bad date', args: { date: 'x' } },
    } as unknown as ReflectionRequest;
    await expect(reflector(request)).rejects.toSatisfy((error) => error instanceof HealingConfigError &&
      error.option === 'createLLMReflector.complete');
    expect(asked).toBe(1);
    await expect(reflector(null as never)).rejects.toSatisfy((error) => error instanceof HealingConfigError && error.option === 'request');
  });
});
