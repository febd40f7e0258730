/**
 * @module
 * Labels: a line of text in the pixel font (font.ts), each font pixel drawn as a `scale` x `scale` square,
 * on a plate of the background colour with one font pixel of padding, so it reads on any heatmap.
 */
import type { Rgb, RgbImage } from '../types.js';
import { fillRect } from './canvas.js';
import { GLYPH_GAP, glyphOf, glyphWidth, LINE_HEIGHT, textWidth } from './font.js';

/** Font pixels of padding around the text on its plate. */
const PAD = 1;

/** Size in image pixels of a label's plate at `scale`. */
export function labelSize(text: string, scale: number): { width: number; height: number } {
  return { width: (textWidth(text) + 2 * PAD) * scale, height: (LINE_HEIGHT + 2 * PAD) * scale };
}

/**
 * Draw `text` on its plate with the plate's top-left corner at (x, y), clipped to the image.
 *
 * @example
 * drawLabel(picture, 'dog 0.91', 12, 4, 2, { text: [0, 0, 0], plate: [255, 0, 255] });
 */
export function drawLabel(image: RgbImage, text: string, x: number, y: number, scale: number, colours: { text: Rgb; plate: Rgb }): void {
  const size = labelSize(text, scale);
  fillRect(image, x, y, x + size.width, y + size.height, colours.plate);
  let penX = x + PAD * scale;
  const top = y + PAD * scale;
  for (const ch of text) {
    const glyph = glyphOf(ch);
    glyph.pixels.forEach((row, r) => {
      row.forEach((on, c) => {
        if (!on) return;
        const px = penX + c * scale;
        const py = top + (glyph.offset + r) * scale;
        fillRect(image, px, py, px + scale, py + scale, colours.text);
      });
    });
    penX += (glyphWidth(glyph) + GLYPH_GAP) * scale;
  }
}
