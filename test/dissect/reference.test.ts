import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nameUnits } from '../../src/dissect/names.js';
import { topQuantileThreshold, unitThresholds } from '../../src/dissect/quantile.js';
import { IouTally } from '../../src/dissect/tally.js';

/** Written by tools/dissect-reference.py (numpy quantile, PyTorch bilinear upsampling, numpy IoU). */
const ref = JSON.parse(readFileSync(new URL('../fixtures/dissect/reference.json', import.meta.url), 'utf8')) as {
  n: number;
  c: number;
  h: number;
  w: number;
  H: number;
  W: number;
  k: number;
  q: number;
  activations: number[];
  masks: (number[] | null)[][];
  thresholds: number[];
  iou: number[][];
};

describe('dissection against the numpy reference', () => {
  const activations = Float32Array.from(ref.activations);
  const plane = ref.h * ref.w,
    per = ref.c * plane;

  it("gives numpy's quantile thresholds", () => {
    const t = unitThresholds(activations, ref.n, ref.c, plane, ref.q);
    Array.from(t).forEach((v, k) => expect(v, `unit ${k}`).toBeCloseTo(ref.thresholds[k]!, 6));
  });

  it('gives the reference IoU of every unit with every concept', () => {
    const tally = new IouTally(ref.c, ref.k, ref.H, ref.W);
    for (let n = 0; n < ref.n; n++) {
      const masks = ref.masks[n]!.flatMap((m, concept) => (m ? [{ concept, mask: Uint8Array.from(m) }] : []));
      tally.add(activations.subarray(n * per, (n + 1) * per), ref.h, ref.w, ref.thresholds, masks);
    }
    const got = ref.iou.map((row, k) => row.map((_, c) => tally.iou(k, c)));
    got.forEach((row, k) => row.forEach((v, c) => expect(v, `unit ${k}, concept ${c}`).toBeCloseTo(ref.iou[k]![c]!, 9)));
    expect(Math.max(...got.flat()), 'the fixture has overlaps to find').toBeGreaterThan(0.05);
    const labels = nameUnits(tally, ['a', 'b', 'c'], 0.04);
    labels.forEach((l, k) => {
      const best = ref.iou[k]!.indexOf(Math.max(...ref.iou[k]!));
      expect(l.iou, `unit ${k}`).toBeCloseTo(ref.iou[k]![best]!, 9);
      expect(l.name, `unit ${k}`).toBe(ref.iou[k]![best]! >= 0.04 ? ['a', 'b', 'c'][best] : null);
    });
  });
});

describe('topQuantileThreshold', () => {
  it('interpolates between order statistics like numpy', () => {
    expect(topQuantileThreshold([4, 0, 2, 1, 3], 0.25)).toBe(3);
    expect(topQuantileThreshold([0, 10], 0.25)).toBe(7.5);
    expect(topQuantileThreshold([5], 0.005)).toBe(5);
  });

  it('rejects an empty dataset and a quantile outside [0, 1]', () => {
    expect(() => topQuantileThreshold([], 0.1)).toThrow(/no values/);
    expect(() => topQuantileThreshold([1], 2)).toThrow(/not in \[0, 1\]/);
  });
});

describe('IouTally', () => {
  it('refuses a concept listed twice in one image and masks of the wrong size', () => {
    const tally = new IouTally(1, 2, 2, 2);
    const a = Float32Array.of(1, 0, 0, 0);
    expect(() =>
      tally.add(
        a,
        2,
        2,
        [0.5],
        [
          { concept: 0, mask: new Uint8Array(4) },
          { concept: 0, mask: new Uint8Array(4) },
        ],
      ),
    ).toThrow(/twice/);
    expect(() => tally.add(a, 2, 2, [0.5], [{ concept: 1, mask: new Uint8Array(3) }])).toThrow(/3 pixels/);
  });

  it('sums intersections and unions over images before dividing', () => {
    const tally = new IouTally(1, 1, 1, 2);
    // image 1: unit on at pixel 0, concept at pixel 0 (1/1); image 2: unit on at pixel 0, concept at pixel 1 (0/2).
    tally.add(Float32Array.of(1, 0), 1, 2, [0.5], [{ concept: 0, mask: Uint8Array.of(1, 0) }]);
    tally.add(Float32Array.of(1, 0), 1, 2, [0.5], [{ concept: 0, mask: Uint8Array.of(0, 1) }]);
    // union: unit area 2 (one pixel each; the aligned-corners upsample of a 1x2 plane to 1x2 is the plane) + concept 2 - inter 1.
    expect(tally.iou(0, 0)).toBeCloseTo(1 / 3, 12);
  });
});
