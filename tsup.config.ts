import { defineConfig } from 'tsup';

export default defineConfig({
  // `opossum` is the self-healing/opossum subpath; it never imports 'opossum' (callers pass it in).
  // `redis` is self-healing/redis; likewise it never imports 'ioredis' (callers pass a client in).
  entry: { index: 'src/index.ts', opossum: 'src/opossum/index.ts', redis: 'src/redis/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: false,
  treeshake: true,
});
