import { defineConfig } from 'vitest/config';

/** `npm run test:chaos`: the reliability tests that take minutes, one file at a time. */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.test.ts'],
    globalSetup: ['test/chaos/global-setup.ts'],
    // As in `npm test`: every answer served in this process is checked against the document.
    setupFiles: ['test/contract-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
