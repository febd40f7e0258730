/**
 * @module
 * Axis-aligned boxes as corners (x0, y0, x1, y1), the form NMS and clients use, converted from the centre
 * form (cx, cy, w, h) of YOLO-style outputs; intersection over union as torchvision's `box_iou` computes it.
 */

/** A box by its corners, x0 <= x1 and y0 <= y1 (pixels, continuous coordinates). */
export interface Corners {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * @example
 * fromCentre(50, 40, 20, 10); // { x0: 40, y0: 35, x1: 60, y1: 45 }
 */
export function fromCentre(cx: number, cy: number, w: number, h: number): Corners {
  return { x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2 };
}

/** Area, (x1 - x0) * (y1 - y0), with no +1 (torchvision's `box_area`). */
export function area(b: Corners): number {
  return (b.x1 - b.x0) * (b.y1 - b.y0);
}

/**
 * Intersection over union; 0 when the union is empty (torchvision would give NaN, which suppresses nothing
 * either).
 *
 * @example
 * iou({ x0: 0, y0: 0, x1: 2, y1: 2 }, { x0: 1, y0: 0, x1: 3, y1: 2 }); // 1/3
 */
export function iou(a: Corners, b: Corners): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = w * h;
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}
