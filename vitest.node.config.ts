import { defineConfig } from 'vitest/config';

// Node-side tests: ONNX/gradient compiler, image and CAM code, generators, clients.
// Tests that must run inside workerd live in test/workers and use vitest.workers.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/workers/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
