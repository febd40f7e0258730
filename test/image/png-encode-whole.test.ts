import { decode as decodePngOracle } from 'fast-png';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { encodePngWhole, type WholeImage } from '../../src/image/png/encode-whole.js';
import { COLORMAPS, renderCam, renderHeatmapIndexed } from '../../src/image/render/index.js';
import type { FilterStrategy } from '../../src/image/png/row-filters.js';
import { zlibDeflater } from '../../src/runtime/deflate.js';

/** Pseudo-random bytes mixed with smooth runs. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = i % 97 < 40 ? (i * 3) & 0xff : s >>> 24;
  }
  return out;
}

/** A smooth CAM-like map with one hot spot. */
function camMap(w: number, h: number, cx: number, cy: number): Float32Array {
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data[y * w + x] = Math.max(0, 3 - Math.hypot(x - cx, y - cy)) + 0.1 * Math.sin(x * y);
  return data;
}

/** RGB pixels of an oracle-decoded PNG, palette expanded. */
function oracleRgb(png: Uint8Array): { width: number; height: number; data: Uint8Array; indexed: boolean } {
  const d = decodePngOracle(png, { checkCrc: true });
  if (!d.palette) return { width: d.width, height: d.height, data: new Uint8Array(d.data), indexed: false };
  const data = new Uint8Array(d.width * d.height * 3);
  for (let i = 0; i < d.width * d.height; i++) data.set(d.palette[d.data[i]].slice(0, 3), i * 3);
  return { width: d.width, height: d.height, data, indexed: true };
}

function chunkTypes(png: Uint8Array): string[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    expect(crc32(png.subarray(at + 4, at + 8 + length))).toBe(view.getUint32(at + 8 + length));
    types.push(new TextDecoder().decode(png.subarray(at + 4, at + 8)));
    at += 12 + length;
  }
  return types;
}

describe('encodePngWhole', () => {
  const filters: FilterStrategy[] = ['none', 'sub', 'up', 'paeth', 'adaptive'];
  for (const [w, h] of [
    [1, 1],
    [3, 2],
    [257, 13],
  ] as const) {
    for (const channels of [3, 4] as const) {
      it(`round-trips ${w}x${h}x${channels} through an independent decoder with every filter`, () => {
        const data = bytes(w * h * channels, w + h + channels);
        for (const filter of filters) {
          const d = decodePngOracle(encodePngWhole({ width: w, height: h, data, channels }, zlibDeflater, filter), { checkCrc: true });
          expect([d.width, d.height, d.channels, d.depth]).toEqual([w, h, channels, 8]);
          expect(new Uint8Array(d.data)).toEqual(data);
        }
      });
    }
    it(`round-trips ${w}x${h} palette indices (colour type 3, PLTE before IDAT)`, async () => {
      const palette = bytes(768, 5);
      const indices = bytes(w * h, 9);
      const png = encodePngWhole({ kind: 'indexed', width: w, height: h, indices, palette }, zlibDeflater);
      expect(chunkTypes(png)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
      expect(png[8 + 8 + 9]).toBe(3);
      const expected = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) expected.set(palette.subarray(indices[i] * 3, indices[i] * 3 + 3), i * 3);
      expect(oracleRgb(png).data).toEqual(expected);
      expect((await decodeImage(png)).data).toEqual(expected);
    });
  }

  it('writes a zlib stream that node:zlib inflates to the filtered rows', () => {
    const data = bytes(5 * 4 * 3, 3);
    const png = encodePngWhole({ width: 5, height: 4, data }, zlibDeflater, 'none');
    const idat = png.subarray(8 + 25 + 8, png.length - 12 - 4);
    const raw = inflateSync(idat);
    expect(raw.length).toBe(4 * (1 + 15));
    expect([...raw.subarray(1, 16)]).toEqual([...data.subarray(0, 15)]);
  });

  it('rejects sizes that do not match the data and bad palettes', () => {
    expect(() => encodePngWhole({ width: 2, height: 2, data: new Uint8Array(11) }, zlibDeflater)).toThrow();
    expect(() => encodePngWhole({ width: 0, height: 2, data: new Uint8Array(0) }, zlibDeflater)).toThrow();
    const indexed = (palette: Uint8Array): WholeImage => ({ kind: 'indexed', width: 1, height: 1, indices: new Uint8Array(1), palette });
    expect(() => encodePngWhole(indexed(new Uint8Array(769)), zlibDeflater)).toThrow();
    expect(() => encodePngWhole(indexed(new Uint8Array(0)), zlibDeflater)).toThrow();
  });
});

describe('renderHeatmapIndexed', () => {
  for (const colormap of COLORMAPS) {
    it(`looked up in its palette gives renderCam's heatmap pixels exactly (${colormap})`, () => {
      const maps = [
        { width: 7, height: 5, data: camMap(7, 5, 2, 3) },
        { width: 14, height: 10, data: camMap(14, 10, 9, 2) },
      ];
      for (const map of [maps[0], maps]) {
        const rgb = renderCam(map, { width: 61, height: 43, output: 'heatmap', colormap });
        const idx = renderHeatmapIndexed(map, { width: 61, height: 43, colormap });
        const expanded = new Uint8Array(61 * 43 * 3);
        for (let i = 0; i < 61 * 43; i++) expanded.set(idx.palette.subarray(idx.indices[i] * 3, idx.indices[i] * 3 + 3), i * 3);
        expect(expanded).toEqual(rgb.data);
        expect(new Set(idx.indices).size).toBeGreaterThan(50);
      }
    });
  }
});
