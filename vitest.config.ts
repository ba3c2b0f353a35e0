import { defineConfig } from 'vitest/config';

// The `source` export condition maps `kfp-events` to `src/`, so tests import the package by its name
// (as users do) without a build step.
const conditions = ['source', 'import', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
