/**
 * @module
 * Segmentation outputs [N, K, H, W] (class logits per pixel): the model's own segments (per-pixel argmax),
 * the classes present with their pixel shares, the default class, and the target of pytorch-grad-cam's
 * `SemanticSegmentationTarget`: sum over a mask of class c's logits, `(model_output[c] * mask).sum()`,
 * with the mask = the pixels whose argmax is c, optionally restricted to a region.
 */
import type { Corners } from './boxes.js';
import { optionError } from './option-error.js';
import { regionCells } from './region.js';
import type { SparseTarget } from './target.js';

/** Sizes of one image's segmentation output. */
export interface SegmentShape {
  readonly classes: number;
  readonly height: number;
  readonly width: number;
}

/** A class present in the segmentation. */
export interface ClassShare {
  readonly classIndex: number;
  readonly pixels: number;
  /** pixels / (H * W). */
  readonly share: number;
}

/**
 * The class of every pixel: argmax over K (the lower class on ties, as torch.argmax).
 *
 * @example
 * argmaxClasses(logits.subarray(0, 21 * 64 * 64), { classes: 21, height: 64, width: 64 });
 */
export function argmaxClasses(logits: ArrayLike<number>, s: SegmentShape): Int32Array {
  const hw = s.height * s.width;
  if (logits.length !== s.classes * hw)
    throw new Error(`argmaxClasses: ${logits.length} values for [${s.classes}, ${s.height}, ${s.width}]`);
  const best = new Int32Array(hw);
  const bestValue = new Float64Array(hw);
  for (let p = 0; p < hw; p++) bestValue[p] = logits[p]!;
  for (let c = 1; c < s.classes; c++) {
    for (let p = 0; p < hw; p++) {
      const v = logits[c * hw + p]!;
      if (v > bestValue[p]!) {
        bestValue[p] = v;
        best[p] = c;
      }
    }
  }
  return best;
}

/** The classes present, most pixels first (ties: lower class first). */
export function classShares(argmax: Int32Array, classes: number): ClassShare[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of argmax) counts[c]!++;
  return counts
    .map((pixels, classIndex) => ({ classIndex, pixels, share: pixels / argmax.length }))
    .filter((c) => c.pixels > 0)
    .sort((a, b) => b.pixels - a.pixels || a.classIndex - b.classIndex);
}

/**
 * The class explained when the request names none: the non-background class covering most pixels; the
 * background class itself when nothing else is present. `background` null: the class covering most pixels.
 */
export function defaultSegmentClass(shares: readonly ClassShare[], background: number | null): number {
  return (shares.find((c) => c.classIndex !== background) ?? shares[0]!).classIndex;
}

/**
 * The target of class c: every pixel of the mask (argmax == c, inside `region` in input pixels when given)
 * contributes its class-c logit with weight 1. A mask with no pixel is a 400 naming the classes present.
 *
 * @example
 * segmentTarget(argmax, shape, 15, null, 64, 64); // person pixels of a VOC model
 */
export function segmentTarget(
  argmax: Int32Array,
  s: SegmentShape,
  classIndex: number,
  region: Corners | null,
  inputWidth: number,
  inputHeight: number,
): SparseTarget {
  const hw = s.height * s.width;
  const inside = regionCells(region, s.width, s.height, inputWidth, inputHeight);
  const indices: number[] = [];
  for (let p = 0; p < hw; p++) if (argmax[p] === classIndex && inside[p]) indices.push(classIndex * hw + p);
  if (indices.length === 0) {
    const present = classShares(argmax, s.classes)
      .map((c) => c.classIndex)
      .join(', ');
    const where = region ? ` inside region ${region.x0},${region.y0},${region.x1},${region.y1}` : '';
    throw optionError('class', `class ${classIndex} covers no pixel of this image's segmentation${where}; classes present: ${present}.`);
  }
  return { size: s.classes * hw, indices: Int32Array.from(indices), weights: new Float32Array(indices.length).fill(1) };
}
