/**
 * The drawing primitives of src/image/annotate against definitions written out here: rectangles clipped to
 * the picture, a label's pixels equal to the font's glyph data, the fallback block for characters outside
 * the font, a segment outline around a hole, and a style that grows with the picture.
 */
import { describe, expect, it } from 'vitest';
import sevenPlus from 'js-pixel-fonts/data/seven-plus.json';
import { annotationStyle, drawBoxes, drawLabel, drawMaskOutline, labelSize } from '../../src/image/annotate/index.js';
import type { RgbImage } from '../../src/image/index.js';

const blank = (width: number, height: number): RgbImage => ({ width, height, data: new Uint8Array(width * height * 3).fill(40) });
const at = (p: RgbImage, x: number, y: number) => Array.from(p.data.subarray((y * p.width + x) * 3, (y * p.width + x) * 3 + 3));
const where = (p: RgbImage, rgb: number[]) => {
  const out: string[] = [];
  for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) if (at(p, x, y).join() === rgb.join()) out.push(`${x},${y}`);
  return out;
};
const style = {
  line: 1,
  highlightLine: 2,
  fontScale: 1,
  colour: [255, 255, 255],
  highlightColour: [255, 0, 255],
  textColour: [0, 0, 0],
} as const;

describe('annotations', () => {
  it('a label is the glyph data on its plate; unknown characters draw as the fallback block', () => {
    const p = blank(40, 14);
    drawLabel(p, 'A€', 2, 1, 2, { text: [0, 0, 0], plate: [255, 0, 255] });
    const glyphs = sevenPlus.glyphs as Record<string, { offset: number; pixels: number[][] }>;
    const want: string[] = [];
    let pen = 1;
    for (const g of [glyphs.A!, glyphs['']!]) {
      g.pixels.forEach((row, r) =>
        row.forEach((v, c) => {
          if (v)
            for (let dy = 0; dy < 2; dy++)
              for (let dx = 0; dx < 2; dx++) want.push(`${2 + (pen + c) * 2 + dx},${1 + (1 + g.offset + r) * 2 + dy}`);
        }),
      );
      pen += g.pixels[0]!.length + 1;
    }
    const sortKey = (a: string, b: string) => a.localeCompare(b);
    // the plate is 22 rows high (9 font rows + padding, x2), clipped at the picture's bottom (14 rows)
    expect(where(p, [0, 0, 0]).sort(sortKey)).toEqual(want.filter((k) => Number(k.split(',')[1]) < 14).sort(sortKey));
    expect(labelSize('A€', 2)).toEqual({ width: (5 + 1 + 5 + 2) * 2, height: 22 });
    expect(at(p, 1, 5)).toEqual([40, 40, 40]);
  });

  it('boxes are clipped to the picture; the highlighted one is drawn last, over the others', () => {
    const p = blank(30, 30);
    drawBoxes(
      p,
      [
        { x0: -5, y0: 10, x1: 40, y1: 20, label: '' },
        { x0: 10, y0: 12, x1: 20, y1: 18, label: '' },
      ],
      1,
      style,
    );
    expect(at(p, 0, 19)).toEqual([255, 255, 255]); // the clipped box's bottom edge reaches the left border
    expect(at(p, 29, 15)).toEqual([40, 40, 40]); // its right edge lies outside the picture
    expect(at(p, 10, 15)).toEqual([255, 0, 255]);
    expect(at(p, 11, 15)).toEqual([255, 0, 255]); // 2 px highlight line
    expect(at(p, 12, 15)).toEqual([40, 40, 40]);
  });

  it('a segment outline runs around the outside and around a hole, inside the mask', () => {
    // 6x6 grid: a 4x4 square (cells 1..4) with a hole at (2,2); drawn at 12x12 (2 px per cell), 1 px wide
    const mask = new Uint8Array(36);
    for (let y = 1; y <= 4; y++) for (let x = 1; x <= 4; x++) mask[y * 6 + x] = 1;
    mask[2 * 6 + 2] = 0;
    const p = blank(12, 12);
    drawMaskOutline(p, mask, 6, 6, 1, [255, 0, 255]);
    const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < 12 && y < 12 && mask[Math.floor(y / 2) * 6 + Math.floor(x / 2)] === 1;
    const want: string[] = [];
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 12; x++) {
        let edge = false;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) edge ||= !inside(x + dx, y + dy);
        if (inside(x, y) && edge) want.push(`${x},${y}`);
      }
    expect(where(p, [255, 0, 255])).toEqual(want);
    expect(want).toContain('3,4'); // around the hole at cells (2,2) = pixels 4..5
    expect(want).not.toContain('7,7');
  });

  it('line width and text grow with the picture', () => {
    const [small, large] = [annotationStyle(96, 96), annotationStyle(2048, 2048)];
    expect(large.line).toBeGreaterThan(small.line);
    expect(large.fontScale).toBeGreaterThanOrEqual(8 * small.fontScale);
  });
});
