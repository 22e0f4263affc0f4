import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealingHandler, type HealingHandlerOptions } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingConfigError, HealingPipeline, HealingStatistics, HealthMonitor } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { serve } from './serve.js';

const TOKEN = 'correct-horse-battery-staple-42';

let server: { url: string; close: () => Promise<void> } | undefined;
let registry: CircuitBreakerRegistry;
let statistics: HealingStatistics;
let monitor: HealthMonitor;
let clock: ManualClock;

async function start(options: Partial<HealingHandlerOptions> = {}) {
  server = await serve(createHealingHandler({ registry, statistics, monitor, ...options }));
  return server.url;
}

beforeEach(() => {
  clock = new ManualClock();
  registry = new CircuitBreakerRegistry({ clock });
  statistics = new HealingStatistics();
  monitor = new HealthMonitor({ clock });
});

afterEach(async () => {
  monitor.stop();
  await server?.close();
  server = undefined;
});

/** Opens the "payments" circuit through a tracked pipeline. */
async function openPayments() {
  registry.get('payments', { failureThreshold: 2 });
  const pipeline = new HealingPipeline({ name: 'checkout', circuitName: 'payments', registry, retry: { maxAttempts: 2, minDelayMs: 0 } });
  statistics.track(pipeline);
  monitor.track(pipeline);
  await pipeline.execute(failing([httpError(503, {}, 'HTTP 503 with api_key=sk-abcdefghijkl'), httpError(503)], 1), {});
  expect(registry.get('payments').state).toBe('OPEN');
}

describe('GET routes', () => {
  it('serves breaker states, one circuit, and 404 for an unknown or malformed circuit name', async () => {
    await openPayments();
    const url = await start();
    const all = await fetch(`${url}/circuits`);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await all.json()).map((c: { name: string; state: string }) => [c.name, c.state])).toEqual([['payments', 'OPEN']]);
    expect(await (await fetch(`${url}/circuits/payments`)).json()).toMatchObject({ name: 'payments', state: 'OPEN', failures: 2 });
    const unknown = await fetch(`${url}/circuits/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no circuit named "nope"' });
    expect((await fetch(`${url}/circuits/%E0%A4%A`)).status).toBe(404);
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
  });

  it('serves system health (503 while a circuit is open), component health, stats and recent recoveries with secrets redacted', async () => {
    await openPayments();
    const url = await start();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ level: 'critical', circuits: { open: 1, closed: 0, halfOpen: 0 }, monitoring: false });
    expect(await (await fetch(`${url}/health/components/checkout`)).json()).toMatchObject({ name: 'checkout', calls: 1, failures: 1, level: 'critical' });
    expect((await fetch(`${url}/health/components/ghost`)).status).toBe(404);
    expect(await (await fetch(`${url}/stats`)).json()).toMatchObject({ pipelines: { checkout: { calls: 1, failures: 1, errorsByCategory: { unavailable: 2 } } } });
    const recoveries = await (await fetch(`${url}/recoveries?limit=1`)).json();
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]).toMatchObject({ pipeline: 'checkout', circuit: 'payments', status: 'error' });
    expect(JSON.stringify(recoveries)).not.toContain('sk-abcdefghijkl');
    expect((await fetch(`${url}/recoveries?limit=-3`)).status).toBe(400);
  });

  it('reports healthy with 200 when nothing is wrong, and 404 for statistics routes it was not given', async () => {
    const url = await start({ statistics: undefined as never, monitor: undefined as never });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ level: 'healthy', components: [] });
    expect((await fetch(`${url}/stats`)).status).toBe(404);
    expect((await fetch(`${url}/recoveries`)).status).toBe(404);
  });

  it('answers HEAD like GET without a body, and lives under basePath only', async () => {
    const url = await start({ basePath: '/ops/healing' });
    const head = await fetch(`${url}/ops/healing/circuits`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${url}/ops/healing/circuits`)).status).toBe(200);
    expect((await fetch(`${url}/circuits`)).status).toBe(404);
    expect((await fetch(`${url}/ops/healingx/circuits`)).status).toBe(404);
  });
});

