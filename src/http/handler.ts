import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CircuitBreakerRegistry } from '../circuit/registry.js';
import { parseWith } from '../config/parse.js';
import type { HealthMonitor, SystemHealth } from '../health/health-monitor.js';
import { worstLevel, type HealthLevel } from '../health/health-level.js';
import { bearerToken, checkAuthTokenOption, tokensMatch } from './auth.js';
import { readJsonBody } from './body.js';
import { hostCheckOf } from './host-allow-list.js';
import { decodeSegment as decode, methodOf, routePath } from './request-target.js';
import { renderPrometheus } from './prometheus.js';
import { statusPage } from './status-page.js';
import { historyBody, type HandlerHistory } from './history/history-route.js';
import { componentOf, json, notConfigured, problem, type Route } from './responses.js';
import { statsRoutes, type HandlerStatistics } from './stats-routes.js';

export type { HandlerStatistics } from './stats-routes.js';

// The handler takes anything with the methods it calls rather than our classes, so it can serve
// a registry from another installed copy of the package, or a user's own object.

/**
 * The registry methods the handler uses: a `CircuitBreakerRegistry`.
 * @example
 * ```ts
 * const breakers: HandlerRegistry = getDefaultRegistry();
 * ```
 */
export type HandlerRegistry = Pick<CircuitBreakerRegistry, 'all' | 'find' | 'stats' | 'clock'>;

/**
 * The monitor methods the handler uses: a `HealthMonitor`.
 * @example
 * ```ts
 * const source: HandlerMonitor = new HealthMonitor();
 * ```
 */
export type HandlerMonitor = Pick<HealthMonitor, 'systemHealth' | 'componentHealth' | 'start' | 'stop' | 'monitoring'>;

/**
 * Options of {@link createHealingHandler}.
 * @example
 * ```ts
 * const options: HealingHandlerOptions = { registry: getDefaultRegistry(), statistics, monitor, authToken: process.env.HEALING_TOKEN?.trim(), allowedHosts: ['localhost'] };
 * ```
 */
export interface HealingHandlerOptions {
  /** The breakers to show and reset, e.g. `getDefaultRegistry()`. Required. */
  registry: HandlerRegistry;
  /** Serves `/stats` and `/recoveries`, and pipeline metrics. Without it those routes are 404. */
  statistics?: HandlerStatistics;
  /** Serves component health and the monitoring routes. */
  monitor?: HandlerMonitor;
  /**
   * Enables the POST routes, which must then carry `Authorization: Bearer <token>`; compared in
   * constant time. At least 16 visible ASCII characters, no whitespace around them (trim a token
   * read from a file). Without it, every POST route answers 403.
   */
  authToken?: string;
  /**
   * The `Host` header values answered (`['localhost', '127.0.0.1']`; with a port, only that
   * port); any other Host, or none, is 421. The defence against DNS rebinding for an endpoint
   * bound to localhost. Default: every host.
   */
  allowedHosts?: string[];
  /** The largest request body accepted, in bytes. Default 4 096. */
  maxBodyBytes?: number;
  /** The path the routes live under, e.g. `/healing` (no trailing slash). Default `''`. */
  basePath?: string;
  /** How often the status page refreshes itself, in ms. Default 2 000. */
  refreshMs?: number;
  /** A `HealingHistory`: serves `GET /history` and the page's sparklines (404 without it). */ history?: HandlerHistory;
}

/**
 * A Fetch API handler (`Request -> Promise<Response>`) that never rejects. `maxBodyBytes` tells
 * adapters how much of a body to pass on.
 * @example
 * ```ts
 * const handler: HealingHttpHandler = createHealingHandler({ registry: getDefaultRegistry() });
 * const response = await handler(new Request('http://localhost/health'));
 * ```
 */
export type HealingHttpHandler = ((request: Request) => Promise<Response>) & { readonly maxBodyBytes: number };

const hasMethods = (...methods: string[]) => (value: unknown) =>
  value !== null && typeof value === 'object' && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

const optionsSchema = z.strictObject({
  registry: z.custom<HandlerRegistry>(hasMethods('all', 'find', 'stats'), 'expected a CircuitBreakerRegistry (e.g. getDefaultRegistry())'),
  statistics: z.custom<HandlerStatistics>(hasMethods('stats', 'recentRecoveries'), 'expected a HealingStatistics').optional(),
  monitor: z.custom<HandlerMonitor>(hasMethods('systemHealth', 'componentHealth', 'start', 'stop'), 'expected a HealthMonitor').optional(),
  authToken: z.string().optional(), // its rules are checked first, by checkAuthTokenOption: no echo of the token
  allowedHosts: z.array(z.string().max(300)).min(1, 'expected at least one host (leave the option out to allow every host)').max(100).optional(),
  maxBodyBytes: z.number().int().min(0).max(1024 * 1024).optional(),
  basePath: z.string().regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'expected "" or a path like "/healing" (no trailing slash)').optional(),
  refreshMs: z.number().int().min(250).max(3_600_000).optional(),
  history: z.custom<HandlerHistory>(hasMethods('snapshot'), 'expected a HealingHistory').optional(),
});

