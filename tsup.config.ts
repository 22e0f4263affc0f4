import { defineConfig } from 'tsup';

export default defineConfig({
  // `opossum` is the self-healing/opossum subpath; it never imports 'opossum' (callers pass it in).
  // `http` is the self-healing/http subpath (the endpoint and status page; it uses node:http types only).
  // `redis` is self-healing/redis; likewise it never imports 'ioredis' (callers pass a client in).
  entry: { index: 'src/index.ts', opossum: 'src/opossum/index.ts', http: 'src/http/index.ts', redis: 'src/redis/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: false,
  treeshake: true,
  // import.meta.url in the CommonJS build: the optional OpenTelemetry peer is resolved from it.
  shims: true,
});
