/**
 * @module
 * Extra batched runs for the CAM methods that need them (src/cam/base.ts `ModelAccess`): N images with N
 * seed rows, row i seeding image i (the batch contract of src/manifest.ts). Batches are split at
 * {@link batchLimit} images: 16, 4 for models with input gradients, or the model's fixed batch size (e.g. 1).
 */
import type { BatchRun, ModelAccess } from '../../cam/base.js';
import { seedInputs, type LayerSpec, type Manifest } from '../../manifest.js';
import type { ModelSession, RunTensor } from '../../runtime/runner.js';
import { ownSeedFeeds } from '../../models/empty-seeds.js';
import { classCount } from './model-run.js';

/** The most images sent in one session run (bounds the WASM memory a batch needs; see docs/methods.md). */
export const MAX_BATCH = 16;

/**
 * The most images per run for a model with gradients down to its input (own seed inputs, prepare
 * --input-gradients). Their backward graphs run inside ONNX If nodes, and onnxruntime keeps every forward
 * activation an If reads alive until it runs, whichever branch it takes: the default model's WASM memory
 * after one run is 40 MiB at 4 images but 122 MiB at 16 (35 MiB at 16 without input gradients), too close
 * to a Worker's 128 MB.
 */
export const MAX_BATCH_INPUT_GRADIENTS = 4;

/** The largest batch sent to the model in one run: its fixed batch size, else the limit for its kind. */
export function batchLimit(manifest: Manifest): number {
  const max = seedInputs(manifest).length > 1 ? MAX_BATCH_INPUT_GRADIENTS : MAX_BATCH;
  const n = manifest.input.shape[0];
  return typeof n === 'number' && n > 0 ? Math.min(n, max) : max;
}

/**
 * A {@link ModelAccess} over a loaded session, for one request's image and class. `onRun` is called once
 * per session run (for run counters).
 *
 * @example
 * const access = modelAccess(session, manifest, layer, pre.data, run.classIndex);
 * const { logits } = await access.run(masked, 32, { gradient: false }); // 2 runs of 16 images
 */
export function modelAccess(session: ModelSession, manifest: Manifest, layer: LayerSpec, input: Float32Array, classIndex: number, onRun: () => void = () => undefined): ModelAccess {
  const [, d1, d2, d3] = manifest.input.shape as [unknown, number, number, number];
  const nhwc = manifest.input.layout === 'NHWC';
  return {
    input,
    layout: manifest.input.layout,
    inputHeight: nhwc ? d1 : d2,
    inputWidth: nhwc ? d2 : d3,
    classIndex,
    async run(images, count, outputs) {
      const size = input.length;
      if (images.length !== count * size) throw new Error(`batch has ${images.length} values, expected ${count} x ${size}`);
      const k = classCount(manifest);
      const logits = new Float32Array(count * k);
      let gradient: Float32Array | undefined;
      const step = batchLimit(manifest);
      for (let start = 0; start < count; start += step) {
        const n = Math.min(step, count - start);
        const seed = new Float32Array(n * k);
        if (outputs.gradient) for (let i = 0; i < n; i++) seed[i * k + classIndex] = 1;
        const feeds: Record<string, RunTensor> = {
          ...ownSeedFeeds(manifest),
          [manifest.input.name]: { type: 'float32', dims: [n, d1, d2, d3], data: images.subarray(start * size, (start + n) * size) },
          [manifest.seed.name]: { type: 'float32', dims: [n, k], data: seed },
        };
        const fetches = outputs.gradient ? [manifest.logits.name, layer.gradient] : [manifest.logits.name];
        const out = await session.run(feeds, fetches);
        onRun();
        logits.set(floats(out[manifest.logits.name]).subarray(0, n * k), start * k);
        if (outputs.gradient) {
          const g = floats(out[layer.gradient]);
          const per = g.length / n;
          gradient ??= new Float32Array(count * per);
          gradient.set(g, start * per);
        }
      }
      return { logits, classes: k, gradient } satisfies BatchRun;
    },
  };
}

function floats(t: RunTensor | undefined): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new Error('model output missing or not float32');
  return t.data;
}
