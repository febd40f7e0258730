/**
 * The overlay PNG of task models, decoded with fast-png and checked against independent oracles: the
 * detector's explained box (and with boxes=all every box) drawn where the JSON answer's boxes are, with a
 * label plate above it whose text is the font's glyphs of "label score"; the segmenter's outline exactly
 * the boundary band of the class mask computed from a direct run of the model (argmax in this file).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sevenPlus from 'js-pixel-fonts/data/seven-plus.json';
import { decodeImage, preprocess, preprocessSpecOf } from '../../src/image/index.js';
import { annotationStyle } from '../../src/image/annotate/index.js';
import { discPng } from '../explain-options/setup.js';
import { decodeRgb, type RgbPixels } from '../png-pixels.js';
import { directOutput, serveTaskFixture, type ServedTaskModel } from './served-task-model.js';

const MAGENTA = [255, 0, 255];
const WHITE = [255, 255, 255];
const png = discPng(3, 96);

async function request(s: ServedTaskModel, query: string): Promise<Response> {
  const res = await s.h.request(`/v1/explain?${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
  return res;
}
const picture = async (s: ServedTaskModel, query: string) => decodeRgb(new Uint8Array(await (await request(s, query)).arrayBuffer()));
const is = (p: RgbPixels, x: number, y: number, c: number[]) => {
  const i = (y * p.width + x) * p.channels;
  return p.data[i] === c[0] && p.data[i + 1] === c[1] && p.data[i + 2] === c[2];
};

type Det = { classIndex: number; label: string; score: number; box: { x0: number; y0: number; x1: number; y1: number } };
type Rect = { x0: number; y0: number; x1: number; y1: number };

/** The share of the pixels of a band `t` wide inside each edge of `r` that have colour `c` (worst edge). */
function edgeShare(p: RgbPixels, r: Rect, t: number, c: number[]): number {
  const shares = [
    (x: number, y: number) => x >= r.x0 && x < r.x0 + t && y >= r.y0 && y < r.y1,
    (x: number, y: number) => x >= r.x1 - t && x < r.x1 && y >= r.y0 && y < r.y1,
    (x: number, y: number) => y >= r.y0 && y < r.y0 + t && x >= r.x0 && x < r.x1,
    (x: number, y: number) => y >= r.y1 - t && y < r.y1 && x >= r.x0 && x < r.x1,
  ].map((inside) => {
    let n = 0;
    let hit = 0;
    for (let y = 0; y < p.height; y++)
      for (let x = 0; x < p.width; x++)
        if (inside(x, y)) {
          n++;
          if (is(p, x, y, c)) hit++;
        }
    return hit / n;
  });
  return Math.min(...shares);
}

/** The box in output pixels (the image is 96 px, the output `size` px; stretch resize: the whole image). */
const scaled = (b: Rect, size: number): Rect => {
  const k = size / 96;
  return { x0: Math.round(b.x0 * k), y0: Math.round(b.y0 * k), x1: Math.round(b.x1 * k), y1: Math.round(b.y1 * k) };
};

/** The label's text pixels from the font data itself at `scale`, relative to the plate (one font pixel of padding). */
function expectedText(label: string, scale: number): { on: Set<string>; width: number; height: number } {
  const glyphs = sevenPlus.glyphs as Record<string, { offset: number; pixels: number[][] }>;
  const on = new Set<string>();
  let pen = 1;
  let rows = 0;
  for (const g of Object.values(glyphs)) rows = Math.max(rows, g.offset + g.pixels.length);
  for (const ch of label) {
    const g = glyphs[ch] ?? glyphs['']!;
    g.pixels.forEach((row, r) =>
      row.forEach((v, c) => {
        if (!v) return;
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) on.add(`${(pen + c) * scale + dx},${(1 + g.offset + r) * scale + dy}`);
      }),
    );
    pen += Math.max(...g.pixels.map((row) => row.length)) + 1;
  }
  return { on, width: pen * scale, height: (rows + 2) * scale };
}

