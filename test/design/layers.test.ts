import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of docs/design.md, bottom first. A module may import at run time only from its own
 * layer or a lower one (`import type` is free: it leaves no code behind). Within a layer,
 * `node ../shared/tools/structure.mjs src` keeps the folders free of cycles.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['core', 'clock', 'errors', 'config', 'observe'],
  ['classify'],
  ['timeout', 'circuit', 'retry', 'reflect', 'fallback', 'recover', 'hedge', 'bulkhead', 'budget', 'degrade', 'adaptive', 'events', 'stats', 'health', 'batch', 'safety'],
  ['pipeline', 'shared-recovery', 'recovery-strategies'],
  ['fleet', 'redis', 'otel', 'http', 'opossum', 'testing', 'tools'],
  ['index'],
];

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');
const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []);
}

/** The top-level folder (or file, without `.ts`/`.js`) of a path under src. */
function topOf(path: string): string {
  return relative(src, path).split('/')[0]!.replace(/\.(ts|js)$/, '');
}

/** Runtime imports and re-exports: `import type` / `export type` and all-type braces are skipped. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)from\s+'(\.[^']+)'/gms)) {
    const braces = /^\s*\{([^}]*)\}\s*$/.exec(match[1]!);
    if (braces && braces[1]!.split(',').every((name) => name.trim() === '' || name.trim().startsWith('type '))) continue;
    found.push(normalize(join(dirname(file), match[2]!)));
  }
  return found;
}

describe('the layers of docs/design.md', () => {
  const files = sourceFiles(src);

  it('place every top-level folder of src', () => {
    const unplaced = [...new Set(files.map(topOf))].filter((top) => !layerOf.has(top));
    expect(unplaced, 'add the new folder to a layer here and in docs/design.md').toEqual([]);
  });

  it('have every runtime import point to the same layer or down', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = topOf(file);
      for (const target of runtimeImports(file)) {
        const to = topOf(target);
        if (layerOf.get(to)! > layerOf.get(from)!) upward.push(`${relative(src, file)} -> ${relative(src, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
