/** Average drop / increase in confidence, the explanation-map input, Spearman, softmax and blur on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  confidenceChange,
  explanationInput,
  gaussianBlur,
  gaussianKernel,
  softmaxRows,
  spearman,
} from '../../src/quality/index.js';

describe('explanationInput', () => {
  const mean = [0.5, 0.25],
    std = [0.25, 0.5];
  // Two channels, two pixels; normalised values whose pixel values are 0.75, 1 (channel 0) and 0.5, 0 (channel 1).
  const input = Float32Array.of(1, 2, 0.5, -0.5);
  it('keeps the image where the map is 1 and makes it black where the map is 0', () => {
    const out = explanationInput(input, { width: 2, height: 1, data: Float32Array.of(1, 0) }, mean, std);
    expect([...out]).toEqual([1, -2, 0.5, -0.5]); // black = (0 - mean) / std: -2 and -0.5
  });
  it('scales the pixel values, not the normalised ones', () => {
    const out = explanationInput(input, { width: 2, height: 1, data: Float32Array.of(0.5, 0.5) }, mean, std);
    // pixels 0.375, 0.5 and 0.25, 0 renormalised
    expect([...out]).toEqual([(0.375 - 0.5) / 0.25, 0, 0, -0.5]);
  });
  it('rejects statistics of the wrong channel count', () => {
    expect(() => explanationInput(input, { width: 2, height: 1, data: Float32Array.of(1, 1) }, [0.5], [0.25])).toThrow(RangeError);
  });
});

describe('confidenceChange', () => {
  it('averages the relative drops and counts the increases, in percent', () => {
    expect(
      confidenceChange([
        { original: 0.8, explained: 0.4 },
        { original: 0.5, explained: 0.6 },
      ]),
    ).toEqual({ averageDrop: 25, increase: 50, count: 2 });
  });
  it('counts an unchanged probability as neither drop nor increase', () => {
    expect(confidenceChange([{ original: 0.3, explained: 0.3 }])).toEqual({ averageDrop: 0, increase: 0, count: 1 });
  });
  it('rejects a zero probability on the image', () =>
    expect(() => confidenceChange([{ original: 0, explained: 0.1 }])).toThrow(RangeError));
});

describe('spearman', () => {
  it('gives tied values their average rank', () => expect([...averageRanks([10, 20, 20, 5])]).toEqual([2, 3.5, 3.5, 1]));
  it('is 1 for any increasing relation and -1 for a decreasing one', () => {
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });
  it('matches the hand-computed value with ties', () => {
    // ranks [1..5] and [1, 2, 3.5, 5, 3.5]: sum of products of deviations 8, sums of squares 10 and 9.5.
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
  });
  it('is NaN for a constant map', () => expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN());
});

describe('softmaxRows', () => {
  it('normalises each row', () => {
    const p = softmaxRows(Float32Array.of(0, 0, Math.log(3), 0), 2);
    [0.5, 0.5, 0.75, 0.25].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 6));
  });
  it('is stable for large logits', () => expect(softmaxRows([1000, 1000], 1)[0]).toBeCloseTo(0.5, 6));
});

describe('gaussianBlur', () => {
  it('has a normalised, symmetric kernel with the Gaussian ratio between taps', () => {
    const k = gaussianKernel(5, 2);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[0]).toBeCloseTo(k[4]!, 15);
    expect(k[1]! / k[2]!).toBeCloseTo(Math.exp(-1 / 8), 12);
    expect(() => gaussianKernel(4, 1)).toThrow(RangeError);
  });
  it('spreads an impulse into the outer product of the kernel, channel by channel', () => {
    const x = new Float32Array(2 * 7 * 7);
    x[49 + 3 * 7 + 3] = 1; // channel 1, centre
    const out = gaussianBlur(x, 2, 7, 7, 3, 1);
    const k = gaussianKernel(3, 1);
    expect(
      out.slice(0, 49).findIndex((v) => v !== 0),
      'first non-zero value of the masked-out part',
    ).toBe(-1);
    expect(out[49 + 2 * 7 + 4]).toBeCloseTo(k[0]! * k[2]!, 7);
    expect(out[49 + 3 * 7 + 3]).toBeCloseTo(k[1]! * k[1]!, 7);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
  it('leaves a constant image unchanged, edges included', () => {
    const out = gaussianBlur(new Float32Array(3 * 4 * 5).fill(0.25), 3, 4, 5);
    expect(
      out.findIndex((v) => Math.abs(v - 0.25) >= 1e-7),
      'first value other than 0.25',
    ).toBe(-1);
  });
});
