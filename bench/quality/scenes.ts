/**
 * @module
 * The benchmark's held-out scenes (src/scenes), rendered at the model's input size so that no resize is
 * needed (the default model was trained on such scenes with 'stretch', i.e. none): single-object scenes
 * with seeds 3,000,000 + i and class i mod 10 (balanced, as the training split), and two-object scenes with
 * seeds 3,500,000 + i and random classes. Training used seeds 1,000,000+ and validation 2,000,000+.
 */
import { renderScene } from '../../src/scenes/index.js';
import { toTensor } from '../../src/image/preprocess/tensor.js';
import type { Manifest } from '../../src/manifest.js';
import type { Mask } from '../../src/quality/index.js';

/** First seed of each benchmark set. */
export const BENCH_SEEDS = { single: 3_000_000, pair: 3_500_000 } as const;

/** One benchmark scene as the model sees it. */
export interface BenchScene {
  seed: number;
  /** Normalised model input, 3 x H x W. */
  input: Float32Array;
  classes: number[];
  masks: Mask[];
  /** Each object's bounding box as a mask (the pointing game's box variant, as on PASCAL VOC). */
  boxes: Mask[];
}

/** Scene `index` of the single or pair set, preprocessed for `manifest`. */
export function benchScene(kind: keyof typeof BENCH_SEEDS, index: number, manifest: Manifest, classCount: number): BenchScene {
  const size = Number(manifest.input.shape[2]);
  if (Number(manifest.input.shape[3]) !== size) throw new Error('the benchmark renders square scenes; the model input is not square');
  const seed = BENCH_SEEDS[kind] + index;
  const scene = renderScene({ seed, size, kind, classes: kind === 'single' ? [index % classCount] : undefined });
  const input = toTensor({ width: size, height: size, data: scene.image }, { mean: manifest.input.mean, std: manifest.input.std });
  return {
    seed,
    input,
    classes: scene.objects.map((o) => o.classIndex),
    masks: scene.objects.map((o) => ({ width: size, height: size, data: o.mask })),
    boxes: scene.objects.map((o) => boxMask(o.bbox, size)),
  };
}

function boxMask(box: { x: number; y: number; width: number; height: number }, size: number): Mask {
  const data = new Uint8Array(size * size);
  for (let y = box.y; y < box.y + box.height; y++) data.fill(1, y * size + box.x, y * size + box.x + box.width);
  return { width: size, height: size, data };
}

/** Input tensors of several scenes, back to back. */
export function stackInputs(scenes: readonly BenchScene[], repeat = 1): Float32Array {
  const size = scenes[0]?.input.length ?? 0,
    out = new Float32Array(scenes.length * repeat * size);
  scenes.forEach((s, i) => {
    for (let r = 0; r < repeat; r++) out.set(s.input, (i * repeat + r) * size);
  });
  return out;
}
