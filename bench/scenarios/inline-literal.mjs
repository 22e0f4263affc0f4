// The options literal of the "options literal in the call" row, in plain JavaScript on purpose.
// tsx compiles TypeScript with esbuild's keepNames, which wraps an arrow function written in an
// object literal in a __name() call that defines its `name`: about 190 ns per call on this
// machine, which user code compiled by tsc (or bundled without keepNames) never pays. tsx leaves
// a .mjs file as it is, so here the literal costs what it costs a user.

/** `executeWithHealing(fn)` with a new options literal (and a new fallback closure) in every call, as the README writes it. */
export function callWithLiteral(executeWithHealing, fn, registry) {
  return executeWithHealing(fn, undefined, { circuitName: 'bench-happy-inline', registry, retry: { maxAttempts: 3 }, fallback: () => 0 });
}

/**
 * The same literal handed to the least wrapper that checks it as strictly as a library must (by
 * code written for its shape, bench/scenarios/hand-written.mjs's `executeLiteral`).
 */
export function callMinimalWithLiteral(minimalLiteral, wrapper, fn, registry) {
  return minimalLiteral(wrapper, fn, undefined, { circuitName: 'bench-happy-minimal-literal', registry, retry: { maxAttempts: 3 }, fallback: () => 0 });
}

let kept;
/**
 * The caller's share of the literal row: the same literal made (and kept, so that the engine
 * cannot leave it out), then fn called bare. Any library the literal is handed to pays this.
 */
export function bareWithLiteral(fn, registry) {
  kept = { circuitName: 'bench-happy-inline', registry, retry: { maxAttempts: 3 }, fallback: () => 0 };
  return fn();
}

/** The same literal as written at 20 call sites, one circuit each, called in turn: they share the default pipeline. */
const SITES = Array.from({ length: 20 }, (_, site) => `bench-happy-site-${site}`);
let nextSite = 0;
export function callWithLiteralOfNextSite(executeWithHealing, fn, registry) {
  const circuitName = SITES[nextSite];
  nextSite = (nextSite + 1) % SITES.length;
  return executeWithHealing(fn, undefined, { circuitName, registry, retry: { maxAttempts: 3 }, fallback: () => 0 });
}
