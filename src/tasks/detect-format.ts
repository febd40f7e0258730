/**
 * @module
 * The dense output formats of YOLO-style detectors exported without NMS. Each anchor has a box (centre x,
 * centre y, width, height in input pixels) and C class scores, and in the older format an objectness first:
 * - `channels-first` [N, 4 + C, A]: YOLOv8 / YOLO11 export (ultralytics), scores already sigmoid;
 * - `anchors-first` [N, A, 4 + C]: the same, transposed (several export pipelines do that);
 * - `anchors-first-objectness` [N, A, 5 + C]: YOLOv5 / YOLOv7 export, score = objectness * class score.
 */

/** How a detection output is laid out. */
export type DetectLayout = 'channels-first' | 'anchors-first' | 'anchors-first-objectness';

/** A detection output's layout and sizes. */
export interface DetectFormat {
  readonly layout: DetectLayout;
  /** Number of classes C. */
  readonly classes: number;
  /** Number of anchors A (candidate boxes). */
  readonly anchors: number;
}

/** Values per anchor before the class scores: 4, or 5 with objectness. */
export function headerLength(layout: DetectLayout): number {
  return layout === 'anchors-first-objectness' ? 5 : 4;
}

/**
 * Flat index, within one image's output, of field `field` of anchor `anchor` (fields: 0-3 the box, then
 * objectness when present, then the class scores).
 *
 * @example
 * fieldIndex({ layout: 'channels-first', classes: 80, anchors: 8400 }, 10, 4); // 4 * 8400 + 10
 */
export function fieldIndex(f: DetectFormat, anchor: number, field: number): number {
  if (f.layout === 'channels-first') return field * f.anchors + anchor;
  return anchor * (headerLength(f.layout) + f.classes) + field;
}

/**
 * The format of a [N, a, b] output: channels-first when a < b (fewer fields than anchors, as every real
 * detector has), else anchors-first; `objectness` says whether anchors-first outputs carry it (the shape
 * cannot tell 4 + C from 5 + C). Returns null when the shape cannot be a detection output.
 *
 * @example
 * detectFormatOf([1, 84, 8400]); // { layout: 'channels-first', classes: 80, anchors: 8400 }
 * detectFormatOf([1, 25200, 85], true); // { layout: 'anchors-first-objectness', classes: 80, anchors: 25200 }
 */
export function detectFormatOf(dims: readonly (number | string)[], objectness = false): DetectFormat | null {
  if (dims.length !== 3) return null;
  const [, a, b] = dims;
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  const channelsFirst = a < b;
  const [fields, anchors] = channelsFirst ? [a, b] : [b, a];
  const layout: DetectLayout = channelsFirst ? 'channels-first' : objectness ? 'anchors-first-objectness' : 'anchors-first';
  const classes = fields - headerLength(layout);
  return classes >= 1 ? { layout, classes, anchors } : null;
}
