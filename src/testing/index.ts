// self-healing/testing: chaos wrappers for users' own tests. Re-exports only.
export { injectFault, InjectedFaultError, type FaultOptions } from './inject-fault.js';
export { injectLatency, type LatencyOptions } from './inject-latency.js';
export { injectHang } from './inject-hang.js';
export { seededRandom } from './random.js';
export { ManualClock } from './manual-clock.js';
export type { ChaosOptions, ChaosStats, ChaosFunction } from './chaos-options.js';
