/**
 * The benchmark's pixel-level method rows (bench/quality/maps.ts smoothGradBenchMap, guidedGradCamBenchMap),
 * checked against values worked out by hand: max over channels of |g|, averaged over the copies (SmoothGrad)
 * or multiplied by the Grad-CAM map (Guided Grad-CAM), then min-max scaled as unitMap does
 * ((v - min) / (max - min + 1e-7)).
 */
import { describe, expect, it } from 'vitest';
import { BASELINES, guidedGradCamBenchMap, smoothGradBenchMap } from '../../bench/quality/maps.js';

const scaled = (v: number[]) => {
  const lo = Math.min(...v),
    hi = Math.max(...v);
  return v.map((x) => (x - lo) / (hi - lo + 1e-7));
};

describe('pixel-level method rows', () => {
  it('SmoothGrad is the mean over the copies of max_c |g|, scaled to [0, 1)', () => {
    // two copies of 3 x 2 x 2 (channel planes of 4 pixels)
    const copy1 = [1, 0, 0, 2, /* c1 */ -3, 0, 0, 0, /* c2 */ 0, 1, 0, -1];
    const copy2 = [0, 0, 4, 0, /* c1 */ 1, -2, 0, 0, /* c2 */ 0, 0, 0, 3];
    // per pixel: copy1 max |g| = 3, 1, 0, 2; copy2 = 1, 2, 4, 3; mean = 2, 1.5, 2, 2.5
    const m = smoothGradBenchMap(Float32Array.from([...copy1, ...copy2]), 2, 2);
    expect(m.width).toBe(2);
    expect(m.height).toBe(2);
    scaled([2, 1.5, 2, 2.5]).forEach((v, i) => expect(m.data[i]).toBeCloseTo(v, 6));
  });

  it('Guided Grad-CAM is the Grad-CAM map times max_c |guided g| of image i, scaled to [0, 1)', () => {
    const gradcam = { width: 2, height: 2, data: Float32Array.of(1, 0.5, 0, 0.25) };
    const image0 = Array<number>(12).fill(100); // must not be read for i = 1
    const image1 = [2, 0, 8, 0, /* c1 */ 0, -4, 0, 0, /* c2 */ -1, 0, 0, 1];
    // max |g| = 2, 4, 8, 1; times the CAM = 2, 2, 0, 0.25
    const m = guidedGradCamBenchMap(gradcam, Float32Array.from([...image0, ...image1]), 1, 2);
    scaled([2, 2, 0, 0.25]).forEach((v, i) => expect(m.data[i]).toBeCloseTo(v, 6));
  });

  it('Guided Grad-CAM wants the Grad-CAM map at the input size', () => {
    const small = { width: 1, height: 1, data: Float32Array.of(1) };
    expect(() => guidedGradCamBenchMap(small, new Float32Array(12), 0, 2)).toThrow(/expected 2 x 2/);
  });

  it('the input-gradient baseline row names the API method it is', () => {
    expect(BASELINES.saliency).toContain('method=saliency');
  });
});
