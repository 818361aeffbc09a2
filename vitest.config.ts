import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'machines/**/*.test.ts'],
    // Minutes-long reliability tests run with `npm run test:chaos`.
    exclude: ['test/chaos/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // Every answer a test receives is checked against the OpenAPI document.
    setupFiles: ['test/contract-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
