import { defineConfig } from 'vitest/config';

/** `npm run test:reliability`: the long forms of the scenarios, one at a time, and the results table. */
export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts', 'tests/reliability/support/report-setup.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    fileParallelism: false,
  },
});
