/**
 * A deterministic source of numbers in [0, 1), from a 32-bit seed (the mulberry32 generator):
 * the same seed gives the same sequence on every run and every platform, so a chaos test that
 * failed once fails again the same way.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * const flaky = injectFault(callApi, { rate: 0.3, random });
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
