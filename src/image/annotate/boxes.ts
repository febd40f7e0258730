/**
 * @module
 * Detection boxes with their labels over a picture, as detector viewers draw them (ultralytics' Annotator:
 * a coloured outline, the label on a plate of the box's colour above its top-left corner, or inside the box
 * when there is no room above). The highlighted box is drawn last, so it stays on top.
 */
import type { Rgb, RgbImage } from '../types.js';
import { strokeRect } from './canvas.js';
import { drawLabel, labelSize } from './text.js';

/** A box to draw, in the picture's pixels (continuous corners), and its label. */
export interface LabelledBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly label: string;
}

/** Line widths and the font scale (image pixels per font pixel). */
export interface BoxStyle {
  readonly line: number;
  readonly highlightLine: number;
  readonly fontScale: number;
  readonly colour: Rgb;
  readonly highlightColour: Rgb;
  readonly textColour: Rgb;
}

/**
 * Draw `boxes` over `image` in place; `highlight` (an index into `boxes`, or -1) gets the highlight colour
 * and line.
 *
 * @example
 * drawBoxes(picture, [{ x0: 10, y0: 20, x1: 60, y1: 80, label: 'dog 0.91' }], 0, style);
 */
export function drawBoxes(image: RgbImage, boxes: readonly LabelledBox[], highlight: number, style: BoxStyle): void {
  const order = boxes.map((_, i) => i).filter((i) => i !== highlight);
  if (highlight >= 0 && highlight < boxes.length) order.push(highlight);
  for (const i of order) {
    const b = boxes[i]!;
    const lit = i === highlight;
    const colour = lit ? style.highlightColour : style.colour;
    const x0 = Math.round(b.x0);
    const y0 = Math.round(b.y0);
    const x1 = Math.max(x0 + 1, Math.round(b.x1));
    const y1 = Math.max(y0 + 1, Math.round(b.y1));
    strokeRect(image, x0, y0, x1, y1, lit ? style.highlightLine : style.line, colour);
    const size = labelSize(b.label, style.fontScale);
    const x = Math.max(0, Math.min(x0, image.width - size.width));
    const y = y0 - size.height >= 0 ? y0 - size.height : Math.min(y0, image.height - size.height);
    drawLabel(image, b.label, x, Math.max(0, y), style.fontScale, { text: style.textColour, plate: colour });
  }
}
