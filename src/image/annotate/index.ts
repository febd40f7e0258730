/**
 * @module
 * Annotations drawn over an explanation picture: detection boxes with labels (boxes.ts), a segment's
 * outline (outline.ts), in a pixel font (font.ts), sized by {@link annotationStyle} so that they scale with
 * the picture.
 */
import type { Rgb } from '../types.js';
import type { BoxStyle } from './boxes.js';
import { LINE_HEIGHT } from './font.js';

export { drawBoxes, type BoxStyle, type LabelledBox } from './boxes.js';
export { drawMaskOutline, outlinePixels, upsampleMask } from './outline.js';
export { drawLabel, labelSize } from './text.js';
export { LINE_HEIGHT, textWidth } from './font.js';

/** The highlight colour (the explained box, the explained segment's outline): magenta, absent from every colormap. */
export const HIGHLIGHT: Rgb = [255, 0, 255];
/** The other boxes (`boxes=all`). */
export const OTHER: Rgb = [255, 255, 255];
/** Label text. */
export const TEXT: Rgb = [0, 0, 0];

/**
 * Line widths and font scale for a width x height picture: ultralytics' Annotator line width
 * `max(round((W + H) / 2 * 0.003), 2)`, one more for the highlighted box, and text about 3.5 % of the
 * picture's mean side high (its font size rule, rounded up to whole font pixels), at least the font's own
 * 9 pixels.
 *
 * @example
 * annotationStyle(640, 480); // { line: 2, highlightLine: 3, fontScale: 3, ... }
 */
export function annotationStyle(width: number, height: number): BoxStyle {
  const side = (width + height) / 2;
  const line = Math.max(2, Math.round(side * 0.003));
  return {
    line,
    highlightLine: line + 1,
    fontScale: Math.max(1, Math.ceil((side * 0.035) / LINE_HEIGHT)),
    colour: OTHER,
    highlightColour: HIGHLIGHT,
    textColour: TEXT,
  };
}
