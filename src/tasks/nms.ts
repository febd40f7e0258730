/**
 * @module
 * Non-maximum suppression as torchvision computes it (`torchvision.ops.nms` and `batched_nms`): boxes in
 * decreasing score order; a box is dropped when its IoU with an already kept box is strictly greater than
 * the threshold. {@link batchedNms} suppresses only within a class, as the YOLO exporters' post-processing
 * does by default (ultralytics `non_max_suppression` with `agnostic=False` offsets boxes per class and calls
 * `nms`, which is `batched_nms`). Equal scores keep the lower index first (torchvision's order on ties is
 * that of its sort and not specified).
 */
import { iou, type Corners } from './boxes.js';

/** Indices in decreasing score order, ties by index. */
function byScore(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

function suppress(
  boxes: readonly Corners[],
  scores: ArrayLike<number>,
  threshold: number,
  sameGroup: (a: number, b: number) => boolean,
): number[] {
  if (boxes.length !== scores.length) throw new Error(`nms: ${boxes.length} boxes but ${scores.length} scores`);
  const order = byScore(scores);
  const removed = new Uint8Array(boxes.length);
  const keep: number[] = [];
  for (let p = 0; p < order.length; p++) {
    const i = order[p]!;
    if (removed[i]) continue;
    keep.push(i);
    for (let q = p + 1; q < order.length; q++) {
      const j = order[q]!;
      if (!removed[j] && sameGroup(i, j) && iou(boxes[i]!, boxes[j]!) > threshold) removed[j] = 1;
    }
  }
  return keep;
}

/**
 * Class-agnostic NMS (`torchvision.ops.nms`): the indices kept, in decreasing score order.
 *
 * @example
 * nms([{ x0: 0, y0: 0, x1: 10, y1: 10 }, { x0: 1, y0: 1, x1: 11, y1: 11 }], [0.9, 0.8], 0.45); // [0]
 */
export function nms(boxes: readonly Corners[], scores: ArrayLike<number>, threshold: number): number[] {
  return suppress(boxes, scores, threshold, () => true);
}

/**
 * Per-class NMS (`torchvision.ops.batched_nms`): boxes of different classes never suppress each other.
 * The indices kept, in decreasing score order.
 *
 * @example
 * batchedNms(boxes, scores, classes, 0.45);
 */
export function batchedNms(boxes: readonly Corners[], scores: ArrayLike<number>, classes: ArrayLike<number>, threshold: number): number[] {
  if (classes.length !== boxes.length) throw new Error(`nms: ${boxes.length} boxes but ${classes.length} classes`);
  return suppress(boxes, scores, threshold, (a, b) => classes[a] === classes[b]);
}
