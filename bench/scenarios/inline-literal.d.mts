import type { CircuitBreakerRegistry, executeWithHealing } from '../../src/index.js';

export declare function callWithLiteral(
  run: typeof executeWithHealing, fn: () => Promise<number>, registry: CircuitBreakerRegistry,
): ReturnType<typeof executeWithHealing<undefined, Promise<number>>>;

export declare function callWithLiteralOfNextSite(
  run: typeof executeWithHealing, fn: () => Promise<number>, registry: CircuitBreakerRegistry,
): ReturnType<typeof executeWithHealing<undefined, Promise<number>>>;

export declare function bareWithLiteral(fn: () => Promise<number>, registry: CircuitBreakerRegistry): Promise<number>;

export declare function callMinimalWithLiteral(
  run: typeof import('./hand-written.mjs').minimalLiteral, wrapper: import('./hand-written.mjs').MinimalWrapper,
  fn: () => Promise<number>, registry: CircuitBreakerRegistry,
): Promise<unknown>;
