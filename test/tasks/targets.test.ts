/**
 * Segmentation and embedding targets, request option parsing, detection formats and box geometry.
 * The segmentation target is checked against a direct reading of pytorch-grad-cam's
 * `SemanticSegmentationTarget`: (output[c] * mask).sum() with mask = (argmax == c), on random logits.
 */
import { describe, expect, it } from 'vitest';
import { argmaxClasses, classShares, defaultSegmentClass, segmentTarget } from '../../src/tasks/segment.js';
import { parseRegion, regionCells } from '../../src/tasks/region.js';
import { denseSeed, targetValue } from '../../src/tasks/target.js';
import { indexTarget, vectorTarget } from '../../src/tasks/embed.js';
import { parseBoxesOption, parseDetectOptions, pickDetection } from '../../src/tasks/detect-options.js';
import { detectFormatOf, fieldIndex } from '../../src/tasks/detect-format.js';
import { toImageBox } from '../../src/tasks/input-to-image.js';
import { planResize } from '../../src/image/preprocess/geometry.js';
import { ApiError } from '../../src/errors.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function badOption(f: () => unknown, option: string, words: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    expect((e as ApiError).code).toBe('bad_option');
    expect((e as ApiError).extra).toEqual({ option });
    expect((e as ApiError).detail).toMatch(words);
    return;
  }
  throw new Error('expected a bad_option error');
}

describe('segmentation targets', () => {
  const shape = { classes: 4, height: 6, width: 8 };
  const rand = lcg(7);
  const logits = Float32Array.from({ length: 4 * 48 }, () => rand() * 4 - 2);
  // class 2 dominates the left half, so it is present and big
  for (let y = 0; y < 6; y++) for (let x = 0; x < 4; x++) logits[2 * 48 + y * 8 + x]! += 5;

  it('argmax, shares and the default class', () => {
    const argmax = argmaxClasses(logits, shape);
    for (let p = 0; p < 48; p++) {
      const column = [0, 1, 2, 3].map((c) => logits[c * 48 + p]!);
      expect(argmax[p]).toBe(column.indexOf(Math.max(...column)));
    }
    const shares = classShares(argmax, 4);
    expect(shares.reduce((s, c) => s + c.pixels, 0)).toBe(48);
    expect(shares[0]!.classIndex).toBe(2);
    expect(shares[0]!.share).toBeCloseTo(shares[0]!.pixels / 48, 12);
    expect(defaultSegmentClass(shares, 0)).toBe(2);
    expect(
      defaultSegmentClass(
        [
          { classIndex: 0, pixels: 40, share: 0.8 },
          { classIndex: 3, pixels: 8, share: 0.2 },
        ],
        0,
      ),
    ).toBe(3);
    expect(defaultSegmentClass([{ classIndex: 0, pixels: 48, share: 1 }], 0)).toBe(0);
    expect(
      defaultSegmentClass(
        [
          { classIndex: 0, pixels: 40, share: 0.8 },
          { classIndex: 3, pixels: 8, share: 0.2 },
        ],
        null,
      ),
    ).toBe(0);
  });

  it('matches SemanticSegmentationTarget, whole image and inside a region (input twice the output size)', () => {
    const argmax = argmaxClasses(logits, shape);
    for (const region of [null, { x0: 2, y0: 4, x1: 10, y1: 12 }]) {
      for (const c of classShares(argmax, 4).map((s) => s.classIndex)) {
        let expected = 0;
        for (let y = 0; y < 6; y++)
          for (let x = 0; x < 8; x++) {
            // output cell (x, y) covers input pixels [2x, 2x + 2); centre 2x + 1
            const inside = !region || (2 * x + 1 >= region.x0 && 2 * x + 1 < region.x1 && 2 * y + 1 >= region.y0 && 2 * y + 1 < region.y1);
            if (inside && argmax[y * 8 + x] === c) expected += logits[c * 48 + y * 8 + x]!;
          }
        if (expected === 0) {
          expect(() => segmentTarget(argmax, shape, c, region, 16, 12)).toThrow(ApiError);
          continue;
        }
        const t = segmentTarget(argmax, shape, c, region, 16, 12);
        expect(targetValue(t, logits)).toBeCloseTo(expected, 4);
        const seed = denseSeed(t);
        expect(seed.length).toBe(4 * 48);
        expect(seed.reduce((s, v, i) => s + v * logits[i]!, 0)).toBeCloseTo(expected, 4);
        expect(seed.filter((v) => v !== 0 && v !== 1).length).toBe(0);
      }
    }
  });

  it('an empty mask is a 400 naming the classes present', () => {
    const argmax = new Int32Array(48).fill(1);
    badOption(() => segmentTarget(argmax, shape, 3, null, 8, 6), 'class', /class 3 covers no pixel.*present: 1/);
  });

  it('region parsing and cells', () => {
    expect(parseRegion('1,2,3.5,6', 8, 6)).toEqual({ x0: 1, y0: 2, x1: 3.5, y1: 6 });
    badOption(() => parseRegion('1,2,3', 8, 6), 'region', /four numbers/);
    badOption(() => parseRegion('1,2,,3', 8, 6), 'region', /four numbers/);
    badOption(() => parseRegion('a,2,3,4', 8, 6), 'region', /four numbers/);
    badOption(() => parseRegion('0,0,9,6', 8, 6), 'region', /inside the 8x6/);
    badOption(() => parseRegion('-1,0,4,6', 8, 6), 'region', /inside/);
    badOption(() => parseRegion('4,0,4,6', 8, 6), 'region', /x0 < x1/);
    const cells = regionCells({ x0: 2, y0: 1, x1: 5, y1: 3 }, 8, 6, 8, 6);
    const on: number[] = [];
    cells.forEach((v, i) => v && on.push(i));
    expect(on).toEqual([10, 11, 12, 18, 19, 20]);
    expect(regionCells(null, 3, 2, 30, 20).every((v) => v === 1)).toBe(true);
  });
});

