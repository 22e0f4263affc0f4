/**
 * Faults injected by a real HTTP server on 127.0.0.1, reached through real sockets by `fetch` and
 * by `node:http`: each scripted failure must end in the HealingResult a user relies on (status,
 * attempts, the actions taken and the give-up reason).
 *
 * Backoff is 0 ms (`retry.minDelayMs: 0`) so no test waits; the Retry-After and timeout tests
 * run on a manual clock (an attempt times out when the test advances it, after the server holds
 * the request) and the breaker test on a manual registry clock. The one real wait is the server's
 * own 150 ms before a late reply, which no outcome depends on: no result depends on the machine's
 * speed.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingPipeline, type HealingResult } from '../../src/index.js';
import { closedPort, reply, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { clients, closeNodeHttpAgent } from '../helpers/http-clients.js';
import { ManualClock } from '../helpers/manual-clock.js';

let server: FaultServer;

beforeEach(async () => {
  server = await startFaultServer();
});

afterEach(async () => {
  await server.close();
});

afterAll(() => closeNodeHttpAgent());

const noWait = { minDelayMs: 0 };

function kinds(result: HealingResult<unknown>): string[] {
  return result.healingActions.map((action) => action.kind);
}

/** Resolves once `condition()` holds, checking every few ms while real I/O progresses (gives up after 5 s). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe.each(clients)('faults from a real server, through %s', (_name, getJson) => {
  const call = (path: string) => (_args: unknown, { signal }: { signal: AbortSignal }) => getJson(`${server.baseUrl}${path}`, signal);

  it('503 twice, then 200: healed by two retries', async () => {
    server.script('/orders', reply.status(503), reply.status(503), reply.ok({ id: 42 }));
    const result = await new HealingPipeline({ retry: noWait }).execute(call('/orders'), {});
    expect(result).toMatchObject({ status: 'ok', result: { id: 42 }, attempts: 3, healed: true });
    expect(result.healingActions.map((a) => [a.kind, a.category, a.attempt])).toEqual([
      ['retry', 'unavailable', 1], ['retry', 'unavailable', 2],
    ]);
    expect(server.hits('/orders')).toBe(3);
  });

  it('429 with Retry-After: 1 waits the full second the server asked for (on the injected clock)', async () => {
    const clock = new ManualClock();
    server.script('/rates', reply.rateLimited('1'), reply.ok({ usd: 1.08 }));
    const pending = new HealingPipeline({ clock, retry: { ...noWait, jitter: 'none' } }).execute(call('/rates'), {});
    await until(() => clock.timerCount === 1, 'the retry waits on the clock');
    await clock.advance(999);
    expect(server.hits('/rates')).toBe(1); // not a millisecond early
    await clock.advance(1);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: { usd: 1.08 }, attempts: 2 });
    expect(result.healingActions).toEqual([expect.objectContaining({ kind: 'retry', category: 'rate_limit', delayMs: 1_000 })]);
    expect(result.healingActions[0]!.detail).toContain('as Retry-After asked');
    expect(server.hits('/rates')).toBe(2);
  });

  it('429 asking for longer than retry.maxRetryAfterMs gives up at once with reason retry_after', async () => {
    server.script('/rates', reply.rateLimited('120'));
    const result = await new HealingPipeline({ retry: { ...noWait, maxRetryAfterMs: 10_000 } }).execute(call('/rates'), {});
    expect(result).toMatchObject({ status: 'error', attempts: 1 });
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'retry_after' });
    expect((result.error as { status?: number }).status).toBe(429);
    expect(server.hits('/rates')).toBe(1);
  });

  it('401 is permanent: one request, no retry, give_up permanent', async () => {
    server.otherwise(() => reply.status(401, undefined, { error: 'Unauthorized: token expired' }));
    const result = await new HealingPipeline({ retry: noWait }).execute(call('/profile'), {});
    expect(result).toMatchObject({ status: 'error', attempts: 1, healed: false });
    expect(result.healingActions).toEqual([expect.objectContaining({ kind: 'give_up', reason: 'permanent' })]);
    expect(result.healingActions[0]!.detail).toContain('(auth)');
    expect(server.hits('/profile')).toBe(1);
  });

  it('401 with a fallback: the fallback serves after the single request', async () => {
    server.otherwise(() => reply.status(401));
    const result = await new HealingPipeline({ retry: noWait, fallback: () => ({ guest: true }) }).execute(call('/profile'), {});
    expect(result).toMatchObject({ status: 'ok', result: { guest: true }, attempts: 1, healed: true });
    expect(result.healingActions).toEqual([expect.objectContaining({ kind: 'fallback', succeeded: true })]);
    expect(server.hits('/profile')).toBe(1);
  });

  it('a connection reset mid-body is a transient network failure, healed by a retry', async () => {
    server.script('/report', reply.resetMidBody(), reply.ok({ rows: 3 }));
    const result = await new HealingPipeline({ retry: noWait }).execute(call('/report'), {});
    expect(result).toMatchObject({ status: 'ok', result: { rows: 3 }, attempts: 2 });
    expect(result.healingActions).toEqual([expect.objectContaining({ kind: 'retry', category: 'network', disposition: 'transient' })]);
  });

  it('a connection dropped before any response is healed by a retry', async () => {
    server.script('/report', reply.drop(), reply.drop(), reply.ok({ rows: 1 }));
    const result = await new HealingPipeline({ retry: noWait }).execute(call('/report'), {});
    expect(result).toMatchObject({ status: 'ok', attempts: 3 });
    expect(result.healingActions.map((a) => a.category)).toEqual(['network', 'network']);
  });

  it('a refused connection (nothing listening) retries every attempt, then gives up exhausted', async () => {
    const port = await closedPort();
    const refused = (_args: unknown, { signal }: { signal: AbortSignal }) => getJson(`http://127.0.0.1:${port}/`, signal);
    const result = await new HealingPipeline({ retry: { ...noWait, maxAttempts: 4 } }).execute(refused, {});
    expect(result).toMatchObject({ status: 'error', attempts: 4, healed: false });
    expect(kinds(result)).toEqual(['retry', 'retry', 'retry', 'give_up']);
    expect(result.healingActions.slice(0, 3).every((a) => a.category === 'network')).toBe(true);
    expect(result.healingActions.at(-1)).toMatchObject({ reason: 'exhausted', attempt: 4 });
    // fetch puts the system code on `cause`, node:http on the error itself.
    const error = result.error as { code?: string; cause?: { code?: string } };
    expect(error.code ?? error.cause?.code).toBe('ECONNREFUSED');
  });

  it('a response slower than timeoutMs is abandoned (its connection closed) and the retry succeeds', async () => {
    server.script('/slow', reply.hang(), reply.ok({ late: false }));
    const clock = new ManualClock();
    const pending = new HealingPipeline({ clock, timeoutMs: 40, retry: noWait }).execute(call('/slow'), {});
    await until(() => server.hits('/slow') === 1, 'the server holds the first request');
    await clock.advance(40); // the first attempt's limit; the retry has no real-time limit to race
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: { late: false }, attempts: 2 });
    expect(result.healingActions.map((a) => [a.kind, a.category, a.attempt])).toEqual([
      ['timeout', 'timeout', 1], ['retry', 'timeout', 1],
    ]);
    // The attempt's signal reached the client, which closed the hung request.
    await until(() => server.abandoned === 1, 'the server sees the hung request closed');
  });

  it('a response that arrives after the timeout is dropped; the retry and later calls get their own answers', async () => {
    server.script('/slow', reply.slow(150, reply.ok({ late: true })), reply.ok({ late: false }), reply.ok({ next: true }));
    const clock = new ManualClock();
    const pipeline = new HealingPipeline({ clock, timeoutMs: 40, retry: noWait });
    const pending = pipeline.execute(call('/slow'), {});
    await until(() => server.hits('/slow') === 1, 'the server holds the first request');
    await clock.advance(40);
    const result = await pending;
    expect(result).toMatchObject({ status: 'ok', result: { late: false }, attempts: 2 });
    expect(kinds(result)).toEqual(['timeout', 'retry']);
    await until(() => server.slowDone === 1, 'the slow reply comes due');
    expect(server.abandoned).toBe(1); // its client had left; nothing was written to a dead socket
    // The connection the late answer was meant for is gone: the next call is not handed it.
    expect(await pipeline.execute(call('/slow'), {})).toMatchObject({ status: 'ok', result: { next: true }, attempts: 1 });
  });

  it('every attempt too slow: gives up exhausted with an AttemptTimeoutError, nothing left hanging', async () => {
    server.otherwise(() => reply.hang());
    const clock = new ManualClock();
    const pending = new HealingPipeline({ clock, timeoutMs: 40, retry: { ...noWait, maxAttempts: 2 } }).execute(call('/slow'), {});
    await until(() => server.hits('/slow') === 1, 'the server holds the first request');
    await clock.advance(40);
    await until(() => server.hits('/slow') === 2, 'the server holds the retry');
    await clock.advance(40);
    const result = await pending;
    expect(result).toMatchObject({ status: 'error', attempts: 2 });
    expect(result.error!.name).toBe('AttemptTimeoutError');
    expect(kinds(result)).toEqual(['timeout', 'retry', 'timeout', 'give_up']);
    await until(() => server.abandoned === 2, 'both hung requests are closed by the client');
  });

  it('a full outage opens the breaker (later calls never reach the server), recovery closes it', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('inventory', { failureThreshold: 3, breakDurationMs: 10_000 });
    const transitions: string[] = [];
    registry.on('stateChange', ({ to }) => transitions.push(to));
    const pipeline = new HealingPipeline({ circuitName: 'inventory', registry, retry: { ...noWait, maxAttempts: 2 } });

    server.otherwise(() => reply.status(503));
    const first = await pipeline.execute(call('/inventory'), {});
    expect(first).toMatchObject({ status: 'error', attempts: 2, circuitBreakerTriggered: false });
    expect(first.healingActions.at(-1)).toMatchObject({ reason: 'exhausted' });

    const second = await pipeline.execute(call('/inventory'), {});
    // The third failure in a row opens the breaker; the retry after it is refused.
    expect(second).toMatchObject({ status: 'error', attempts: 1, circuitBreakerTriggered: true });
    expect(kinds(second)).toEqual(['retry', 'circuit_open', 'give_up']);
    expect(second.healingActions.at(-1)).toMatchObject({ reason: 'circuit_open' });
    expect(breaker.state).toBe('OPEN');

    const hitsWhenOpened = server.hits('/inventory');
    for (let i = 0; i < 5; i++) {
      const refused = await pipeline.execute(call('/inventory'), {});
      expect(refused).toMatchObject({ status: 'error', attempts: 0, circuitBreakerTriggered: true });
      expect(refused.error!.name).toBe('CircuitOpenError');
    }
    expect(server.hits('/inventory')).toBe(hitsWhenOpened); // fail fast: the server saw none of them

    server.otherwise(() => reply.ok({ sku: 'A-100' }));
    await clock.advance(10_000);
    const probe = await pipeline.execute(call('/inventory'), {});
    expect(probe).toMatchObject({ status: 'ok', result: { sku: 'A-100' }, attempts: 1, healed: false });
    expect(breaker.state).toBe('CLOSED');
    expect(transitions).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('a scripted mix (503, reset, 429 Retry-After: 0, drop) within the attempt budget ends ok', async () => {
    server.script('/mix', reply.status(503), reply.resetMidBody(), reply.rateLimited('0'), reply.drop(), reply.ok({ done: true }));
    const result = await new HealingPipeline({ retry: { ...noWait, maxAttempts: 5 } }).execute(call('/mix'), {});
    expect(result).toMatchObject({ status: 'ok', result: { done: true }, attempts: 5 });
    expect(result.healingActions.map((a) => a.category)).toEqual(['unavailable', 'network', 'rate_limit', 'network']);
    expect(result.healingActions[2]).toMatchObject({ delayMs: 0 });
  });
});
