/**
 * @module
 * Batches of several images through the prepared model (row-aligned mode of the batch contract: N images,
 * N seed rows), in runs of at most `batch` images: the input gradient of SmoothGrad's noisy copies, and
 * forward-only logits for the metrics. The shared seed gets zero rows (its backward graph is short); the
 * own-seed graphs not needed are skipped (empty seeds).
 */
import { ownSeedFeeds } from '../../models/empty-seeds.js';
import type { LayerSpec, Manifest } from '../../manifest.js';
import type { ModelSession, RunTensor } from '../../runtime/runner.js';
import { ApiError } from '../../errors.js';
import { classCount } from './model-run.js';
import { imageDims, rows } from './seed-run.js';

function floats(out: Record<string, RunTensor>, name: string): Float32Array {
  const t = out[name];
  if (!t || !(t.data instanceof Float32Array)) throw new ApiError(500, 'internal', `model output '${name}' missing or not float32`);
  return t.data;
}

/**
 * The input gradient of `count` images (concatenated) for one seed row each, in batches of at most
 * `batch` images: row-aligned mode of the batch contract (N images, N seed rows). The shared seed gets
 * zero rows (its backward graph is short); the guided graph is skipped.
 */
export async function batchInputGradients(session: ModelSession, manifest: Manifest, layer: LayerSpec, images: Float32Array, count: number, seed: Float32Array, batch: number): Promise<{ gradients: Float32Array; runs: number }> {
  const k = classCount(manifest);
  const size = images.length / count;
  const gradients = new Float32Array(images.length);
  let runs = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const out = await session.run({
      ...ownSeedFeeds(manifest),
      [manifest.input.name]: { type: 'float32', dims: imageDims(manifest, n), data: images.subarray(start * size, (start + n) * size) },
      [manifest.seed.name]: rows(Array.from({ length: n }, () => new Float32Array(k)), k),
      [layer.seed ?? manifest.seed.name]: rows(Array.from({ length: n }, () => seed), k),
    }, [layer.gradient]);
    runs++;
    gradients.set(floats(out, layer.gradient).subarray(0, n * size), start * size);
  }
  return { gradients, runs };
}

/**
 * Logits of `count` images (concatenated), forward only, in batches of at most `batch` images (the
 * shared seed gets zero rows; own-seed graphs are skipped). Returns count x K logits.
 */
export async function batchLogits(session: ModelSession, manifest: Manifest, images: Float32Array, count: number, batch: number): Promise<{ logits: Float32Array; runs: number }> {
  const k = classCount(manifest);
  const size = images.length / count;
  const logits = new Float32Array(count * k);
  let runs = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const out = await session.run({
      ...ownSeedFeeds(manifest),
      [manifest.input.name]: { type: 'float32', dims: imageDims(manifest, n), data: images.subarray(start * size, (start + n) * size) },
      [manifest.seed.name]: rows(Array.from({ length: n }, () => new Float32Array(k)), k),
    }, [manifest.logits.name]);
    runs++;
    logits.set(floats(out, manifest.logits.name).subarray(0, n * k), start * k);
  }
  return { logits, runs };
}
