/**
 * The library as its users run it: the built package in dist/ (what `npm pack` ships and the
 * issue's figures were measured on), typed from src/. Timing src/ through tsx would time tsx's
 * output instead: its esbuild pass (keepNames, another target) made the happy path about 15 ns
 * slower than the build, which no user pays. `npm run bench` builds first; run by hand, this
 * refuses a dist/ older than src/ (or the build's config) rather than time stale code. The fleet
 * scenario's worker processes (test/redis/fleet-worker.ts) still run src/ through tsx: they
 * measure how soon an open decision reaches them, in milliseconds, not the cost of a call.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** When src/ or the build's config last changed: a build older than this is stale. */
const sourcesChangedAt = Math.max(newestSource(join(root, 'src')), statSync(join(root, 'tsup.config.ts')).mtimeMs);

function built(entry: string): string {
  const file = join(root, 'dist', `${entry}.js`);
  let builtAt: number;
  try {
    builtAt = statSync(file).mtimeMs;
  } catch {
    throw new Error(`${file} is missing: run \`npm run build\` (\`npm run bench\` builds first)`);
  }
  if (builtAt < sourcesChangedAt) {
    throw new Error(`${file} is older than src/ or tsup.config.ts: run \`npm run build\` (\`npm run bench\` builds first)`);
  }
  return new URL(`../dist/${entry}.js`, import.meta.url).href;
}

/** The main entry, `self-healing`. */
export const lib = (await import(built('index'))) as typeof import('../src/index.js');
/** `self-healing/fleet`. */
export const fleetLib = (await import(built('fleet'))) as typeof import('../src/fleet/index.js');
/** `self-healing/redis`. */
export const redisLib = (await import(built('redis'))) as typeof import('../src/redis/index.js');
