import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every core (vitest's default leaves one idle: on a 2-core machine the files ran one at a
    // time, ~16 min; two at a time ~10 min). The tests wait on server processes more than they compute.
    maxWorkers: '100%',
  },
});
