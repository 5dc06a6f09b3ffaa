import { defineConfig } from 'vitest/config';

// Unit, property and integration tests (Node). Browser tests run under Playwright (e2e/).
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fails the run if any process a test spawned is still running at the end.
    globalSetup: ['server/testing/global-setup.ts'],
  },
});
