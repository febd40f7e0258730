/**
 * @module
 * What a task model's overlay PNG draws over the map: for detection the explained box with its label
 * (class name and score; `boxes=all`: every detection, the explained one highlighted), for segmentation the
 * outline of the explained segment (the target's mask: the pixels of the class's argmax inside the region).
 * The picture covers the part of the image the model saw (`region`), at the output size.
 */
import { annotationStyle, drawBoxes, drawMaskOutline, HIGHLIGHT, type LabelledBox } from '../../image/annotate/index.js';
import type { Box, RgbImage } from '../../image/index.js';
import type { TaskSpec } from '../../manifest.js';
import type { TaskSummary } from '../../tasks/resolve.js';
import type { SparseTarget } from '../../tasks/target.js';

/**
 * The drawing's version, part of a task overlay's explanation id: bump it when what is drawn changes, so
 * that overlays stored with the old drawing (or none) are not served for the new one.
 */
export const TASK_OVERLAY_DESIGN = 1;

type Detections = Extract<TaskSummary, { task: 'detect' }>['detections'];

/**
 * A detection's label: its class name (or `#index` without labels) and score with two decimals.
 *
 * @example
 * detectionLabel({ classIndex: 1, label: 'dog', score: 0.912 }); // 'dog 0.91'
 */
export function detectionLabel(d: { classIndex: number; label: string | null; score: number }): string {
  return `${d.label ?? `#${d.classIndex}`} ${d.score.toFixed(2)}`;
}

/** The detections' boxes in the picture's pixels (the picture shows `region` of the image). */
function boxesInPicture(detections: Detections, region: Box, width: number, height: number): LabelledBox[] {
  const sx = width / region.width;
  const sy = height / region.height;
  return detections.map((d) => ({
    x0: (d.box.x0 - region.x) * sx,
    y0: (d.box.y0 - region.y) * sy,
    x1: (d.box.x1 - region.x) * sx,
    y1: (d.box.y1 - region.y) * sy,
    label: detectionLabel(d),
  }));
}

/** A segment target's mask on the output grid (its indices lie in the class's plane). */
function segmentMask(target: SparseTarget, classIndex: number, cells: number): Uint8Array {
  const mask = new Uint8Array(cells);
  for (const i of target.indices) mask[i - classIndex * cells] = 1;
  return mask;
}

/**
 * The drawing for a task explanation's overlay, or undefined when there is nothing to draw (embeddings; no
 * detection or an empty segment under a gradient-free method).
 *
 * @example
 * explanationPng([map], source, { ...size, overlay: true, annotate: taskAnnotation(spec, e.summary, e.target, pre.region) });
 */
export function taskAnnotation(
  spec: TaskSpec,
  summary: TaskSummary,
  target: SparseTarget | null,
  region: Box,
): ((picture: RgbImage) => void) | undefined {
  if (summary.task === 'detect') {
    if (summary.box === null) return undefined;
    const explained = summary.box;
    return (picture) => {
      const style = annotationStyle(picture.width, picture.height);
      const all = boxesInPicture(summary.detections, region, picture.width, picture.height);
      if (summary.boxes === 'all') drawBoxes(picture, all, explained, style);
      else drawBoxes(picture, [all[explained]!], 0, style);
    };
  }
  if (summary.task === 'segment' && spec.kind === 'segment' && target) {
    const mask = segmentMask(target, summary.classIndex, spec.width * spec.height);
    return (picture) => {
      const { line } = annotationStyle(picture.width, picture.height);
      drawMaskOutline(picture, mask, spec.width, spec.height, line, HIGHLIGHT);
    };
  }
  return undefined;
}