const emptyBodySchema = z.strictObject({});

/**
 * The HTTP face of self-healing, framework-agnostic: a Fetch API handler serving system and
 * component health, breaker states, recovery statistics, recent recoveries, Prometheus metrics
 * and a status page, plus POST routes to reset a breaker and start or stop monitoring. The POST
 * routes are off (403) unless `authToken` is set. Mount it with {@link createNodeListener} on
 * `node:http`, or call it from any framework that speaks `Request`/`Response`.
 *
 * | route | what |
 * |---|---|
 * | `GET /` | the status page (HTML) |
 * | `GET /health` | system health; 503 when `unhealthy` or `critical` |
 * | `GET /health/components/:name`, `GET /health?component=name` | one component's health |
 * | `GET /circuits`, `GET /circuits/:name` | breaker states and counters |
 * | `GET /stats`, `GET /stats?component=name` | statistics per pipeline, circuit and component; one component's |
 * | `GET /recoveries?limit=n&component=name` | recent recoveries, newest first (one component's) |
 * | `GET /metrics` | Prometheus text format |
 * | `GET /history` | the last minutes per circuit and pipeline (with `history`) |
 * | `POST /circuits/:name/reset` | closes the breaker |
 * | `POST /stats/reset`, `POST /stats/reset?component=name` | forgets the statistics (one component's) |
 * | `POST /monitoring/start`, `POST /monitoring/stop` | runs or stops the health checks |
 *
 * @throws {HealingConfigError} naming the invalid option.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { getDefaultRegistry } from 'self-healing';
 * import { createHealingHandler, createNodeListener } from 'self-healing/http';
 *
 * const handler = createHealingHandler({ registry: getDefaultRegistry(), statistics, monitor, authToken: process.env.HEALING_TOKEN });
 * createServer(createNodeListener(handler)).listen(9464, '127.0.0.1');
 * ```
 */
