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
  const at = (a: number, field: number) => output[fieldIndex(format, a, field)]!;
  const out: Candidate[] = [];
  for (let a = 0; a < format.anchors; a++) {
    const objectness = obj ? at(a, 4) : 1;
    if (obj && !(objectness > conf)) continue;
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < format.classes; c++) {
      const s = at(a, first + c);
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    const score = objectness * bestScore;
    if (!(score > conf)) continue;
    const classField = fieldIndex(format, a, first + best);
    const target: SparseTarget = obj
      ? { size, indices: Int32Array.of(fieldIndex(format, a, 4), classField), weights: Float32Array.of(bestScore, objectness) }
      : { size, indices: Int32Array.of(classField), weights: Float32Array.of(1) };
    out.push({ anchor: a, classIndex: best, score, box: fromCentre(at(a, 0), at(a, 1), at(a, 2), at(a, 3)), target });
  }
  return out;
}
