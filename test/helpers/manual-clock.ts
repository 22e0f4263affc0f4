// The tests use the clock users get from self-healing/testing.
export { ManualClock } from '../../src/testing/manual-clock.js';

/** Lets every already-queued promise continuation run. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
