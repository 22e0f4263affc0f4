import { describe, expect, it, vi } from 'vitest';
import type { RetryOptions } from '../../src/index.js';
import { LLMRequestError, openAICompatible } from '../../src/reflect/llm/index.js';

interface Scripted { status: number; headers?: Record<string, string> }

/** A fetch that answers from a script (then 200 with a reply), recording when each request came. */
function scriptedFetch(...script: Array<Scripted | 'network'>) {
  const times: number[] = [];
  const fetch = async (_url: unknown, init?: RequestInit) => {
    init?.signal?.throwIfAborted();
    times.push(performance.now());
    const next = script.shift();
    if (next === 'network') throw new TypeError('fetch failed');
    if (next) return new Response(JSON.stringify({ error: { message: 'scripted' } }), next);
    return new Response(JSON.stringify({ choices: [{ message: { content: '{"args":null,"reason":"r"}' } }] }), { status: 200 });
  };
  return Object.assign(fetch as typeof globalThis.fetch, { times });
}

function complete(fetch: typeof globalThis.fetch, retry: RetryOptions, signal = new AbortController().signal) {
  const call = openAICompatible({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', fetch, retry });
  return call([{ role: 'user', content: 'fix it' }], { signal, responseSchema: {} });
}

const quick: RetryOptions = { minDelayMs: 0, jitter: false };

describe('openAICompatible retries of the HTTP call (p-retry)', () => {
  it('retries 429, 408, 5xx and network errors, up to maxAttempts', async () => {
    const fetch = scriptedFetch({ status: 429 }, { status: 408 }, 'network', { status: 502 });
    await expect(complete(fetch, { ...quick, maxAttempts: 5 })).resolves.toMatchObject({ text: expect.any(String) });
    expect(fetch.times).toHaveLength(5);

    const down = scriptedFetch({ status: 503 }, { status: 503 }, { status: 503 });
    await expect(complete(down, { ...quick, maxAttempts: 2 })).rejects.toMatchObject({ status: 503 });
    expect(down.times).toHaveLength(2);
  });

  it('does not retry 400, 401, 403, 404, 422 or 501: it rejects with the request\'s own error', async () => {
    for (const status of [400, 401, 403, 404, 422, 501]) {
      const fetch = scriptedFetch({ status });
      const error: unknown = await complete(fetch, quick).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LLMRequestError);
      expect(error).toMatchObject({ status });
      expect(fetch.times).toHaveLength(1);
    }
  });

  it('waits at least what retry-after-ms asks, and gives up on a Retry-After past maxRetryAfterMs', async () => {
    const fetch = scriptedFetch({ status: 429, headers: { 'retry-after-ms': '60' } });
    await complete(fetch, quick);
    expect(fetch.times[1]! - fetch.times[0]!).toBeGreaterThanOrEqual(55);

    const patient = scriptedFetch({ status: 503, headers: { 'retry-after': '120' } });
    await expect(complete(patient, quick)).rejects.toMatchObject({ status: 503 });
    expect(patient.times).toHaveLength(1);

    const budgeted = scriptedFetch({ status: 503, headers: { 'retry-after': '2' } });
    await expect(complete(budgeted, { ...quick, maxElapsedMs: 500 })).rejects.toMatchObject({ status: 503 });
    expect(budgeted.times).toHaveLength(1);
  });

  it('ends a Retry-After wait at once when the signal aborts', async () => {
    // Fake timers (p-retry and the Retry-After sleep use the global ones): "at once" means no
    // timer has to fire after the abort, so the call settles with no time advanced.
    vi.useFakeTimers();
    try {
      const fetch = scriptedFetch({ status: 503, headers: { 'retry-after': '30' } });
      const controller = new AbortController();
      let outcome: { resolved: unknown } | { rejected: unknown } | undefined;
      void complete(fetch, quick, controller.signal).then((resolved) => { outcome = { resolved }; }, (rejected: unknown) => { outcome = { rejected }; });
      // Well into the 30 s the server asked for, the call still waits (no second request).
      await vi.advanceTimersByTimeAsync(29_000);
      expect(outcome).toBeUndefined();
      expect(fetch.times).toHaveLength(1);

      const reason = new Error('caller gave up');
      controller.abort(reason);
      await vi.advanceTimersByTimeAsync(0);
      expect(outcome).toEqual({ rejected: reason });
      expect((outcome as { rejected: unknown }).rejected).toBe(reason);
      expect(fetch.times).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('names a bad retry option when built', () => {
    expect(() => openAICompatible({ baseURL: 'https://x/v1', model: 'm', retry: { maxAttempts: 0 } })).toThrow(/retry.maxAttempts/);
    expect(() => openAICompatible({ baseURL: 'https://x/v1', model: 'm', retry: { factor: 0.5 } })).toThrow(/retry.factor/);
  });
});