/** Checks the label plate at (x, y): the plate colour with exactly the expected black text pixels. */
function expectLabel(p: RgbPixels, x: number, y: number, label: string, scale: number, plate: number[]): void {
  const want = expectedText(label, scale);
  const got = new Set<string>();
  let other = 0;
  for (let dy = 0; dy < want.height; dy++)
    for (let dx = 0; dx < want.width; dx++) {
      if (is(p, x + dx, y + dy, [0, 0, 0])) got.add(`${dx},${dy}`);
      else if (!is(p, x + dx, y + dy, plate)) other++;
    }
  expect(other).toBe(0);
  expect(got).toEqual(want.on);
  // one pixel further right is no longer the plate (the plate has exactly this width)
  if (x + want.width < p.width) expect(is(p, x + want.width, y + Math.floor(want.height / 2), plate)).toBe(false);
}

/** Pixels of any of `colours`. */
const anyOf = (p: RgbPixels, x: number, y: number, colours: number[][]) => colours.some((c) => is(p, x, y, c));

describe('detector overlays', () => {
  let s: ServedTaskModel;
  let dets: Det[];
  let low: number;
  beforeAll(async () => {
    s = await serveTaskFixture('yolo', { labels: ['cat', 'dog', 'car'] });
    const res = await request(s, 'output=json&box=1');
    dets = ((await res.json()) as { target: { detections: Det[] } }).target.detections;
    expect(dets.length).toBeGreaterThan(2);
    low = dets.findIndex((d) => d.box.y0 > 30); // a box with room for its label above it
    expect(low).toBeGreaterThan(0);
  });
  const text = (d: Det) => `${d.label} ${d.score.toFixed(2)}`;

  it.each([96, 384, 1024])('the explained box and its label above it at %i px, where the JSON answer puts the box', async (size) => {
    const p = await picture(s, `box=${low}&width=${size}&height=${size}`);
    const r = scaled(dets[low]!.box, size);
    const { highlightLine, line, fontScale } = annotationStyle(size, size);
    expect(highlightLine).toBe(line + 1);
    expect(edgeShare(p, r, highlightLine, MAGENTA)).toBeGreaterThan(0.8);
    // just inside the band (thickness as styled for this size), the map shows again
    expect(is(p, r.x0 + highlightLine, Math.round((r.y0 + r.y1) / 2), MAGENTA)).toBe(false);
    const plateHeight = expectedText('', fontScale).height;
    expectLabel(p, r.x0, r.y0 - plateHeight, text(dets[low]!), fontScale, MAGENTA);
    // nothing else is magenta, and the other detections are not drawn with boxes=one
    let stray = 0;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const inBox = x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
        const inPlate = x >= r.x0 && y >= r.y0 - plateHeight && y < r.y0;
        if ((is(p, x, y, MAGENTA) && !inBox && !inPlate) || is(p, x, y, WHITE)) stray++;
      }
    expect(stray).toBe(0);
  });

  it('a box at the top edge carries its label inside, at its top-left corner', async () => {
    const top = dets.findIndex((d) => d.box.y0 === 0);
    const p = await picture(s, `box=${top}&width=192&height=192`);
    const r = scaled(dets[top]!.box, 192);
    expectLabel(p, r.x0, 0, text(dets[top]!), annotationStyle(192, 192).fontScale, MAGENTA);
  });

  it('the label grows with the output size', () => {
    expect(expectedText('dog 0.53', annotationStyle(1024, 1024).fontScale).height).toBeGreaterThanOrEqual(
      3 * expectedText('dog 0.53', annotationStyle(96, 96).fontScale).height,
    );
  });

  it('boxes=all draws every detection, the explained one highlighted, and enters the id', async () => {
    const size = 384;
    const one = await request(s, `box=${low}&width=${size}&height=${size}`);
    const all = await request(s, `box=${low}&boxes=all&width=${size}&height=${size}`);
    expect(all.headers.get('x-explanation-id')).not.toBe(one.headers.get('x-explanation-id'));
    const p = decodeRgb(new Uint8Array(await all.arrayBuffer()));
    const { line, highlightLine, fontScale } = annotationStyle(size, size);
    const r = scaled(dets[low]!.box, size);
    expect(edgeShare(p, r, highlightLine, MAGENTA)).toBeGreaterThan(0.8);
    expectLabel(p, r.x0, r.y0 - expectedText('', fontScale).height, text(dets[low]!), fontScale, MAGENTA);
    for (const d of dets) {
      // every pixel of every box's outline band is box-coloured, or under a label drawn later
      const b = scaled(d.box, size);
      let off = 0;
      for (let y = b.y0; y < b.y1; y++)
        for (let x = b.x0; x < b.x1; x++) {
          const band = x < b.x0 + line || x >= b.x1 - line || y < b.y0 + line || y >= b.y1 - line;
          if (band && !anyOf(p, x, y, [WHITE, MAGENTA, [0, 0, 0]])) off++;
        }
      expect(off).toBe(0);
    }
    const whites = [...Array(size * size).keys()].filter((i) => is(p, i % size, Math.floor(i / size), WHITE)).length;
    expect(whites).toBeGreaterThan(0);
  });

  it('heatmaps stay plain', async () => {
    const p = await picture(s, `box=${low}&output=heatmap&width=96&height=96`);
    for (let y = 0; y < 96; y++) for (let x = 0; x < 96; x++) expect(anyOf(p, x, y, [MAGENTA, WHITE])).toBe(false);
  });
});

