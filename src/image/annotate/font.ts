/**
 * @module
 * The label font: "Seven plus" from the npm package js-pixel-fonts (MIT, hgcummings/pixel-fonts), a pixel
 * font of printable ASCII (capitals 7 px high, numbers 7x4, lower case of variable width, descenders 2 px
 * below the baseline). Only its glyph data (JSON) is imported: the package's entry point loads pngjs, which
 * does not run in a Worker. Characters the font lacks (anything outside printable ASCII) draw as its filled
 * fallback block, so a label is never silently shortened.
 */
import sevenPlus from 'js-pixel-fonts/data/seven-plus.json';

/** One glyph: rows of 0/1 pixels, `offset` rows below the top of the line. */
export interface Glyph {
  readonly offset: number;
  readonly pixels: readonly (readonly number[])[];
}

const GLYPHS = sevenPlus.glyphs as Readonly<Record<string, Glyph>>;
const FALLBACK = GLYPHS['']!;

/** Font rows from the top of a line to the bottom of the lowest descender (9: 7 + 2). */
export const LINE_HEIGHT = Math.max(...Object.values(GLYPHS).map((g) => g.offset + g.pixels.length));

/** Blank font pixels between two glyphs. */
export const GLYPH_GAP = 1;

/**
 * The glyph of `ch`, or the fallback block.
 *
 * @example
 * glyphOf('A').pixels.length; // 7
 */
export function glyphOf(ch: string): Glyph {
  return GLYPHS[ch] ?? FALLBACK;
}

/** Width of a glyph in font pixels. */
export function glyphWidth(g: Glyph): number {
  return Math.max(...g.pixels.map((row) => row.length));
}

/**
 * Width of `text` in font pixels (glyphs and the gaps between them).
 *
 * @example
 * textWidth('AB'); // 5 + 1 + 5
 */
export function textWidth(text: string): number {
  const chars = [...text];
  return chars.reduce((w, ch) => w + glyphWidth(glyphOf(ch)), 0) + GLYPH_GAP * Math.max(0, chars.length - 1);
}