describe('bad methods', () => {
  it('answers 405 with Allow for a wrong method on a known route', async () => {
    registry.get('payments');
    const url = await start({ authToken: TOKEN });
    const put = await fetch(`${url}/circuits`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    const get = await fetch(`${url}/circuits/payments/reset`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${url}/metrics`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('POST routes', () => {
  const reset = (url: string, init: RequestInit = {}) => fetch(`${url}/circuits/payments/reset`, { method: 'POST', ...init });

  it('are off without an authToken: 403, and nothing changes', async () => {
    await openPayments();
    const url = await start();
    const response = await reset(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/set authToken/);
    expect((await fetch(`${url}/monitoring/start`, { method: 'POST' })).status).toBe(403);
    expect(registry.get('payments').state).toBe('OPEN');
    expect(monitor.monitoring).toBe(false);
  });

  it('answer 401 without a token and 403 with a wrong one, changing nothing', async () => {
    await openPayments();
    const url = await start({ authToken: TOKEN });
    const missing = await reset(url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await reset(url, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } })).status).toBe(401);
    expect((await reset(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(403);
    expect((await reset(url, { headers: { authorization: 'Bearer short' } })).status).toBe(403);
    expect((await fetch(`${url}/monitoring/start`, { method: 'POST', headers: { authorization: 'Bearer nope' } })).status).toBe(403);
    expect(registry.get('payments').state).toBe('OPEN');
    expect(monitor.monitoring).toBe(false);
  });

  it('refuse oversized and malformed bodies with 400, changing nothing', async () => {
    await openPayments();
    const url = await start({ authToken: TOKEN, maxBodyBytes: 64 });
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const oversized = await reset(url, { headers: auth, body: JSON.stringify({ pad: 'x'.repeat(100_000) }) });
    expect(oversized.status).toBe(400);
    expect((await oversized.json()).error).toBe('the body is larger than 64 bytes');
    for (const body of ['{"unclosed":', '[1,2]', '"text"', 'null', '{"force":true}']) {
      const response = await reset(url, { headers: auth, body });
      expect(response.status, body).toBe(400);
    }
    const chunked = await reset(url, {
      headers: auth,
      body: new ReadableStream({ start(c) { for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(50))); c.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(400);
    expect(registry.get('payments').state).toBe('OPEN');
  });

  it('reset a breaker with the right token, and 404 an unknown circuit', async () => {
    await openPayments();
    const url = await start({ authToken: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${url}/circuits/ghost/reset`, { method: 'POST', headers: auth })).status).toBe(404);
    const response = await reset(url, { headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ circuit: 'payments', state: 'CLOSED' });
    expect(registry.get('payments').state).toBe('CLOSED');
  });

  it('start and stop monitoring with the right token', async () => {
    const url = await start({ authToken: TOKEN });
    const auth = { authorization: `bearer ${TOKEN}` };
    expect(await (await fetch(`${url}/monitoring/start`, { method: 'POST', headers: auth })).json()).toEqual({ monitoring: true });
    expect(monitor.monitoring).toBe(true);
    expect(await (await fetch(`${url}/monitoring/stop`, { method: 'POST', headers: auth })).json()).toEqual({ monitoring: false });
    expect(monitor.monitoring).toBe(false);
  });
});

describe('the handler itself', () => {
  it('is a plain Fetch handler', async () => {
    const handler = createHealingHandler({ registry });
    const response = await handler(new Request('http://example.test/circuits'));
    expect(await response.json()).toEqual([]);
  });

  it('rejects bad options with the option named', () => {
    expect(() => createHealingHandler({ registry, authToken: 'short' })).toThrow(HealingConfigError);
    expect(() => createHealingHandler({ registry, authToken: 'short' })).toThrow(/http\.authToken.*16 characters/);
    expect(() => createHealingHandler({ registry, basePath: '/trailing/' })).toThrow(/http\.basePath/);
    expect(() => createHealingHandler({ registry: {} as never })).toThrow(/http\.registry/);
    expect(() => createHealingHandler({} as never)).toThrow(/http\.registry.*getDefaultRegistry/);
    expect(() => createHealingHandler({ registry, maxBodyBytes: -1 })).toThrow(/http\.maxBodyBytes/);
    expect(() => createHealingHandler({ registry, statistics: new HealthMonitor() as never })).toThrow(/http\.statistics/);
  });

  it('serves the status page with a nonce-based Content-Security-Policy', async () => {
    const url = await start();
    const response = await fetch(`${url}/`);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const html = await response.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // self-contained
  });
});
