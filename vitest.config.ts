import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{common,main,emulator,renderer}/**/*.test.{ts,tsx}', 'integration/**/*.test.ts'],
    // The fault suite stops the engine itself: its own step of `npm test` (npm run test:faults), never beside other files.
    exclude: ['**/node_modules/**', ...(process.env.SECLAB_FAULT_SUITE ? [] : ['integration/faults/**'])],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Docker-backed suites share one engine on a 2-core machine: run files one at a time.
    fileParallelism: false,
    reporters: ['default'],
    // Official images come from a closed loopback port in tests: nothing asks a registry on the internet.
    env: { SECLAB_OFFICIAL_REGISTRY: '127.0.0.1:9' },
  },
});
