/**
 * @module
 * Decoding one image's dense detection output into scored candidate boxes, each with its target: the linear
 * functional of the output whose gradient explains it (the detection's class score at its anchor; with
 * objectness, the first-order expansion of objectness * class score at the output's value, so G is exactly
 * d(score)/dA). Each anchor keeps only its best class, as the exporters' NMS does (ultralytics
 * `multi_label=False`).
 */
import { fromCentre, type Corners } from './boxes.js';
import { fieldIndex, headerLength, type DetectFormat } from './detect-format.js';
import type { SparseTarget } from './target.js';

/** One anchor whose best class scores above the threshold. */
export interface Candidate {
  readonly anchor: number;
  readonly classIndex: number;
  readonly score: number;
  /** Box in the model input's pixels. */
  readonly box: Corners;
  readonly target: SparseTarget;
}

/**
 * Candidates of one image, in anchor order: anchors whose score is strictly above `conf` (ultralytics'
 * `> conf_thres`; with objectness, objectness must also exceed it, as in YOLOv5's NMS).
 *
 * @example
 * decodeCandidates(output.subarray(0, 84 * 8400), { layout: 'channels-first', classes: 80, anchors: 8400 }, 0.25);
 */
export function decodeCandidates(output: ArrayLike<number>, format: DetectFormat, conf: number): Candidate[] {
  const size = format.anchors * (headerLength(format.layout) + format.classes);
  if (output.length !== size) throw new Error(`decodeCandidates: output has ${output.length} values, the format ${size}`);
  const obj = format.layout === 'anchors-first-objectness';
  const first = headerLength(format.layout);
  // field f of anchor a sits at base(a) + f * step (fieldIndex, unrolled for the inner loops)
  const step = fieldIndex(format, 0, 1) - fieldIndex(format, 0, 0);
  const out: Candidate[] = [];
  for (let a = 0; a < format.anchors; a++) {
    const base = fieldIndex(format, a, 0);
    const objectness = obj ? output[base + 4 * step]! : 1;
    if (obj && !(objectness > conf)) continue;
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0, i = base + first * step; c < format.classes; c++, i += step) {
      const s = output[i]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    const score = objectness * bestScore;
    if (!(score > conf)) continue;
    const classField = base + (first + best) * step;
    const target: SparseTarget = obj
      ? { size, indices: Int32Array.of(base + 4 * step, classField), weights: Float32Array.of(bestScore, objectness) }
      : { size, indices: Int32Array.of(classField), weights: Float32Array.of(1) };
    const box = fromCentre(output[base]!, output[base + step]!, output[base + 2 * step]!, output[base + 3 * step]!);
    out.push({ anchor: a, classIndex: best, score, box, target });
  }
  return out;
}
