/**
 * Deletion and insertion against models whose probability curves are known by construction: a model that
 * looks only at one "evidence" pixel, and a model whose probability is the mean of the input.
 */
import { describe, expect, it } from 'vitest';
import { areaUnderCurve, importanceOrder, perturbationCurves, pixelsMoved, type Forward } from '../../src/quality/index.js';

const flat = (values: number[]) => ({ width: values.length, height: 1, data: Float32Array.from(values) });

/** Two-class model on 1 x 4 inputs with `channels` channels: p(class 0) = f(input). */
function model(channels: number, f: (x: Float32Array) => number, calls: number[] = []): Forward {
  return async (batch, count) => {
    calls.push(count);
    const size = 4 * channels,
      out = new Float32Array(2 * count);
    for (let i = 0; i < count; i++) {
      const p = f(batch.subarray(i * size, (i + 1) * size));
      out[2 * i] = p;
      out[2 * i + 1] = 1 - p;
    }
    return out;
  };
}

describe('importanceOrder', () => {
  it('sorts pixels by decreasing importance', () => expect([...importanceOrder(flat([0.2, 0.9, 0.5]))]).toEqual([1, 2, 0]));
  it('orders ties by a seeded shuffle: a permutation, after larger values, the same for the same seed', () => {
    const m = flat([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    const order = [...importanceOrder(m, 7)];
    expect(order[0]).toBe(4);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect([...importanceOrder(m, 7)]).toEqual(order);
  });
});

describe('pixelsMoved', () => {
  it('splits the pixels in equal rounded shares', () => expect([0, 1, 2, 3].map((k) => pixelsMoved(k, 3, 10))).toEqual([0, 3, 7, 10]));
});

describe('areaUnderCurve', () => {
  it('integrates with the trapezoid rule over [0, 1]', () => {
    expect(areaUnderCurve([1, 0])).toBe(0.5);
    expect(areaUnderCurve([0, 1, 1])).toBe(0.75);
    expect(() => areaUnderCurve([1])).toThrow(RangeError);
  });
});

describe('perturbationCurves', () => {
  const input = Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1); // 2 channels x 4 pixels
  const baseline = new Float32Array(8);
  // Evidence at pixel 2, in both channels: p = mean of the two channel values there.
  const evidence = (x: Float32Array) => (x[2]! + x[6]!) / 2;
  const right = flat([0.1, 0.2, 0.9, 0.3]),
    wrong = flat([0.9, 0.5, 0, 0.7]);

  it('deletion falls at once for a map that points at the evidence, and last for one that points away', async () => {
    const [good, bad] = await perturbationCurves(model(2, evidence), {
      input,
      baseline,
      maps: [right, wrong],
      mode: 'deletion',
      steps: 4,
      classIndex: 0,
    });
    expect([...good!]).toEqual([1, 0, 0, 0, 0]);
    expect([...bad!]).toEqual([1, 1, 1, 1, 0]);
    expect(areaUnderCurve(good!)).toBe(0.125);
    expect(areaUnderCurve(bad!)).toBe(0.875);
  });

  it('insertion rises at once for the right map', async () => {
    const [good] = await perturbationCurves(model(2, evidence), {
      input,
      baseline,
      maps: [right],
      mode: 'insertion',
      steps: 4,
      classIndex: 0,
    });
    expect([...good!]).toEqual([0, 1, 1, 1, 1]);
  });

  it('tracks the requested class', async () => {
    const [good] = await perturbationCurves(model(2, evidence), {
      input,
      baseline,
      maps: [right],
      mode: 'deletion',
      steps: 4,
      classIndex: 1,
    });
    expect([...good!]).toEqual([0, 1, 1, 1, 1]);
  });

  it('moves equal shares when steps do not divide the pixels, whatever the order', async () => {
    const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / x.length;
    const [curve] = await perturbationCurves(model(2, mean), { input, baseline, maps: [right], mode: 'deletion', steps: 3, classIndex: 0 });
    expect([...curve!]).toEqual([1, 0.75, 0.25, 0]); // round(k * 4 / 3) = 0, 1, 3, 4 pixels moved
  });

  it('computes the shared end points once and batches the rest', async () => {
    const calls: number[] = [];
    await perturbationCurves(model(2, evidence, calls), {
      input,
      baseline,
      maps: [right, wrong],
      mode: 'deletion',
      steps: 4,
      classIndex: 0,
      batchSize: 3,
    });
    expect(calls).toEqual([3, 3, 2]); // 2 end points + 2 maps x 3 inner steps
  });

  it('rejects maps that do not match the input', async () => {
    await expect(
      perturbationCurves(model(2, evidence), { input, baseline, maps: [flat([1, 2, 3])], mode: 'deletion', steps: 4, classIndex: 0 }),
    ).rejects.toThrow(RangeError);
  });
});
