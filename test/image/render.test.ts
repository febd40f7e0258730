import { decode as decodePngOracle } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { colormapTable, COLORMAPS, quantizeMap } from '../../src/image/render/colormap.js';
import { renderCam, unitMap, type ColormapName } from '../../src/image/render/index.js';
import type { FloatMap, RgbImage } from '../../src/image/types.js';
import { fixtureBytes, fixtureJson } from './fixtures.js';

interface RenderCase {
  name: string;
  width: number;
  height: number;
  maps: { file: string; width: number; height: number }[];
  image: string;
  unit: string | null;
  renders: { file: string; output: 'overlay' | 'heatmap'; colormap: ColormapName; alpha: number | null }[];
}

const DIR = 'render';
const index = fixtureJson<{ colormaps: ColormapName[]; cases: RenderCase[] }>(`${DIR}/index.json`);

function floats(path: string): Float32Array {
  const bytes = fixtureBytes(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** A reference PNG written by cv2, decoded with fast-png (independent of src/image). */
function referencePng(path: string): RgbImage {
  const png = decodePngOracle(fixtureBytes(path));
  if (png.channels !== 3 || png.depth !== 8) throw new Error(`${path}: expected 8-bit RGB`);
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

function inputMaps(c: RenderCase): FloatMap[] {
  return c.maps.map((m) => ({ width: m.width, height: m.height, data: floats(`${DIR}/${m.file}`) }));
}

/** Share of pixels whose three channels are all within 1 grey level, and the largest difference. */
function pixelAgreement(a: Uint8Array, b: Uint8Array): { share: number; maxDiff: number } {
  let good = 0;
  let maxDiff = 0;
  for (let p = 0; p < a.length; p += 3) {
    let worst = 0;
    for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(a[p + k] - b[p + k]));
    if (worst <= 1) good++;
    maxDiff = Math.max(maxDiff, worst);
  }
  return { share: good / (a.length / 3), maxDiff };
}

describe('colormap tables', () => {
  it('equal OpenCV applyColorMap of every level (BGR -> RGB), exactly', () => {
    const strips = fixtureBytes(`${DIR}/colormaps.rgb`);
    index.colormaps.forEach((name, i) => expect(colormapTable(name), name).toEqual(strips.subarray(i * 768, (i + 1) * 768)));
  });
  it('have the published end colours (RGB order, low to high)', () => {
    const ends = (name: ColormapName) => [[...colormapTable(name).subarray(0, 3)], [...colormapTable(name).subarray(765)]];
    expect(ends('jet')).toEqual([
      [0, 0, 128],
      [128, 0, 0],
    ]);
    expect(ends('viridis')).toEqual([
      [68, 1, 84],
      [253, 231, 37],
    ]);
    expect(ends('inferno')).toEqual([
      [0, 0, 4],
      [252, 255, 164],
    ]);
    expect(ends('turbo')).toEqual([
      [48, 18, 59],
      [122, 4, 3],
    ]);
    expect(ends('gray')).toEqual([
      [0, 0, 0],
      [255, 255, 255],
    ]);
    expect(COLORMAPS).toEqual(['jet', 'turbo', 'viridis', 'inferno', 'gray']);
  });
});

describe('renderCam matches pytorch-grad-cam + OpenCV (tools/render_reference.py)', () => {
  const report: string[] = [];
  for (const c of index.cases) {
    if (c.unit) {
      it(`${c.name}: the [0, 1] map after scale, INTER_LINEAR resize, aggregate, scale`, () => {
        const ours = unitMap(inputMaps(c), c.width, c.height).data;
        const ref = floats(`${DIR}/${c.unit}`);
        let maxDiff = 0;
        for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - ref[i]));
        const levels = quantizeMap({ width: c.width, height: c.height, data: ours });
        const refLevels = quantizeMap({ width: c.width, height: c.height, data: ref });
        const levelMismatch = levels.filter((v, i) => v !== refLevels[i]).length;
        report.push(
          `${c.name} unit map: max |diff| ${maxDiff.toExponential(2)}, uint8 levels differing: ${levelMismatch}/${levels.length}`,
        );
        expect(maxDiff).toBeLessThan(1e-6);
      });
    }
    for (const r of c.renders) {
      it(`${c.name}: ${r.file}`, () => {
        const image = referencePng(`${DIR}/${c.image}`);
        const ours = renderCam(inputMaps(c), {
          width: c.width,
          height: c.height,
          output: r.output,
          colormap: r.colormap,
          alpha: r.alpha ?? undefined,
          image,
        });
        const ref = referencePng(`${DIR}/${r.file}`);
        expect([ours.width, ours.height]).toEqual([ref.width, ref.height]);
        const { share, maxDiff } = pixelAgreement(ours.data, ref.data);
        report.push(`${r.file}: ${(100 * share).toFixed(3)}% of pixels within 1 level, max diff ${maxDiff}`);
        expect(share).toBeGreaterThanOrEqual(0.99);
      });
    }
  }
  it('compared every reference (and prints the agreement)', () => {
    console.log(report.join('\n'));
    const expected = index.cases.reduce((n, c) => n + (c.unit ? 1 : 0) + c.renders.length, 0);
    expect(report, 'a unit map or a rendered reference was not compared').toHaveLength(expected);
  });
});

describe('renderCam options', () => {
  const map: FloatMap = { width: 2, height: 2, data: Float32Array.of(0, 1, 2, 3) };
  it('resizes the image (or its region) to the output size', () => {
    const image = { width: 4, height: 4, data: new Uint8Array(48).fill(200) };
    const out = renderCam(map, { width: 8, height: 6, image, imageRegion: { x: 1, y: 1, width: 2, height: 2 } });
    expect([out.width, out.height, out.data.length]).toEqual([8, 6, 144]);
  });
  it('needs an image for an overlay but not for a heatmap', () => {
    expect(() => renderCam(map, { width: 4, height: 4 })).toThrow(/image/);
    expect(renderCam(map, { width: 4, height: 4, output: 'heatmap' }).data.length).toBe(48);
  });
  it('treats non-finite values as zero', () => {
    const bad: FloatMap = { width: 2, height: 1, data: Float32Array.of(NaN, 1) };
    const out = renderCam(bad, { width: 2, height: 1, output: 'heatmap', colormap: 'gray' });
    expect([...out.data]).toEqual([0, 0, 0, 254, 254, 254]);
  });
});
