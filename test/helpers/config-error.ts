import { expect } from 'vitest';
import { HealingConfigError } from '../../src/index.js';

/** Runs `build`, which must throw a HealingConfigError, and returns that error. */
export function configError(build: () => unknown): HealingConfigError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(HealingConfigError);
    return error as HealingConfigError;
  }
  throw new Error('expected a HealingConfigError');
}
