// self-healing/http: the HTTP endpoint and status page.
export {
  createHealingHandler, type HealingHandlerOptions, type HealingHttpHandler,
  type HandlerRegistry, type HandlerStatistics, type HandlerMonitor,
} from './handler.js';
export { createNodeListener } from './node-listener.js';
export { HealingHistory, type HealingHistoryOptions, type ObservableRegistry } from './history/healing-history.js';
export type { HandlerHistory } from './history/history-route.js';
export type { HistorySnapshot, HistoryEntry, StateMarker, ComponentNow } from './history/history-types.js';
export type { ObservablePipeline } from '../stats/healing-statistics.js';
export type { TransitionReason } from '../circuit/circuit-events.js';
