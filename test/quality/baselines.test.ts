/** The benchmark's baseline maps (bench/quality/maps.ts) on cases known by construction. */
import { describe, expect, it } from 'vitest';
import { gaussianPrior, randomMap, saliencyMap } from '../../bench/quality/maps.js';
import { argmax, energyInside } from '../../src/quality/index.js';

describe('baseline maps', () => {
  it('the Gaussian prior peaks in the centre and is symmetric', () => {
    const g = gaussianPrior(8);
    expect(argmax(g)).toBe(3 * 8 + 3); // first of the four centre pixels
    expect(g.data[3 * 8 + 3]).toBe(g.data[4 * 8 + 4]);
    expect(g.data[0]).toBeCloseTo(Math.exp(-(2 * 3.5 ** 2) / (2 * 2 ** 2)), 6);
    const centre = {
      width: 8,
      height: 8,
      data: Uint8Array.from({ length: 64 }, (_, i) => +(Math.abs((i % 8) - 3.5) < 1 && Math.abs(Math.floor(i / 8) - 3.5) < 1)),
    };
    expect(energyInside(g, centre)).toBeGreaterThan(4 / 64);
  });

  it('the random map is a pure function of the seed, in [0, 1)', () => {
    const geometry = { channels: 4, height: 4, width: 4, size: 16 };
    const a = randomMap(3, geometry),
      b = randomMap(3, geometry),
      c = randomMap(4, geometry);
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
    expect(
      a.data.findIndex((v) => !(v >= 0 && v < 1)),
      'first value outside [0, 1)',
    ).toBe(-1);
  });

  it('the input gradient map is the largest absolute value over channels, scaled to [0, 1)', () => {
    // two images of 3 x 2 x 2; the second has |g| maxima 4, 0, 2, 1 across channels.
    const g = Float32Array.from([...Array(12).fill(9), 1, 0, 2, 0, -4, 0, 0, 1, 0, 0, -1, 0]);
    const m = saliencyMap(g, 1, 2);
    [1, 0, 0.5, 0.25].forEach((v, i) => expect(m.data[i]).toBeCloseTo(v, 6));
  });
});
