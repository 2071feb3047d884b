import { defineConfig } from 'vitest/config';

// Browser and end-to-end tests: Node-side vitest drives real Chromium pages through playwright-core.
// One file at a time: the machine has 2 cores and each file starts browsers of its own.
export default defineConfig({
  test: {
    include: ['tests/browser/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
