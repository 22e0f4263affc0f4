import { writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/**
 * The package's entries: the main entry and its subpaths (package.json `exports` lists the same).
 * `opossum` never imports 'opossum' and `redis` never imports 'ioredis' (callers pass them in);
 * `http` uses node:http types only; `otel` loads the optional peer `@opentelemetry/api` at run time.
 */
export const ENTRIES = {
  index: 'src/index.ts',
  fleet: 'src/fleet/index.ts',
  redis: 'src/redis/index.ts',
  otel: 'src/otel/index.ts',
  llm: 'src/reflect/llm/index.ts',
  tools: 'src/tools/index.ts',
  http: 'src/http/index.ts',
  opossum: 'src/opossum/index.ts',
  testing: 'src/testing/index.ts',
};

/**
 * One copy of every module per process, however the package is loaded. The code is built once,
 * as ES modules with shared chunks (`splitting`): `self-healing/fleet` and the main entry import
 * the same chunk holding CircuitBreakerRegistry, so `instanceof CircuitOpenError` and
 * `getDefaultRegistry()` agree across entries. The CommonJS entry files are one-line `require()`s
 * of those ES modules (require(esm), stable and unflagged from Node 22.12, the engines floor),
 * not a second bundle that would hold a second copy of every class. The second config emits
 * only the `.d.cts` types CommonJS users resolve.
 */
export default defineConfig([
  {
    entry: ENTRIES,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node22',
    splitting: true,
    treeshake: true,
    async onSuccess() {
      await Promise.all(Object.keys(ENTRIES).map((name) => writeFile(`dist/${name}.cjs`,
        `'use strict';\n// CommonJS entry: the ES module build itself, through require(esm), so both share one copy of every module.\nmodule.exports = require('./${name}.js');\n`)));
    },
  },
  {
    entry: ENTRIES,
    format: ['cjs'],
    dts: { only: true },
    target: 'node22',
  },
]);
