import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 10_000,
    // Unhandled rejections fail the run: the library promises never to leave one behind.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
