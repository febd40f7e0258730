import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Route tests inside real workerd (Miniflare), with the bindings of wrangler.toml (KV, static assets with
// the bundled default model) and the test fixtures exposed as data blobs, which tests store in the MODELS
// KV namespace to exercise loading a model by id.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: { DEBUG_COUNTERS: '1', CACHE_SECRET: 'test-only-secret', RATE_LIMIT: 'off' },
        dataBlobBindings: {
          TINY_ONNX: 'test/fixtures/prepared/tiny.onnx',
          TINY_JSON: 'test/fixtures/prepared/tiny.json',
          PLAIN_ONNX: 'test/fixtures/models/mobilenet_v2/model.onnx',
          INPUT_GRAD_ONNX: 'test/fixtures/prepared/mobilenet_v2_input.onnx',
          INPUT_GRAD_JSON: 'test/fixtures/prepared/mobilenet_v2_input.json',
        },
      },
    }),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
