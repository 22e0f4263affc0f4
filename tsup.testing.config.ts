import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

/**
 * `self-healing/testing`, built after the main entries (`npm run build` runs tsup twice).
 *
 * A separate build so the testing entry can take the library's own modules from the main entry
 * at run time instead of bundling copies: a bundled copy of `HealingConfigError` would be a
 * different class, and `error instanceof HealingConfigError` (imported from 'self-healing')
 * would be false for the errors the chaos wrappers throw. Only modules whose exports are all
 * public (re-exported by src/index.ts) may be shared this way.
 */
const SHARED_WITH_MAIN_ENTRY = ['src/errors.ts', 'src/clock.ts'].map((path) => fileURLToPath(new URL(path, import.meta.url)));

export default defineConfig({
  entry: { testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'node22',
  splitting: false,
  treeshake: true,
  esbuildPlugins: [{
    name: 'use-main-entry',
    setup(build) {
      // esbuild always emits ESM here (tsup turns it into CJS afterwards): the output extension tells the formats apart.
      const mainEntry = build.initialOptions.outExtension?.['.js'] === '.cjs' ? './index.cjs' : './index.js';
      build.onResolve({ filter: /^\.\.?\/.*(errors|clock)\.js$/ }, (args) => {
        const resolved = fileURLToPath(new URL(args.path.replace(/\.js$/, '.ts'), `file://${args.importer}`));
        return SHARED_WITH_MAIN_ENTRY.includes(resolved) ? { path: mainEntry, external: true } : undefined;
      });
    },
  }],
});
