// The tests use the clock users get from self-healing/testing.
export { ManualClock } from '../../src/testing/manual-clock.js';

/**
 * Lets already-queued promise continuations run: microtasks only, unlike `ManualClock.advance`,
 * which also turns the event loop (setImmediate, I/O). The tests that use it wait for in-memory
 * promise chains only, often to check a state part-way through, without moving the clock.
 */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
