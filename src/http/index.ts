// self-healing/http: the HTTP endpoint and status page.
export {
  createHealingHandler, type HealingHandlerOptions, type HealingHttpHandler,
  type HandlerRegistry, type HandlerStatistics, type HandlerMonitor,
} from './handler.js';
export { createNodeListener } from './node-listener.js';
