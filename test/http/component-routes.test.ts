/**
 * Issue 16 point 6: the HTTP API's per-component statistics and reset (token-protected), and the
 * `?component=` filter on /stats, /recoveries and /health. A real node:http server on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealingHandler } from '../../src/http/index.js';
import { HealingPipeline, HealingStatistics, HealthMonitor } from '../../src/index.js';
import { CircuitBreakerRegistry } from '../../src/index.js';
import { failing, httpError } from '../helpers/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { serve } from './serve.js';

const TOKEN = 'correct-horse-battery-staple-42';
const auth = { authorization: `Bearer ${TOKEN}` };

let server: { url: string; close: () => Promise<void> } | undefined;
let statistics: HealingStatistics;
let monitor: HealthMonitor;
let url: string;

/** Two components: billing heals one 503 and fails once for good; search succeeds once. */
beforeEach(async () => {
  const clock = new ManualClock();
  const registry = new CircuitBreakerRegistry({ clock });
  statistics = new HealingStatistics();
  monitor = new HealthMonitor({ clock });
  const billing = new HealingPipeline({ name: 'billing', registry, clock, retry: { maxAttempts: 2, minDelayMs: 0 } });
  const search = new HealingPipeline({ name: 'search', registry, clock });
  statistics.track(billing, { component: 'billing' });
  statistics.track(search, { component: 'search' });
  monitor.track(billing, 'billing');
  await billing.execute(failing([httpError(503)], 'paid'), {});
  await billing.execute(failing([httpError(404)], 'never'), {});
  await search.execute(async () => 'hits', {});
  server = await serve(createHealingHandler({ registry, statistics, monitor, authToken: TOKEN }));
  url = server.url;
});

afterEach(async () => {
  monitor.stop();
  await server?.close();
  server = undefined;
});

describe('?component= on the GET routes', () => {
  it('GET /stats?component= answers that component\'s counters; 404 for a name never counted, 400 for an empty or repeated one', async () => {
    const billing = await fetch(`${url}/stats?component=billing`);
    expect(billing.status).toBe(200);
    expect(await billing.json()).toMatchObject({ component: 'billing', calls: 2, successes: 1, failures: 1, healed: 1 });
    expect(await (await fetch(`${url}/stats?component=search`)).json()).toMatchObject({ component: 'search', calls: 1, successes: 1 });
    const unknown = await fetch(`${url}/stats?component=nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no statistics for a component named "nope"' });
    expect((await fetch(`${url}/stats?component=`)).status).toBe(400);
    expect((await fetch(`${url}/stats?component=billing&component=search`)).status).toBe(400);
    // Without the filter: everything, as before.
    expect(Object.keys((await (await fetch(`${url}/stats`)).json()).components).sort()).toEqual(['billing', 'search']);
  });

  it('GET /recoveries?component= lists only that component\'s recoveries, with limit', async () => {
    const all = await (await fetch(`${url}/recoveries`)).json();
    expect(all.map((r: { component: string }) => r.component)).toEqual(['billing', 'billing']);
    expect(await (await fetch(`${url}/recoveries?component=search`)).json()).toEqual([]);
    const one = await (await fetch(`${url}/recoveries?component=billing&limit=1`)).json();
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ component: 'billing', status: 'error' });
  });

  it('GET /health?component= answers like /health/components/:name', async () => {
    const byQuery = await fetch(`${url}/health?component=billing`);
    expect(byQuery.status).toBe(200);
    expect(await byQuery.json()).toEqual(await (await fetch(`${url}/health/components/billing`)).json());
    expect((await fetch(`${url}/health?component=nope`)).status).toBe(404);
  });
});

describe('POST /stats/reset', () => {
  it('needs the token: 401 without one, and nothing is forgotten', async () => {
    const refused = await fetch(`${url}/stats/reset?component=billing`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(statistics.component('billing')).toMatchObject({ calls: 2 });
  });

  it('?component= forgets only that component; its pipeline\'s counters and the other component stay', async () => {
    const reset = await fetch(`${url}/stats/reset?component=billing`, { method: 'POST', headers: auth });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ reset: { component: 'billing' } });
    expect((await fetch(`${url}/stats?component=billing`)).status).toBe(404);
    expect(statistics.component('search')).toMatchObject({ calls: 1 });
    expect(statistics.stats().pipelines.billing).toMatchObject({ calls: 2 });
    const again = await fetch(`${url}/stats/reset?component=billing`, { method: 'POST', headers: auth });
    expect(again.status).toBe(404);
  });

  it('without ?component= forgets everything', async () => {
    const reset = await fetch(`${url}/stats/reset`, { method: 'POST', headers: auth });
    expect(await reset.json()).toEqual({ reset: 'all' });
    expect(statistics.stats()).toEqual({ pipelines: {}, circuits: {}, components: {}, recentRecoveries: [] });
  });
});
