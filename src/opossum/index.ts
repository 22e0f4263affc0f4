// self-healing/opossum: drive opossum breakers from a HealingPipeline. Re-exports only.
// This entry never imports 'opossum': callers pass its CircuitBreaker class in.
export { createOpossumBreaker, type OpossumConstructor } from './gate.js';
export { fromOpossum, type FromOpossumOptions, type OpossumAdapterStats, type OpossumBreakerAdapter } from './from-opossum.js';
export type { OpossumBreakerOptions, OpossumCircuitBreaker, OpossumWindowStats } from './opossum-types.js';
