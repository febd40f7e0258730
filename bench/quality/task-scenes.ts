/**
 * @module
 * Held-out multi-object scenes for the task-model quality benchmark (bench/quality/tasks.ts): one to three
 * objects of different classes (src/scenes kind 'multi'), seeds 7,000,000 + i (tools/make-task-scenes.ts
 * trained on 5,000,000+ and validated on 6,000,000+), rendered at the model's input size (no resize), with
 * each object's mask and box mask, and the greedy IoU matching of detections to objects.
 */
import { preprocess, preprocessSpecOf } from '../../src/image/index.js';
import type { Manifest } from '../../src/manifest.js';
import type { Mask } from '../../src/quality/index.js';
import { renderScene } from '../../src/scenes/index.js';
import type { Corners } from '../../src/tasks/boxes.js';

/** First seed of the task benchmark scenes. */
export const TASK_BENCH_SEED = 7_000_000;

/** One object with its ground truth at the input's size. */
export interface TaskObject {
  classIndex: number;
  mask: Mask;
  boxMask: Mask;
  /** The tight box, x1/y1 exclusive (input pixels). */
  box: Corners;
}

/** One benchmark scene as the model sees it. */
export interface TaskScene {
  seed: number;
  input: Float32Array;
  objects: TaskObject[];
  size: number;
}

/** Scene `index`, preprocessed for `manifest` (square input). */
export function taskScene(index: number, manifest: Manifest): TaskScene {
  const size = Number(manifest.input.shape[2]);
  const seed = TASK_BENCH_SEED + index;
  const scene = renderScene({ seed, size, kind: 'multi' });
  const input = preprocess({ width: size, height: size, data: scene.image }, preprocessSpecOf(manifest.input)).data;
  const objects = scene.objects.map((o) => {
    const box = { x0: o.bbox.x, y0: o.bbox.y, x1: o.bbox.x + o.bbox.width, y1: o.bbox.y + o.bbox.height };
    return { classIndex: o.classIndex, mask: { width: size, height: size, data: o.mask }, boxMask: boxMask(box, size), box };
  });
  return { seed, input, objects, size };
}

/** A box (x1/y1 exclusive, fractional edges rounded to the pixels whose centres lie inside) as a mask. */
export function boxMask(b: Corners, size: number): Mask {
  const data = new Uint8Array(size * size);
  const x0 = Math.max(0, Math.round(b.x0)),
    x1 = Math.min(size, Math.round(b.x1));
  for (let y = Math.max(0, Math.round(b.y0)); y < Math.min(size, Math.round(b.y1)); y++)
    if (x1 > x0) data.fill(1, y * size + x0, y * size + x1);
  return { width: size, height: size, data };
}

/** The union of several masks of one size (all zero for none). */
export function unionMask(masks: readonly Mask[], size: number): Mask {
  const data = new Uint8Array(size * size);
  for (const m of masks) for (let i = 0; i < data.length; i++) data[i] = data[i]! | m.data[i]!;
  return { width: size, height: size, data };
}

/** Share of the image a mask covers (what a uniform map puts inside it). */
export function areaShare(mask: Mask): number {
  let s = 0;
  for (const v of mask.data) s += v;
  return s / mask.data.length;
}

export function iou(a: Corners, b: Corners): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Detections (best score first, as the service lists them) matched greedily to objects of the same class
 * with IoU >= 0.5; entry i is the object index of detection i, or -1 (a false positive).
 */
export function matchDetections(dets: readonly { classIndex: number; box: Corners }[], objects: readonly TaskObject[]): number[] {
  const taken = new Set<number>();
  return dets.map((d) => {
    let best = -1,
      bestIou = 0.5;
    objects.forEach((o, k) => {
      const v = iou(d.box, o.box);
      if (!taken.has(k) && o.classIndex === d.classIndex && v >= bestIou) {
        best = k;
        bestIou = v;
      }
    });
    if (best >= 0) taken.add(best);
    return best;
  });
}