export function createHealingHandler(options: HealingHandlerOptions): HealingHttpHandler {
  checkAuthTokenOption(options);
  const parsed = parseWith(optionsSchema, options, 'http');
  const hostAllowed = hostCheckOf(parsed.allowedHosts);
  const registry = parsed.registry;
  const { statistics, monitor, authToken } = parsed;
  const maxBodyBytes = parsed.maxBodyBytes ?? 4_096;
  const basePath = parsed.basePath ?? '';
  const refreshMs = parsed.refreshMs ?? 2_000;

  const componentHealth = (name: string | undefined, raw?: string): Response => {
    const health = name === undefined ? undefined : monitor?.componentHealth(name);
    return health === undefined ? problem(404, `no component named ${JSON.stringify(name ?? raw)}`) : json(200, health);
  };
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/?$/, run: () => page(basePath, refreshMs, parsed.history !== undefined, parsed.statistics !== undefined) },
    { method: 'GET', pattern: /^\/health$/, run: (_match, request) => {
      const component = componentOf(request);
      if (component instanceof Response) return component;
      if (component.name !== undefined) return componentHealth(component.name);
      const health = systemHealth(registry, monitor);
      return json(health.level === 'unhealthy' || health.level === 'critical' ? 503 : 200, health);
    } },
    { method: 'GET', pattern: /^\/health\/components\/([^/]+)$/, run: (match) => componentHealth(decode(match[1]!), match[1]!) },
    { method: 'GET', pattern: /^\/circuits$/, run: () => json(200, registry.stats()) },
    { method: 'GET', pattern: /^\/circuits\/([^/]+)$/, run: (match) => {
      const name = decode(match[1]!);
      const breaker = name === undefined ? undefined : registry.find(name);
      return breaker === undefined ? problem(404, `no circuit named ${JSON.stringify(name ?? match[1])}`) : json(200, breaker.stats());
    } },
    ...statsRoutes(statistics),
    { method: 'GET', pattern: /^\/metrics$/, run: () => new Response(renderPrometheus({ registry, statistics, monitor }), {
      status: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
    }) },
    { method: 'POST', pattern: /^\/circuits\/([^/]+)\/reset$/, run: (match) => {
      const name = decode(match[1]!);
      const breaker = name === undefined ? undefined : registry.find(name);
      if (breaker === undefined) return problem(404, `no circuit named ${JSON.stringify(name ?? match[1])}`);
      breaker.reset();
      return json(200, { circuit: breaker.name, state: breaker.state });
    } },
    { method: 'POST', pattern: /^\/monitoring\/(start|stop)$/, run: (match) => {
      if (monitor === undefined) return notConfigured('monitor');
      if (match[1] === 'start') monitor.start();
      else monitor.stop();
      return json(200, { monitoring: monitor.monitoring });
    } },
    { method: 'GET', pattern: /^\/history$/, run: () => parsed.history === undefined ? notConfigured('history') : json(200, historyBody(parsed.history, monitor)) },
  ];

  async function handle(request: Request): Promise<Response> {
    // Before routing: a page on another origin (DNS rebinding) learns not even which paths exist.
    if (hostAllowed !== undefined && !hostAllowed(request.headers.get('host'))) {
      return problem(421, 'this endpoint does not answer for this Host (see allowedHosts in createHealingHandler)');
    }
    const path = routePath(request.url, basePath);
    if (path === undefined) return problem(404, 'not found');
    const matching = routes.map((route) => [route, route.pattern.exec(path)] as const).filter(([, match]) => match !== null);
    if (matching.length === 0) return problem(404, 'not found');
    const sent = methodOf(request);
    const method = sent === 'HEAD' ? 'GET' : sent;
    const found = matching.find(([route]) => route.method === method);
    if (found === undefined) {
      const allowed = [...new Set(matching.flatMap(([route]) => route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]))].join(', ');
      return problem(405, `this method is not allowed here; use ${allowed}`, { allow: allowed });
    }
    const [route, match] = found;
    let body: Record<string, unknown> = {};
    if (route.method === 'POST') {
      // Authorisation before anything else: an unauthorised caller learns nothing, changes nothing.
      const refused = authorise(request, authToken);
      if (refused !== undefined) return refused;
      const read = await readJsonBody(request, maxBodyBytes);
      if (!read.ok) return problem(400, read.message);
      if (!emptyBodySchema.safeParse(read.value).success) return problem(400, 'the body must be empty or {} (this route takes no fields)');
      body = read.value;
    }
    const response = await route.run(match!, request, body);
    return sent === 'HEAD' ? new Response(null, { status: response.status, headers: response.headers }) : response;
  }

  const handler = async (request: Request): Promise<Response> => {
    try {
      return await handle(request);
    } catch {
      // Never a rejection, and no internals (or secrets in messages) in the answer.
      return problem(500, 'internal error');
    }
  };
  return Object.assign(handler, { maxBodyBytes });
}

function authorise(request: Request, authToken: string | undefined): Response | undefined {
  if (authToken === undefined) return problem(403, 'this route is disabled: set authToken in createHealingHandler to enable it');
  const presented = bearerToken(request.headers.get('authorization'));
  if (presented === undefined) return problem(401, 'missing bearer token', { 'www-authenticate': 'Bearer realm="self-healing"' });
  if (!tokensMatch(presented, authToken)) return problem(403, 'wrong token');
  return undefined;
}

function page(basePath: string, refreshMs: number, history: boolean, stats: boolean): Response {
  const nonce = randomBytes(16).toString('base64');
  return new Response(statusPage({ basePath, refreshMs, nonce, history, stats }), {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    },
  });
}

/** The monitor's system health (if any), made no better than the breakers allow: an open one is `unhealthy`, a half-open one `degraded`. */
function systemHealth(registry: HandlerRegistry, monitor: HandlerMonitor | undefined): SystemHealth & { circuits: Record<'closed' | 'open' | 'halfOpen', number> } {
  const base: SystemHealth = monitor?.systemHealth() ?? {
    level: 'healthy', counts: { healthy: 0, degraded: 0, unhealthy: 0, critical: 0 }, components: [], monitoring: false, at: registry.clock.now(),
  };
  const circuits = { closed: 0, open: 0, halfOpen: 0 };
  let level: HealthLevel = base.level;
  for (const breaker of registry.all()) {
    const state = breaker.state;
    if (state === 'OPEN') {
      circuits.open++;
      level = worstLevel(level, 'unhealthy');
    } else if (state === 'HALF_OPEN') {
      circuits.halfOpen++;
      level = worstLevel(level, 'degraded');
    } else circuits.closed++;
  }
  return { ...base, level, circuits };
}
