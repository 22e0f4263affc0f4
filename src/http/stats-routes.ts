import type { HealingStatistics } from '../stats/healing-statistics.js';
import { componentOf, json, notConfigured, problem, type Route } from './responses.js';

/**
 * The statistics methods the handler uses: a `HealingStatistics`. `component` and `reset` are
 * optional so that an object with only `stats` and `recentRecoveries` still serves `/stats`; the
 * component filter and `POST /stats/reset` then answer 404.
 * @example
 * ```ts
 * const source: HandlerStatistics = new HealingStatistics();
 * ```
 */
export type HandlerStatistics = Pick<HealingStatistics, 'stats' | 'recentRecoveries'> & Partial<Pick<HealingStatistics, 'component' | 'reset'>>;

/** `GET /stats`, `GET /recoveries` (both with `?component=`) and `POST /stats/reset` (`?component=` too). */
export function statsRoutes(statistics: HandlerStatistics | undefined): Route[] {
  const unknownComponent = (name: string) => problem(404, `no statistics for a component named ${JSON.stringify(name)}`);
  const noFilter = () => problem(404, 'these statistics have no per-component view (pass a HealingStatistics)');
  return [
    { method: 'GET', pattern: /^\/stats$/, run: (_match, request) => {
      if (statistics === undefined) return notConfigured('statistics');
      const component = componentOf(request);
      if (component instanceof Response) return component;
      if (component.name === undefined) return json(200, statistics.stats());
      if (statistics.component === undefined) return noFilter();
      const counters = statistics.component(component.name);
      return counters === undefined ? unknownComponent(component.name) : json(200, { component: component.name, ...counters });
    } },
    { method: 'GET', pattern: /^\/recoveries$/, run: (_match, request) => {
      if (statistics === undefined) return notConfigured('statistics');
      const limit = new URL(request.url).searchParams.get('limit');
      if (limit !== null && !/^[1-9][0-9]{0,5}$/.test(limit)) return problem(400, 'limit must be a positive integer');
      const component = componentOf(request);
      if (component instanceof Response) return component;
      const max = limit === null ? undefined : Number(limit);
      return json(200, component.name === undefined ? statistics.recentRecoveries(max) : statistics.recentRecoveries(max, { component: component.name }));
    } },
    { method: 'POST', pattern: /^\/stats\/reset$/, run: (_match, request) => {
      if (statistics === undefined) return notConfigured('statistics');
      if (statistics.reset === undefined) return problem(404, 'these statistics cannot be reset (pass a HealingStatistics)');
      const component = componentOf(request);
      if (component instanceof Response) return component;
      if (component.name === undefined) {
        statistics.reset();
        return json(200, { reset: 'all' });
      }
      return statistics.reset(component.name) ? json(200, { reset: { component: component.name } }) : unknownComponent(component.name);
    } },
  ];
}
