import { z } from 'zod';
import { parseWith } from '../config/parse.js';
import { HealingConfigError } from '../errors.js';

/** The snapshot format this version writes and reads. */
export const SNAPSHOT_VERSION = 1;

const stateSchema = z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']);
const MAX_MS = 2 ** 31 - 1;

const breakerSchema = z.strictObject({
  name: z.string().min(1).max(1_000),
  state: stateSchema,
  remainingOpenMs: z.number().int().min(0).max(MAX_MS),
  openings: z.number().int().min(0).max(1_000_000),
  consecutiveFailures: z.number().int().min(0).max(1_000_000_000),
  forced: z.union([z.literal('OPEN'), z.literal('CLOSED'), z.null()]),
}).refine((b) => b.state === 'OPEN' || b.remainingOpenMs === 0, {
  message: 'only an OPEN breaker can have remainingOpenMs above 0', path: ['remainingOpenMs'],
});

const snapshotSchema = z.strictObject({
  version: z.literal(SNAPSHOT_VERSION, { error: `expected a snapshot of version ${SNAPSHOT_VERSION} (from another version of self-healing?)` }),
  takenAt: z.number().int().min(0),
  breakers: z.array(breakerSchema).max(1_000_000),
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
