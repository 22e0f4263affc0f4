/**
 * What the classification of real clients' errors means for the pipeline: a permanent status is
 * not retried nor counted by a breaker, the caller's abort counts neither as a failure nor as a
 * success, and `idempotent: false` runs a call again only when the failure proves the first run
 * never reached the server. Real clients against ./clients/provider-server.ts on 127.0.0.1.
 */
import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, executeWithHealing } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { startProviderServer, type ProviderServer } from './clients/provider-server.js';

let server: ProviderServer;
beforeAll(async () => {
  server = await startProviderServer();
});
afterAll(() => server.close());

const gotOnce = { retry: { limit: 0 } } as const;
const noWait = { minDelayMs: 0, jitter: 'none' } as const;

describe('statuses and the breaker', () => {
  it('four got 404s are not retried and do not open a breaker', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('users', { failureThreshold: 3 });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'users' });
    let calls = 0;
    for (let i = 0; i < 4; i++) {
      const result = await pipeline.execute(() => { calls++; return got(`${server.base}/s/status-404`, gotOnce).json(); }, {});
      expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
    }
    expect(calls).toBe(4);
    expect(registry.get('users').state).toBe('CLOSED');
  });
});

describe("the caller's abort and the breaker", () => {
  /** fn aborts its own fetch once the request reached the server (a caller's abort inside fn). */
  const abortedFetch = async () => {
    const controller = new AbortController();
    const arrived = server.nextHang();
    const pending = fetch(`${server.base}/hang`, { signal: controller.signal });
    await arrived;
    controller.abort();
    return pending;
  };

  it('is not retried, and never counts as a failure, even for a shouldTrip that counts everything', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    registry.get('search', { failureThreshold: 1, shouldTrip: () => true });
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'search' });
    let calls = 0;
    const result = await pipeline.execute(() => { calls++; return abortedFetch(); }, {});
    expect(result.status).toBe('error');
    expect(calls).toBe(1);
    expect(registry.get('search').state).toBe('CLOSED');
  });

  it('does not count as a success either: an aborted half-open probe leaves the breaker half-open', async () => {
    const clock = new ManualClock();
    const registry = new CircuitBreakerRegistry({ clock });
    const breaker = registry.get('search', { failureThreshold: 1, recoveryTimeoutMs: 1_000 });
    breaker.recordFailure(new Error('down'));
    expect(breaker.state).toBe('OPEN');
    await clock.advance(1_000);
    const pipeline = new HealingPipeline({ clock, registry, circuitName: 'search', retry: { maxAttempts: 1 } });
    await pipeline.execute(() => abortedFetch(), {});
    expect(breaker.state).toBe('HALF_OPEN');
    // The probe's permission was released: the next call may probe, and its success closes it.
    const ok = await pipeline.execute(() => got(`${server.base}/s/status-404`, gotOnce).then(() => 'ok', () => 'ok'), {});
    expect(ok.result).toBe('ok');
    expect(breaker.state).toBe('CLOSED');
  });
});

describe('idempotent: false', () => {
  it('retries a refused connection (the request never reached a server)', async () => {
    const urls = [server.refusedUrl, `${server.base}/s/status-404`];
    const attempts: string[] = [];
    const result = await executeWithHealing(async (_args, ctx) => {
      const url = urls[ctx.attempt - 1]!;
      attempts.push(url);
      if (url === server.refusedUrl) await got(url, gotOnce);
      return 'sent';
    }, {}, { idempotent: false, retry: { maxAttempts: 3, ...noWait } });
    expect(attempts).toEqual(urls);
    expect(result.result).toBe('sent');
    expect(result.healingActions.map((action) => action.kind)).toContain('retry');
  });

  it('does not retry a 503 (the server may have done the work), and says why', async () => {
    let calls = 0;
    const result = await executeWithHealing(() => { calls++; return got(`${server.base}/s/status-503`, gotOnce); }, {},
      { idempotent: false, retry: { maxAttempts: 3, ...noWait } });
    expect(calls).toBe(1);
    expect(result.status).toBe('error');
    expect(result.healingActions.at(-1)).toMatchObject({ kind: 'give_up', reason: 'permanent' });
    expect(result.healingActions.at(-1)!.detail).toContain('idempotent: false');
  });

  it('the same 503 is retried for an idempotent call', async () => {
    let calls = 0;
    await executeWithHealing(() => { calls++; return got(`${server.base}/s/status-503`, gotOnce); }, {}, { retry: { maxAttempts: 3, ...noWait } });
    expect(calls).toBe(3);
  });

  it('retries a 425 Too Early (the server says it did not process the request)', async () => {
    let calls = 0;
    await executeWithHealing(() => { calls++; return got(`${server.base}/s/status-425`, gotOnce); }, {},
      { idempotent: false, retry: { maxAttempts: 2, ...noWait } });
    expect(calls).toBe(2);
  });

  it('refuses a hedge: a hedge runs the call twice at once', async () => {
    const run = () => executeWithHealing(() => 'never', {}, { idempotent: false, hedge: { delayMs: 100 } });
    await expect(run()).rejects.toBeInstanceOf(HealingConfigError);
    await expect(run()).rejects.toThrow(/hedge.*idempotent: false/);
    expect(() => new HealingPipeline({ idempotent: false, hedge: { delayMs: 100 } })).toThrow(HealingConfigError);
  });

  it('a pipeline that hedges may run one call non-idempotently with hedge: undefined', async () => {
    const pipeline = new HealingPipeline({ hedge: { delayMs: 100 } });
    await expect(pipeline.execute(() => 'once', {}, { idempotent: false })).rejects.toBeInstanceOf(HealingConfigError);
    const result = await pipeline.execute(() => 'once', {}, { idempotent: false, hedge: undefined });
    expect(result.result).toBe('once');
  });
});
