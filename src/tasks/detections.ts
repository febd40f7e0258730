/**
 * @module
 * Detections of one image: decode the dense output (decode-yolo.ts), per-class NMS (nms.ts), keep the
 * `maxDet` best, and give each box in the image's pixels. Detection i (0 = highest score) is what `box=i`
 * explains; its `target` is the linear functional whose gradient explains it.
 */
import type { Corners } from './boxes.js';
import { decodeCandidates } from './decode-yolo.js';
import type { DetectFormat } from './detect-format.js';
import { toImageBox, type InputGeometry } from './input-to-image.js';
import { batchedNms, nms } from './nms.js';
import type { SparseTarget } from './target.js';

/** NMS settings; defaults {@link DEFAULT_DETECT_OPTIONS}. */
export interface DetectOptions {
  /** Keep anchors whose score is strictly above this. */
  readonly conf: number;
  /** Drop a box whose IoU with a better box of its class is strictly above this. */
  readonly iou: number;
  /** Keep at most this many detections. */
  readonly maxDet: number;
  /** Suppress across classes (torchvision `nms`) instead of within each class. Default false. */
  readonly agnostic?: boolean;
}

/** ultralytics' defaults: conf 0.25, IoU 0.45 (its `predict` default is 0.7; its NMS function's is 0.45), 300 boxes. */
export const DEFAULT_DETECT_OPTIONS: DetectOptions = { conf: 0.25, iou: 0.45, maxDet: 300 };

/** Candidates considered by NMS at most, the best first (ultralytics' `max_nms`). */
export const MAX_NMS = 30_000;

/** One detection. */
export interface Detection {
  readonly classIndex: number;
  readonly score: number;
  readonly anchor: number;
  /** In the model input's pixels. */
  readonly inputBox: Corners;
  /** In the original image's pixels (clipped to it). */
  readonly box: Corners;
  readonly target: SparseTarget;
}

/**
 * @example
 * const dets = detect(output.subarray(0, 84 * 8400), format, DEFAULT_DETECT_OPTIONS, geometry);
 * dets[0].target; // explains the top detection
 */
export function detect(output: ArrayLike<number>, format: DetectFormat, options: DetectOptions, geometry: InputGeometry): Detection[] {
  let candidates = decodeCandidates(output, format, options.conf);
  if (candidates.length > MAX_NMS) candidates = [...candidates].sort((a, b) => b.score - a.score || a.anchor - b.anchor).slice(0, MAX_NMS);
  const boxes = candidates.map((c) => c.box);
  const scores = candidates.map((c) => c.score);
  const keep = options.agnostic
    ? nms(boxes, scores, options.iou, options.maxDet)
    : batchedNms(
        boxes,
        scores,
        candidates.map((c) => c.classIndex),
        options.iou,
        options.maxDet,
      );
  return keep.slice(0, options.maxDet).map((i) => {
    const c = candidates[i]!;
    return {
      classIndex: c.classIndex,
      score: c.score,
      anchor: c.anchor,
      inputBox: c.box,
      box: toImageBox(c.box, geometry),
      target: c.target,
    };
  });
}
