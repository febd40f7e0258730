import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { ApiError } from '../../src/errors.js';
import { acceptModel, DEFAULT_UPLOAD_LIMITS } from '../../src/models/upload/index.js';
import { mutated, runs, Tally } from './mutate.js';

// Small plain classifiers (prepare probes and verifies each accepted case with onnxruntime-web).
const corpus = ['mobilenet_v2', 'resnet_basic', 'squeezenet'].map(
  (m) => new Uint8Array(readFileSync(`test/fixtures/models/${m}/model.onnx`)),
);
const tally = new Tally();
const runner = nodeRunner();

describe('fuzz: model uploads (decode, checks, prepare in full, verify run)', () => {
  afterAll(() => console.log(tally.report('model uploads')));

  it('a mutated model is prepared into a runnable model, or refused with a 4xx ApiError', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(corpus, 2), async (bytes) => {
        const start = performance.now();
        let result = 'accepted';
        try {
          const accepted = await acceptModel({ model: bytes, options: {} }, runner, DEFAULT_UPLOAD_LIMITS);
          expect(accepted.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
          expect(accepted.manifest.layers.length).toBeGreaterThan(0);
        } catch (err) {
          if (!(err instanceof ApiError)) throw new Error(`not an ApiError: ${String(err)}`);
          expect(err.status).toBeGreaterThanOrEqual(400);
          expect(err.status).toBeLessThan(500);
          expect(err.detail).not.toMatch(/wasm|RuntimeError|\bat .*\(/i);
          result = `${err.status} ${err.code}`;
        }
        tally.add(result, performance.now() - start);
      }),
      { numRuns: runs(80, 50), seed: Number(process.env.FUZZ_SEED ?? 4) },
    );
  });
});
