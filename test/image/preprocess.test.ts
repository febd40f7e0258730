import { describe, expect, it } from 'vitest';
import { preprocessSpecOf } from '../../src/image/preprocess/from-manifest.js';
import { centreOffset, planResize, shorterSideTo } from '../../src/image/preprocess/geometry.js';
import { preprocess, type PreprocessSpec } from '../../src/image/preprocess/index.js';
import { resizeRgb } from '../../src/image/preprocess/resample.js';
import { compareBytes, fixtureBytes, fixtureJson } from './fixtures.js';

interface Case extends PreprocessSpec {
  name: string;
  source: string;
  sourceWidth: number;
  sourceHeight: number;
  resizeShorterTo?: number;
  tensor: boolean;
}

const DIR = 'images/preprocess';
interface BoxCase {
  name: string;
  source: string;
  width: number;
  height: number;
  box: [number, number, number, number];
}
const index = fixtureJson<{ cases: Case[]; boxes: BoxCase[] }>(`${DIR}/index.json`);
const cases = index.cases.map((c) => ({ ...c, resizeShorterTo: c.resizeShorterTo ?? undefined }));

describe('preprocess matches torchvision Resize [+ CenterCrop] + ToTensor + Normalize on PIL images', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const image = { width: c.sourceWidth, height: c.sourceHeight, data: fixtureBytes(`${DIR}/${c.source}.rgb`) };
    const out = preprocess(image, c);
    expect(out.dims).toEqual([1, 3, c.height, c.width]);
    expect(compareBytes(out.resized.data, fixtureBytes(`${DIR}/${c.name}.rgb`)).maxDiff).toBe(0);
    if (!c.tensor) return;
    const bytes = fixtureBytes(`${DIR}/${c.name}.f32`);
    const expected = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(out.data).toEqual(expected);
  });
});

describe('resizeRgb with a source box matches Pillow Image.resize(size, BILINEAR, box)', () => {
  it.each(index.boxes.map((b) => [b.name, b] as const))('%s', (_name, b) => {
    const image = { width: 97, height: 61, data: fixtureBytes(`${DIR}/${b.source}.rgb`) };
    const [x0, y0, x1, y1] = b.box;
    const out = resizeRgb(image, b.width, b.height, { box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
    expect(compareBytes(out.data, fixtureBytes(`${DIR}/${b.name}.rgb`)).maxDiff).toBe(0);
  });
});

describe('geometry', () => {
  it('follows torchvision integer rules (truncated long side, round half to even offsets)', () => {
    expect(shorterSideTo(97, 61, 40)).toEqual([63, 40]);
    expect(shorterSideTo(61, 97, 35)).toEqual([35, 55]);
    expect([centreOffset(63, 32), centreOffset(55, 32), centreOffset(33, 32), centreOffset(36, 32)]).toEqual([16, 12, 0, 2]);
  });
  it('reports the source region the tensor covers', () => {
    const plan = planResize(640, 480, { width: 224, height: 224, resize: 'shorter-side', crop: 'center', resizeShorterTo: 256 });
    expect([plan.resizedWidth, plan.resizedHeight, plan.x.start, plan.y.start]).toEqual([341, 256, 58, 16]);
    expect(plan.region.x).toBeCloseTo((58 * 640) / 341, 9);
    expect(plan.region.height).toBeCloseTo((224 * 480) / 256, 9);
    const stretch = planResize(640, 480, { width: 224, height: 224, resize: 'stretch', crop: 'none' });
    expect(stretch.region).toEqual({ x: 0, y: 0, width: 640, height: 480 });
  });
  it('refuses policies that cannot produce the input size', () => {
    expect(() => planResize(64, 48, { width: 32, height: 32, resize: 'shorter-side', crop: 'none' })).toThrow(/crop/);
    expect(() => planResize(64, 48, { width: 32, height: 32, resize: 'shorter-side', crop: 'center', resizeShorterTo: 20 })).toThrow();
  });
});

describe('resizeRgb', () => {
  it('is the identity at the same size and keeps a constant image constant at any size', () => {
    const data = new Uint8Array(7 * 5 * 3).map((_, i) => (i * 37) % 256);
    expect(resizeRgb({ width: 7, height: 5, data }, 7, 5).data).toEqual(data);
    const flat = { width: 9, height: 4, data: new Uint8Array(9 * 4 * 3).fill(77) };
    for (const [w, h] of [
      [3, 2],
      [20, 11],
      [9, 1],
      [1, 9],
    ]) {
      expect(
        resizeRgb(flat, w, h).data.findIndex((v) => v !== 77),
        `${w}x${h}: first value other than 77`,
      ).toBe(-1);
    }
  });
  it('supports NHWC layout', () => {
    const image = { width: 2, height: 1, data: Uint8Array.of(255, 0, 0, 0, 0, 255) };
    const spec = { width: 2, height: 1, resize: 'stretch', crop: 'none', mean: [0, 0, 0], std: [1, 1, 1] } as const;
    expect([...preprocess(image, { ...spec, layout: 'NHWC' }).data]).toEqual([1, 0, 0, 0, 0, 1]);
    expect([...preprocess(image, spec).data]).toEqual([1, 0, 0, 0, 0, 1]);
  });
});

describe('preprocessSpecOf', () => {
  it('reads width and height from the shape for either layout', () => {
    const base = { name: 'x' };
    const nchw = preprocessSpecOf({ ...base, mean: [0, 0, 0], std: [1, 1, 1], shape: ['N', 3, 160, 120], layout: 'NCHW' });
    expect([nchw.width, nchw.height, nchw.resize, nchw.crop]).toEqual([120, 160, 'stretch', 'none']);
    const nhwc = preprocessSpecOf({
      ...base,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      shape: ['N', 160, 120, 3],
      layout: 'NHWC',
      crop: 'center',
      resize: 'shorter-side',
    });
    expect([nhwc.width, nhwc.height, nhwc.resize, nhwc.crop]).toEqual([120, 160, 'shorter-side', 'center']);
  });
});
