/** Pointing game, energy-based pointing game and mass ratios on tiny maps whose answers are known by hand. */
import { describe, expect, it } from 'vitest';
import { argmax, energyInside, massRatio, pointingHit, summariseRatios } from '../../src/quality/index.js';

const map = (width: number, values: number[]) => ({ width, height: values.length / width, data: Float32Array.from(values) });
const mask = (width: number, values: number[]) => ({ width, height: values.length / width, data: Uint8Array.from(values) });

describe('argmax', () => {
  it('returns the first maximum in row-major order', () => expect(argmax(map(3, [0, 2, 2, 1, 0, 0]))).toBe(1));
  it('returns -1 for a constant map', () => expect(argmax(map(2, [0.5, 0.5, 0.5, 0.5]))).toBe(-1));
});

describe('pointingHit', () => {
  // 5 x 5 map peaking at (x=1, y=1); the mask is the single pixel (x=3, y=1), 2 px to the right.
  const peak = map(5, [0, 0, 0, 0, 0, 0, 9, 0, 0, 0, ...Array(15).fill(0)]);
  const right = mask(5, [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, ...Array(15).fill(0)]);
  const diagonal = mask(5, [...Array(10).fill(0), 0, 0, 1, 0, 0, ...Array(10).fill(0)]); // (2, 2): sqrt(2) away

  it('hits when the peak is inside the mask', () =>
    expect(pointingHit(peak, mask(5, [0, 0, 0, 0, 0, 0, 1, ...Array(18).fill(0)]))).toBe(true));
  it('misses when the peak is outside and there is no tolerance', () => expect(pointingHit(peak, right)).toBe(false));
  it('hits within a Euclidean tolerance and misses just below it', () => {
    expect(pointingHit(peak, right, 2)).toBe(true);
    expect(pointingHit(peak, right, 1.9)).toBe(false);
    expect(pointingHit(peak, diagonal, 1)).toBe(false);
    expect(pointingHit(peak, diagonal, 1.5)).toBe(true);
  });
  it('counts a flat map as a miss even when the mask covers everything', () => {
    expect(pointingHit(map(2, [0, 0, 0, 0]), mask(2, [1, 1, 1, 1]))).toBe(false);
  });
  it('rejects a mask of another size', () => expect(() => pointingHit(peak, mask(2, [1, 1]))).toThrow(RangeError));
});

describe('energyInside', () => {
  it('is the share of mass inside the mask', () => expect(energyInside(map(2, [3, 1]), mask(2, [1, 0]))).toBe(0.75));
  it('ignores negative values', () => expect(energyInside(map(3, [3, 1, -4]), mask(3, [1, 0, 1]))).toBe(0.75));
  it('is 0 for an all-zero map', () => expect(energyInside(map(2, [0, 0]), mask(2, [1, 1]))).toBe(0));
});

describe('massRatio and summariseRatios', () => {
  const a = mask(4, [1, 1, 0, 0]),
    b = mask(4, [0, 0, 0, 1]);
  it('divides mass on the explained object by mass on the other one', () => {
    expect(massRatio(map(4, [3, 1, 100, 2]), a, b)).toBe(2);
    expect(massRatio(map(4, [3, 1, 100, 2]), b, a)).toBe(0.5);
  });
  it('is Infinity when only the explained object gets mass, NaN when neither does', () => {
    expect(massRatio(map(4, [1, 0, 5, 0]), a, b)).toBe(Infinity);
    expect(massRatio(map(4, [0, 0, 5, 0]), a, b)).toBeNaN();
  });
  it('summarises by median, geometric mean and share above 1, leaving NaN out', () => {
    const s = summariseRatios([1, 4, NaN, Infinity]);
    expect(s.median).toBe(4);
    expect(s.geometricMean).toBeCloseTo(2, 12); // sqrt(1 * 4); Infinity has no finite log
    expect(s.aboveOne).toBeCloseTo(2 / 3, 12);
    expect(s.undefinedCount).toBe(1);
    expect(s.count).toBe(4);
    expect(summariseRatios([0.5, 2, 8, 1]).median).toBeCloseTo(Math.SQRT2, 12); // middle pair 1 and 2
    expect(summariseRatios([0.1, 10, 0.25, 4]).median).toBeCloseTo(1, 12); // reciprocal pairs: a class-blind map
    expect(summariseRatios([0, Infinity]).median).toBe(1);
  });
});
