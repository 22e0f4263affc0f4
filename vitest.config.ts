import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { ENTRIES } from './tsup.config.ts';

export default defineConfig({
  resolve: {
    // `self-healing` and its subpaths are this checkout's sources, in tests and in the docs'
    // snippets run by test/docs/snippets.test.ts (the entries of tsup.config.ts, one source of truth).
    alias: Object.entries(ENTRIES).map(([name, file]) => ({
      find: new RegExp(`^self-healing${name === 'index' ? '' : `/${name}`}$`),
      replacement: join(import.meta.dirname, file),
    })),
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 10_000,
    // Unhandled rejections fail the run: the library promises never to leave one behind.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