describe('segmenter overlays', () => {
  let s: ServedTaskModel;
  let argmax: Int32Array;
  let grid: { w: number; h: number };
  beforeAll(async () => {
    s = await serveTaskFixture('deeplab');
    const image = await decodeImage(png);
    const out = await directOutput(s, preprocess(image, preprocessSpecOf(s.manifest.input)).data);
    const task = s.manifest.task as { classes: number; height: number; width: number };
    grid = { w: task.width, h: task.height };
    const hw = grid.w * grid.h;
    argmax = new Int32Array(hw);
    for (let p = 0; p < hw; p++) for (let c = 1; c < task.classes; c++) if (out[c * hw + p]! > out[argmax[p]! * hw + p]!) argmax[p] = c;
  });

  /** The outline by its definition, pixel by pixel: mask pixels with a non-mask pixel or the edge within t. */
  function expectedOutline(inMask: (cx: number, cy: number) => boolean, size: number, t: number): Set<string> {
    const cell = (v: number, n: number) => Math.min(n - 1, Math.floor(((v + 0.5) * n) / size));
    const m = (x: number, y: number) => x >= 0 && y >= 0 && x < size && y < size && inMask(cell(x, grid.w), cell(y, grid.h));
    const on = new Set<string>();
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        if (!m(x, y)) continue;
        let edge = false;
        for (let dy = -t; dy <= t && !edge; dy++) for (let dx = -t; dx <= t && !edge; dx++) edge = !m(x + dx, y + dy);
        if (edge) on.add(`${x},${y}`);
      }
    return on;
  }
  const magentaSet = (p: RgbPixels) => {
    const on = new Set<string>();
    for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) if (is(p, x, y, MAGENTA)) on.add(`${x},${y}`);
    return on;
  };

  it("outlines the explained class's own segment, and only that", async () => {
    const res = await request(s, 'output=json');
    const c = ((await res.json()) as { target: { classIndex: number } }).target.classIndex;
    const size = 160;
    const want = expectedOutline((x, y) => argmax[y * grid.w + x] === c, size, annotationStyle(size, size).line);
    expect(want.size).toBeGreaterThan(0);
    expect(magentaSet(await picture(s, `width=${size}&height=${size}`))).toEqual(want);
  });

  it('with region=, the outline follows the mask inside the region', async () => {
    const res = await request(s, 'output=json');
    const c = ((await res.json()) as { target: { classIndex: number } }).target.classIndex;
    const size = 128;
    // region 0,0,32,64 of the 64 x 64 input: the left half; cells count when their centre is inside
    const inRegion = (x: number) => ((x + 0.5) * 64) / grid.w < 32;
    const want = expectedOutline((x, y) => argmax[y * grid.w + x] === c && inRegion(x), size, annotationStyle(size, size).line);
    const got = magentaSet(await picture(s, `class=${c}&region=0,0,32,64&width=${size}&height=${size}`));
    expect(got).toEqual(want);
    for (const k of got) expect(Number(k.split(',')[0])).toBeLessThan(64);
  });
});
