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

/**
 * Greedy suppression over `order` (indices in decreasing score order): the kept indices in that order, at
 * most `limit` (stopping there changes nothing before it: a box is only ever suppressed by earlier ones).
 */
function suppress(boxes: readonly Corners[], order: readonly number[], threshold: number, limit: number): number[] {
  const removed = new Uint8Array(order.length);
  const keep: number[] = [];
  for (let p = 0; p < order.length && keep.length < limit; p++) {
    if (removed[p]) continue;
    const i = order[p]!;
    keep.push(i);
    for (let q = p + 1; q < order.length; q++) if (!removed[q] && iou(boxes[i]!, boxes[order[q]!]!) > threshold) removed[q] = 1;
  }
  return keep;
}

function checkLengths(boxes: readonly Corners[], scores: ArrayLike<number>): void {
  if (boxes.length !== scores.length) throw new Error(`nms: ${boxes.length} boxes but ${scores.length} scores`);
}

/**
 * Class-agnostic NMS (`torchvision.ops.nms`): the indices kept, in decreasing score order (the first
 * `limit` of them when given).
 *
 * @example
 * nms([{ x0: 0, y0: 0, x1: 10, y1: 10 }, { x0: 1, y0: 1, x1: 11, y1: 11 }], [0.9, 0.8], 0.45); // [0]
 */
export function nms(boxes: readonly Corners[], scores: ArrayLike<number>, threshold: number, limit = Infinity): number[] {
  checkLengths(boxes, scores);
  return suppress(boxes, byScore(scores), threshold, limit);
}

/**
 * Per-class NMS (`torchvision.ops.batched_nms`): boxes of different classes never suppress each other, so
 * each class is suppressed on its own (n_c^2 pairs per class instead of n^2 overall) and the kept boxes are
 * merged back in decreasing score order, ties by index (the first `limit` of them when given).
 *
 * @example
 * batchedNms(boxes, scores, classes, 0.45);
 */
export function batchedNms(
  boxes: readonly Corners[],
  scores: ArrayLike<number>,
  classes: ArrayLike<number>,
  threshold: number,
  limit = Infinity,
): number[] {
  checkLengths(boxes, scores);
  if (classes.length !== boxes.length) throw new Error(`nms: ${boxes.length} boxes but ${classes.length} classes`);
  const byClass = new Map<number, number[]>();
  for (const i of byScore(scores)) {
    const c = classes[i]!;
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  }
  // each class's first `limit` kept boxes are enough: the merged list keeps at most `limit` overall
  const kept = [...byClass.values()].flatMap((order) => suppress(boxes, order, threshold, limit));
  return kept.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, limit);
}
