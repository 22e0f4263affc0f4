import { z } from 'zod';
import { parseWith } from '../config/parse.js';

// `seed >>> 0` would turn NaN, a string or a fraction into some seed silently (most into 0), and
// two tests meant to differ would then draw the same sequence.
const seedSchema = z.number({ error: 'expected an integer seed' })
  .int('expected an integer seed')
  .min(0, 'expected a seed from 0 to 4294967295 (an unsigned 32-bit integer)')
  .max(0xffff_ffff, 'expected a seed from 0 to 4294967295 (an unsigned 32-bit integer)');

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
 * @throws {HealingConfigError} (`seed`) for anything but an integer from 0 to 4294967295.
 */
export function seededRandom(seed: number): () => number {
  let state = parseWith(seedSchema, seed, 'seed');
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
