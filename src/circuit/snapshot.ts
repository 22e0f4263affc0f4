import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';
import type { SavedCircuitState } from './circuit-types.js';
import { MAX_MS } from '../config/schema-helpers.js';

/** The snapshot format this version writes and reads. */
export const SNAPSHOT_VERSION = 1;

/**
 * The longest circuit name, in characters. Every place a name is given (`circuitName`,
 * `registry.get`, `registry.register`) refuses a longer one, and `restore()` refuses a snapshot
 * holding one: one limit, so every breaker a registry holds fits in its snapshot.
 */
export const MAX_CIRCUIT_NAME_LENGTH = 1_000;

/** What an over-long circuit name is told, wherever it is given. */
export const CIRCUIT_NAME_TOO_LONG = `expected at most ${MAX_CIRCUIT_NAME_LENGTH} characters: name a breaker by a bounded key ` +
  '(a host, a model, a tenant tier), not by a full URL or an id';

/** Refuses a circuit name longer than {@link MAX_CIRCUIT_NAME_LENGTH}, as `option`. */
export function checkCircuitNameLength(name: string, option: string): void {
  if (name.length > MAX_CIRCUIT_NAME_LENGTH) throw new HealingConfigError(option, `${CIRCUIT_NAME_TOO_LONG} (got ${name.length})`);
}

const stateSchema = z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']);
const MAX_OPENINGS = 1_000_000;
const MAX_CONSECUTIVE_FAILURES = 1_000_000_000;

const breakerSchema = z.strictObject({
  name: z.string().min(1).max(MAX_CIRCUIT_NAME_LENGTH),
  state: stateSchema,
  remainingOpenMs: z.number().int().min(0).max(MAX_MS),
  openings: z.number().int().min(0).max(MAX_OPENINGS),
  consecutiveFailures: z.number().int().min(0).max(MAX_CONSECUTIVE_FAILURES),
  forced: z.union([z.literal('OPEN'), z.literal('CLOSED'), z.null()]),
}).refine((b) => b.state === 'OPEN' || b.remainingOpenMs === 0, {
  message: 'only an OPEN breaker can have remainingOpenMs above 0', path: ['remainingOpenMs'],
});

const snapshotSchema = z.strictObject({
  version: z.literal(SNAPSHOT_VERSION, { error: `expected a snapshot of version ${SNAPSHOT_VERSION} (from another version of self-healing?)` }),
  takenAt: z.number().int().min(0),
  // No cap of its own: a registry holds up to `maxBreakers`, and restore() refuses (whole) a
  // snapshot that does not fit in the registry it is restored into.
  breakers: z.array(breakerSchema),
  checksum: z.string().regex(/^[0-9a-f]{8}$/, 'expected the 8-hex-digit checksum written by snapshot()'),
}).refine((s) => new Set(s.breakers.map((b) => b.name)).size === s.breakers.length, {
  message: 'a breaker name appears twice', path: ['breakers'],
});

/**
 * What `registry.snapshot()` returns and `registry.restore()` takes: plain JSON.
 * @example
 * ```ts
 * const saved: RegistrySnapshot = registry.snapshot();
 * ```
 */
export type RegistrySnapshot = z.infer<typeof snapshotSchema>;

/** FNV-1a over the snapshot's content: detects corruption and hand edits (it is not a signature). */
function checksumOf(snapshot: Omit<RegistrySnapshot, 'checksum'>): string {
  const text = JSON.stringify([snapshot.version, snapshot.takenAt, snapshot.breakers.map((b) =>
    [b.name, b.state, b.remainingOpenMs, b.openings, b.consecutiveFailures, b.forced])]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** An integer in [0, max]: `round` for a finite value, 0 for anything else. */
function bounded(value: number, max: number, round: (value: number) => number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(0, round(value))) : 0;
}

/**
 * A breaker's entry, in the ranges `restore()` accepts. A breaker's own numbers can leave them:
 * a break of 1 500.5 ms, or from `(n) => 1_000 * 1.5 ** n`, leaves a fractional remaining break
 * (rounded up here, so a restored breaker stays open at least as long); a breaker with a zero
 * break that keeps failing its probes counts openings without end. Without this, one such breaker
 * made the whole snapshot unrestorable.
 */
export function snapshotEntry(name: string, saved: SavedCircuitState): RegistrySnapshot['breakers'][number] {
  return {
    name,
    state: saved.state,
    remainingOpenMs: saved.state === 'OPEN' ? bounded(saved.remainingOpenMs, MAX_MS, Math.ceil) : 0,
    openings: bounded(saved.openings, MAX_OPENINGS, Math.round),
    consecutiveFailures: bounded(saved.consecutiveFailures, MAX_CONSECUTIVE_FAILURES, Math.round),
    forced: saved.forced,
  };
}

/** A snapshot's `takenAt` from a clock reading: a Clock may read fractional ms (or a test clock, before the epoch). */
export function snapshotTime(now: number): number {
  return bounded(now, Number.MAX_SAFE_INTEGER, Math.floor);
}

/** Adds the checksum to a snapshot being written. */
export function signSnapshot(snapshot: Omit<RegistrySnapshot, 'checksum'>): RegistrySnapshot {
  return { ...snapshot, checksum: checksumOf(snapshot) };
}

/** Validates a snapshot being read: its shape, its version and its checksum. */
export function parseSnapshot(value: unknown): RegistrySnapshot {
  const snapshot = parseWith(snapshotSchema, value, 'snapshot');
  if (checksumOf(snapshot) !== snapshot.checksum) {
    throw new HealingConfigError('snapshot.checksum', 'does not match the content: the snapshot was changed after it was taken');
  }
  return snapshot;
}
