import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'machines/**/*.test.ts'],
    // Minutes-long reliability tests run with `npm run test:chaos`.
    exclude: ['test/chaos/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // Every answer a test receives is checked against the OpenAPI document.
    setupFiles: ['test/contract-setup.ts'],
    // Generous: on a 2-core machine under other load the longest walk-throughs (a whole move
    // in a browser, every path of a machine) took more than 30 s. Speed is the bench's to prove.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: 'forks',
  },
});
