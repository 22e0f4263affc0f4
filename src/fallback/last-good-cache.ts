import type { Clock } from '../clock.js';

interface Entry {
  value: unknown;
  storedAt: number;
}

/**
 * The last good result per key, bounded in size and age: `maxEntries` most recently stored keys
 * (the oldest is dropped first), each served for `ttlMs` after it was stored. No timer: an
 * expired entry is dropped when it is read.
 */
export class LastGoodCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly keyOf: (args: unknown) => string,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: Clock,
  ) {}

  /** Stores the value the primary just returned for `args` (a key function that throws stores nothing). */
  remember(args: unknown, value: unknown): void {
    const key = this.safeKey(args);
    if (key === undefined) return;
    this.entries.delete(key); // re-inserting moves the key to the newest end
    this.entries.set(key, { value, storedAt: this.clock.now() });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The value stored for `args` if it is younger than `ttlMs`, with its age; `undefined` otherwise. */
  recall(args: unknown): { value: unknown; ageMs: number } | undefined {
    const key = this.safeKey(args);
    if (key === undefined) return undefined;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const ageMs = this.clock.now() - entry.storedAt;
    if (ageMs > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value, ageMs };
  }

  get size(): number {
    return this.entries.size;
  }

  private safeKey(args: unknown): string | undefined {
    try {
      return this.keyOf(args);
    } catch {
      return undefined; // args that cannot be keyed (a cycle, a BigInt) are simply not cached
    }
  }
}
