/**
 * The seeded noise of Smooth Grad-CAM++ (src/cam/noise.ts): reproducible, and standard normal in
 * distribution (moments and tail fractions of 100 000 draws; the bit-for-bit agreement with the Python
 * re-implementation is checked in model-methods.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { gaussianNoise, mulberry32 } from '../../src/cam/noise.js';

describe('seeded Gaussian noise', () => {
  it('gives the same numbers for the same seed and different ones for another seed', () => {
    expect([...gaussianNoise(7, 3)]).toEqual([...gaussianNoise(7, 3)]);
    expect(gaussianNoise(7, 3)[0]).not.toBe(gaussianNoise(7, 4)[0]);
  });

  it('draws uniforms in [0, 1) on a 2^-32 grid', () => {
    const next = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const u = next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      expect(Number.isInteger(u * 2 ** 32), `${u} is a multiple of 2^-32`).toBe(true);
    }
  });

  it('has the moments and tails of a standard normal', () => {
    const z = gaussianNoise(100_000, 0);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.01); // 3.2 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    const beyond = (t: number) => z.filter((v) => Math.abs(v) > t).length / z.length;
    expect(beyond(1)).toBeCloseTo(0.3173, 2);
    expect(beyond(2)).toBeCloseTo(0.0455, 2);
  });
});