describe('embedding targets', () => {
  it('vector= is the dot product with the direction', () => {
    const t = vectorTarget('0.5, -1,2e-1', 3);
    expect(targetValue(t, [2, 3, 10])).toBeCloseTo(1 - 3 + 2, 6);
    expect(Array.from(denseSeed(vectorTarget([1, 0, -2], 3)))).toEqual([1, 0, -2]);
  });

  it('vector= errors say what is wrong', () => {
    badOption(() => vectorTarget('1,2', 3), 'vector', /has 2 numbers; this model's embedding has 3/);
    badOption(() => vectorTarget('1,,3', 3), 'vector', /item 1/);
    badOption(() => vectorTarget('1,x,3', 3), 'vector', /item 1 \('x'\)/);
    badOption(() => vectorTarget('1,Infinity,3', 3), 'vector', /not a finite number/);
    badOption(() => vectorTarget(['1', 2, 3], 3), 'vector', /item 0/);
    badOption(() => vectorTarget('0,0,0', 3), 'vector', /all zeros/);
    badOption(() => vectorTarget('1e39,0,0', 3), 'vector', /float32/);
  });

  it('index= is one unit', () => {
    expect(targetValue(indexTarget('2', 3), [5, 6, 7])).toBe(7);
    for (const v of ['3', '-1', '1.5', '', 'a', ' 1']) badOption(() => indexTarget(v, 3), 'index', /from 0 to 2/);
  });
});

describe('detection options, formats and geometry', () => {
  it('conf, iou, max_det, box and boxes', () => {
    expect(parseDetectOptions({})).toEqual({ conf: 0.25, iou: 0.45, maxDet: 300 });
    expect(parseDetectOptions({ conf: '0.5', iou: '0.7', max_det: '5' })).toEqual({ conf: 0.5, iou: 0.7, maxDet: 5 });
    badOption(() => parseDetectOptions({ conf: '1.5' }), 'conf', /0 to 1/);
    badOption(() => parseDetectOptions({ iou: '' }), 'iou', /0 to 1/);
    badOption(() => parseDetectOptions({ max_det: '0' }), 'max_det', /1 to 1000/);
    badOption(() => parseDetectOptions({ max_det: '2.5' }), 'max_det', /whole number/);
    const opts = parseDetectOptions({});
    const det = {
      classIndex: 0,
      score: 0.9,
      anchor: 3,
      inputBox: { x0: 0, y0: 0, x1: 1, y1: 1 },
      box: { x0: 0, y0: 0, x1: 1, y1: 1 },
      target: { size: 1, indices: Int32Array.of(0), weights: Float32Array.of(1) },
    };
    expect(pickDetection([det], undefined, opts)).toBe(det);
    badOption(() => pickDetection([det], '1', opts), 'box', /1 detection\(s\)/);
    badOption(() => pickDetection([det], '-1', opts), 'box', /detection index/);
    badOption(() => pickDetection([], undefined, opts), 'box', /detects nothing above conf=0.25.*eigencam/);
    expect(parseBoxesOption('all')).toBe('all');
    expect(parseBoxesOption(undefined)).toBe('one');
    badOption(() => parseBoxesOption('some'), 'boxes', /'all'/);
  });

  it('formats from shapes and flat field indices', () => {
    expect(detectFormatOf([1, 84, 8400])).toEqual({ layout: 'channels-first', classes: 80, anchors: 8400 });
    expect(detectFormatOf(['N', 8400, 84])).toEqual({ layout: 'anchors-first', classes: 80, anchors: 8400 });
    expect(detectFormatOf([1, 25200, 85], true)).toEqual({ layout: 'anchors-first-objectness', classes: 80, anchors: 25200 });
    expect(detectFormatOf([1, 1000])).toBeNull();
    expect(detectFormatOf([1, 4, 100])).toBeNull();
    expect(detectFormatOf([1, 'A', 84])).toBeNull();
    const f = { layout: 'channels-first' as const, classes: 2, anchors: 5 };
    expect(fieldIndex(f, 3, 4)).toBe(23);
    expect(fieldIndex({ ...f, layout: 'anchors-first' }, 3, 4)).toBe(3 * 6 + 4);
    expect(fieldIndex({ ...f, layout: 'anchors-first-objectness' }, 3, 5)).toBe(3 * 7 + 5);
  });

  it('input boxes go back through the resize and centre crop to image pixels', () => {
    // 640x480 image, shorter side to 64 (85x64), centre crop 64x64: the input covers x 80..560 of the image
    const plan = planResize(640, 480, { width: 64, height: 64, resize: 'shorter-side', crop: 'center' });
    const g = { region: plan.region, inputWidth: 64, inputHeight: 64, imageWidth: 640, imageHeight: 480 };
    const s = plan.region.width / 64;
    expect(plan.region.x).toBeGreaterThan(70);
    const b = toImageBox({ x0: 0, y0: 10, x1: 32, y1: 64 }, g);
    expect(b.x0).toBeCloseTo(plan.region.x, 9);
    expect(b.x1).toBeCloseTo(plan.region.x + 32 * s, 9);
    expect(b.y0).toBeCloseTo(10 * (480 / 64), 9);
    expect(b.y1).toBeCloseTo(480, 9);
    // clipped to the image
    const stretch = {
      region: { x: 0, y: 0, width: 640, height: 480 },
      inputWidth: 320,
      inputHeight: 320,
      imageWidth: 640,
      imageHeight: 480,
    };
    expect(toImageBox({ x0: -5, y0: 10, x1: 330, y1: 20 }, stretch)).toEqual({ x0: 0, y0: 15, x1: 640, y1: 30 });
  });
});
