/**
 * The small pure pieces behind the explain options, on hand-computed cases: saliency and SmoothGrad
 * reductions, Guided Grad-CAM's product, target seeds, flips, the product combination, the PNG strip, and
 * the cache key's extra options.
 */
import { describe, expect, it } from 'vitest';
import { canonicalOptions, type CanonicalOptions } from '../../src/cache/key.js';
import { guidedGradCamMap, saliencyMap, smoothGradMap } from '../../src/pixel-methods/index.js';
import { combineMaps, flipInput, flipMap } from '../../src/explain/compose.js';
import { targetsFor, topClasses } from '../../src/explain/seed-run.js';
import { horizontalStrip } from '../../src/routes/explain/strip.js';

describe('pixel-level reductions', () => {
  it('saliency is the largest |gradient| over channels', () => {
    // 2 channels, 1 x 3 pixels
    expect([...saliencyMap(Float32Array.of(1, -5, 0, -2, 3, 0.5), 2, 1, 3)]).toEqual([2, 5, 0.5]);
    expect(() => saliencyMap(new Float32Array(5), 2, 1, 3)).toThrow(/expected 6/);
  });

  it('smoothgrad averages the saliency maps of the copies', () => {
    // 2 copies of a 1-channel 1 x 2 gradient
    expect([...smoothGradMap(Float32Array.of(1, -4, -3, 2), 2, 1, 1, 2)]).toEqual([2, 3]);
  });

  it('guided-gradcam multiplies the scaled CAM by max_c |guided gradient|, ignoring negative CAM values', () => {
    const cam = { width: 2, height: 1, data: Float32Array.of(0.5, -1) };
    expect([...guidedGradCamMap(cam, Float32Array.of(4, 2, -6, 1), 2)]).toEqual([3, 0]);
  });
});

describe('targets', () => {
  it('class, counterfactual and contrastive seeds', () => {
    const req = { classIndex: null, top: 2, counterfactual: false, versus: null };
    expect(targetsFor([2], req, 4).map((t) => [...t.seed])).toEqual([[0, 0, 1, 0]]);
    expect(targetsFor([2], { ...req, counterfactual: true }, 4).map((t) => [...t.seed])).toEqual([[0, 0, -1, 0]]);
    expect(targetsFor([2, 0], { ...req, versus: 3 }, 4).map((t) => [...t.seed])).toEqual([
      [0, 0, 1, -1],
      [1, 0, 0, -1],
    ]);
  });

  it('top classes by logit, ties by index', () => {
    expect(topClasses(Float32Array.of(0.1, 3, -1, 3, 2), 3)).toEqual([1, 3, 4]);
  });
});

describe('maps and images', () => {
  it('flips a map and an input in both layouts', () => {
    expect([...flipMap({ width: 3, height: 2, data: Float32Array.of(1, 2, 3, 4, 5, 6) }).data]).toEqual([3, 2, 1, 6, 5, 4]);
    // NCHW: 2 channels of 1 x 2
    expect([...flipInput(Float32Array.of(1, 2, 3, 4), 'NCHW', 1, 2)]).toEqual([2, 1, 4, 3]);
    // NHWC: 1 x 2 pixels of 2 channels
    expect([...flipInput(Float32Array.of(1, 2, 3, 4), 'NHWC', 1, 2)]).toEqual([3, 4, 1, 2]);
  });

  it('combine=product multiplies the scaled maps and scales the product', () => {
    const a = { width: 2, height: 1, data: Float32Array.of(0, 2) };
    const b = { width: 2, height: 1, data: Float32Array.of(1, 3) };
    const c = { width: 2, height: 1, data: Float32Array.of(5, 1) };
    expect([...combineMaps([a, b], 'product', 2, 1).data].map((v) => Math.round(v * 1e5) / 1e5)).toEqual([0, 1]);
    expect([...combineMaps([a, c], 'product', 2, 1).data]).toEqual([0, 0]);
  });

  it('puts panels side by side', () => {
    const p = (v: number) => ({ width: 1, height: 2, data: new Uint8Array(6).fill(v) });
    const strip = horizontalStrip([p(1), p(2)]);
    expect([strip.width, strip.height, ...strip.data]).toEqual([2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
  });
});

describe('cache key', () => {
  const base: CanonicalOptions = {
    modelId: 'm',
    modelSha256: 'ab',
    manifestSha256: 'cd',
    method: 'gradcam',
    layer: 'l',
    classIndex: null,
    output: 'json',
  };
  it('extra options at their defaults leave the canonical text unchanged', () => {
    const plain = canonicalOptions(base);
    expect(
      canonicalOptions({
        ...base,
        extra: { layers: ['l'], combine: 'mean', top: 1, counterfactual: false, versus: null, aug: 'none', metrics: [] },
      }),
    ).toBe(plain);
  });
  it('each extra option changes it; metric order does not', () => {
    const texts = [
      { top: 2 },
      { counterfactual: true },
      { versus: 3 },
      { aug: 'flip' as const },
      { metrics: ['drop'] },
      { layers: ['a', 'l'] },
      { layers: ['a', 'l'], combine: 'product' as const },
    ].map((extra) => canonicalOptions({ ...base, extra }));
    expect(new Set([canonicalOptions(base), ...texts]).size).toBe(texts.length + 1);
    expect(canonicalOptions({ ...base, extra: { metrics: ['insertion', 'drop'] } })).toBe(
      canonicalOptions({ ...base, extra: { metrics: ['drop', 'insertion', 'drop'] } }),
    );
  });
});
