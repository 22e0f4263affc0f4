/**
 * The endpoint parses like a server (issue 17, point 3), tried as an attacker would, through a
 * real node:http server on 127.0.0.1 and raw requests (`fetch` cannot send TRACE, an
 * absolute-form target or a foreign Host).
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHealingHandler, type HealingHandlerOptions } from '../../src/http/index.js';
import { CircuitBreakerRegistry, HealingConfigError, HealingStatistics } from '../../src/index.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { serve } from './serve.js';

const TOKEN = 'correct-horse-battery-staple-42';

let server: { url: string; close: () => Promise<void> } | undefined;
let registry: CircuitBreakerRegistry;
let statistics: HealingStatistics;

beforeEach(() => {
  registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
  statistics = new HealingStatistics();
  const payments = registry.get('payments', { failureThreshold: 1 });
  payments.recordFailure(new Error('HTTP 503'));
  expect(payments.state).toBe('OPEN');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<HealingHandlerOptions> = {}) {
  server = await serve(createHealingHandler({ registry, statistics, authToken: TOKEN, ...options }));
  return server.url;
}

interface RawAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** One request with exactly this method, target and headers (`host: null` sends no Host at all). */
function raw(url: string, method: string, target: string, headers: Record<string, string | null> = {}): Promise<RawAnswer> {
  const { port } = new URL(url);
  const { host, ...rest } = headers;
  const sent: Record<string, string> = Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => e[1] !== null));
  if (typeof host === 'string') sent.host = host;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers: sent, setHost: host !== null && host === undefined, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('methods', () => {
  it('answers every method that is not a route\'s with 405 and Allow, TRACE included', async () => {
    const url = await start();
    for (const method of ['TRACE', 'OPTIONS', 'PATCH', 'DELETE', 'PUT', 'PROPFIND']) {
      const answer = await raw(url, method, '/health');
      expect([method, answer.status, answer.headers.allow]).toEqual([method, 405, 'GET, HEAD']);
      expect(JSON.parse(answer.body).error).toMatch(/not allowed here; use GET, HEAD/);
    }
    const trace = await raw(url, 'TRACE', '/circuits/payments/reset', auth);
    expect([trace.status, trace.headers.allow]).toEqual([405, 'POST']);
    expect(registry.get('payments').state).toBe('OPEN');
    expect((await raw(url, 'TRACE', '/nothing-here')).status).toBe(404);
  });

  it('gives the same 405 to a Fetch request the handler is called with directly', async () => {
    const handler = createHealingHandler({ registry });
    const response = await handler(new Request('http://localhost/metrics', { method: 'PATCH' }));
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});

describe('the request target', () => {
  it('is a path: a target starting with // is not a host, so it matches no route', async () => {
    const url = await start();
    expect((await raw(url, 'GET', '//evil.example/stats')).status).toBe(404);
    expect((await raw(url, 'GET', '//status')).status).toBe(404);
    expect((await raw(url, 'GET', '//evil.example/')).status).toBe(404);
    expect((await raw(url, 'GET', '/\\evil.example/stats')).status).toBe(404);
    expect((await raw(url, 'GET', '/%2F%2Fevil.example/stats')).status).toBe(404);
    expect((await raw(url, 'GET', '/%2Fstats')).status).toBe(404);
    const reset = await raw(url, 'POST', '//evil/circuits/payments/reset', auth);
    expect(reset.status).toBe(404);
    expect(registry.get('payments').state).toBe('OPEN');
    expect((await raw(url, 'GET', '/stats')).status).toBe(200); // the real route still works
  });

  it('does not escape basePath through // or an encoded slash', async () => {
    const url = await start({ basePath: '/ops' });
    expect((await raw(url, 'GET', '/ops/stats')).status).toBe(200);
    expect((await raw(url, 'GET', '/ops//stats')).status).toBe(404);
    expect((await raw(url, 'GET', '//ops/stats')).status).toBe(404);
    expect((await raw(url, 'GET', '/ops%2Fstats')).status).toBe(404);
    expect((await raw(url, 'POST', '/ops//circuits/payments/reset', auth)).status).toBe(404);
    expect(registry.get('payments').state).toBe('OPEN');
  });

  it('reads an absolute-form target (as proxies send it) by its path and query', async () => {
    const url = await start();
    const { host } = new URL(url);
    const stats = await raw(url, 'GET', `http://${host}/stats?x=//evil`);
    expect(stats.status).toBe(200);
    expect(JSON.parse(stats.body)).toHaveProperty('pipelines');
    expect((await raw(url, 'GET', `http://${host}//evil.example/stats`)).status).toBe(404);
    expect((await raw(url, 'GET', `http://${host}/recoveries?limit=-1`)).status).toBe(400);
  });

  it('keeps query strings out of the path and decodes names once', async () => {
    const url = await start();
    expect((await raw(url, 'GET', '/stats?redirect=//evil.example/')).status).toBe(200);
    expect((await raw(url, 'GET', '/circuits?/stats')).status).toBe(200);
    const encoded = await raw(url, 'GET', '/circuits/pay%2Fments');
    expect([encoded.status, JSON.parse(encoded.body).error]).toEqual([404, 'no circuit named "pay/ments"']);
    expect(JSON.parse((await raw(url, 'GET', '/circuits/%70ayments')).body)).toMatchObject({ name: 'payments' });
  });

  it('refuses a target that is neither a path nor an absolute URL with 400', async () => {
    const url = await start();
    expect((await raw(url, 'OPTIONS', '*')).status).toBe(400);
  });
});

describe('allowedHosts', () => {
  it('answers the listed hosts, on any port when the entry has none', async () => {
    const url = await start({ allowedHosts: ['localhost', '127.0.0.1'] });
    expect((await fetch(`${url}/stats`)).status).toBe(200); // Host: 127.0.0.1:<port>
    expect((await raw(url, 'GET', '/stats', { host: 'LOCALHOST:1234' })).status).toBe(200);
    expect((await raw(url, 'GET', '/stats', { host: 'localhost.' })).status).toBe(200);
  });

  it('refuses another Host (DNS rebinding) with 421 before routing, and changes nothing', async () => {
    const url = await start({ allowedHosts: ['localhost', '127.0.0.1'] });
    for (const host of ['evil.example', 'evil.example:80', 'localhost.evil.example', '127.0.0.1.nip.io', 'localhost:80@evil', '']) {
      const answer = await raw(url, 'GET', '/stats', { host });
      expect([host, answer.status], host).toEqual([host, 421]);
      expect(JSON.parse(answer.body)).toEqual({ error: 'this endpoint does not answer for this Host (see allowedHosts in createHealingHandler)' });
    }
    expect((await raw(url, 'GET', '/nothing-here', { host: 'evil.example' })).status).toBe(421); // not even a 404
    expect((await raw(url, 'GET', '/', { host: 'evil.example' })).status).toBe(421);
    expect((await raw(url, 'GET', '/stats', { host: null })).status).toBe(400); // node:http itself wants a Host
    const handler = createHealingHandler({ registry, allowedHosts: ['localhost'] });
    expect((await handler(new Request('http://localhost/stats'))).status).toBe(421); // no Host header: refused too
    expect((await raw(url, 'POST', '/circuits/payments/reset', { ...auth, host: 'evil.example' })).status).toBe(421);
    expect(registry.get('payments').state).toBe('OPEN');
  });

  it('checks the authority of an absolute-form target, which stands in for Host', async () => {
    const url = await start({ allowedHosts: ['localhost'] });
    expect((await raw(url, 'GET', 'http://evil.example/stats', { host: 'localhost' })).status).toBe(421);
    expect((await raw(url, 'GET', 'http://localhost/stats', { host: 'evil.example' })).status).toBe(200);
  });

  it('with a port, allows only that port; IPv6 literals compare too', async () => {
    const handler = createHealingHandler({ registry, allowedHosts: ['127.0.0.1:9464', '[::1]'] });
    const status = async (host: string) => (await handler(new Request('http://localhost/circuits', { headers: { host } }))).status;
    expect(await status('127.0.0.1:9464')).toBe(200);
    expect(await status('127.0.0.1:9465')).toBe(421);
    expect(await status('127.0.0.1')).toBe(421);
    expect(await status('[::1]:9464')).toBe(200);
    expect(await status('[::2]')).toBe(421);
  });

  it('refuses bad entries at construction, naming the entry', () => {
    const error = (allowedHosts: unknown) => {
      try {
        createHealingHandler({ registry, allowedHosts: allowedHosts as string[] });
      } catch (thrown) {
        expect(thrown).toBeInstanceOf(HealingConfigError);
        return thrown as HealingConfigError;
      }
      throw new Error('expected a HealingConfigError');
    };
    expect(error([]).option).toBe('http.allowedHosts');
    expect(error(['localhost', 'http://evil.example']).option).toBe('http.allowedHosts.1');
    expect(error(['local host']).message).toMatch(/host name, an IP address or \[IPv6\]/);
    expect(error(['localhost:']).option).toBe('http.allowedHosts.0');
    expect(error('localhost').option).toBe('http.allowedHosts');
  });
});

describe('authToken', () => {
  /** The config error for `token`, checked to hold no 6 characters of it. */
  const refusal = (token: string) => {
    let caught: unknown;
    try {
      createHealingHandler({ registry, authToken: token });
    } catch (thrown) {
      caught = thrown;
    }
    expect(caught).toBeInstanceOf(HealingConfigError);
    const error = caught as HealingConfigError;
    expect(error.option).toBe('http.authToken');
    const core = token.trim();
    for (let i = 0; i + 6 <= core.length; i++) expect(error.message).not.toContain(core.slice(i, i + 6));
    return error.message;
  };

  it('refuses whitespace around the token (a newline read from a file) at construction', () => {
    const token = randomBytes(16).toString('hex');
    expect(refusal(`${token}\n`)).toMatch(/whitespace around it/);
    expect(refusal(` ${token}`)).toMatch(/whitespace around it/);
    expect(refusal(`${token}\r\n`)).toMatch(/whitespace around it/);
  });

  it('refuses a token that no bearer header could carry, and a short one, without quoting it', () => {
    const token = randomBytes(16).toString('hex');
    expect(refusal(`${token.slice(0, 16)} ${token.slice(16)}`)).toMatch(/visible ASCII/);
    expect(refusal(`${token}é`)).toMatch(/visible ASCII/);
    expect(refusal(token.slice(0, 12))).toMatch(/at least 16 characters/);
    expect(() => createHealingHandler({ registry, authToken: 42 as never })).toThrow(/http\.authToken.*expected a string \(got number\)/);
  });

  it('puts no part of the presented token in any answer', async () => {
    const url = await start();
    const presented = randomBytes(24).toString('hex');
    for (const headers of [{ authorization: `Bearer ${presented}` }, { authorization: `Bearer ${presented} extra` }, { authorization: `Basic ${presented}` }]) {
      const answer = await raw(url, 'POST', '/circuits/payments/reset', headers);
      expect([401, 403]).toContain(answer.status);
      for (let i = 0; i + 6 <= presented.length; i++) expect(answer.body).not.toContain(presented.slice(i, i + 6));
    }
    expect(registry.get('payments').state).toBe('OPEN');
  });
});
