/**
 * Every CAM method of the registry on every reference case of test/fixtures/cam (numpy, float64, written by
 * tools/cam_reference.py from PyTorch activations and gradients): the raw map (after ReLU) within a small
 * relative tolerance, and the channel weights where the method has them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { camMethod, METHOD_NAMES } from '../../src/cam/registry.js';

const DIR = join(__dirname, '../fixtures/cam');

interface Reference {
  case: string;
  shape: [number, number, number];
  source: { activation: number[] | string; gradient: number[] | string };
  methods: Record<string, { weights?: number[]; cam: number[]; map: number[] }>;
}

function tensor(_ref: Reference, value: number[] | string): Float32Array {
  if (Array.isArray(value)) return Float32Array.from(value);
  const bytes = readFileSync(join(DIR, value));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function close(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-12, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]) / scale, `${what}[${i}]`).toBeLessThan(1e-5);
  }
}

const cases: Reference[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Reference);

describe.each(METHOD_NAMES.filter((name) => !camMethod(name)!.needsModel).map((name) => [name]))(
  'CAM method %s against the numpy references',
  (name) => {
    const method = camMethod(name)!;
    it.each(cases.filter((c) => c.methods[name]).map((c) => [c.case, c]))('%s', (_label, ref) => {
      const [channels, height, width] = ref.shape;
      const input = { activation: tensor(ref, ref.source.activation), gradient: tensor(ref, ref.source.gradient), channels, height, width };
      close(method.map(input), ref.methods[name].map, 'map');
    });
  },
);

describe('CAM base', () => {
  it('has a reference case for every registered method (model-run methods in model/)', () => {
    const modelCases = readdirSync(join(DIR, 'model'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(DIR, 'model', f), 'utf8')) as { methods: Record<string, unknown> });
    for (const name of METHOD_NAMES)
      expect(
        [...cases, ...modelCases].some((c) => c.methods[name]),
        name,
      ).toBe(true);
  });

  it('rejects tensors of the wrong size', () => {
    const gradcam = camMethod('gradcam')!;
    expect(() => gradcam.map({ activation: new Float32Array(3), gradient: new Float32Array(4), channels: 1, height: 2, width: 2 })).toThrow(
      /activation/,
    );
  });

  it('computes Grad-CAM by hand on a 2-channel 1x2 example', () => {
    // w = mean(G) = [1, -0.5]; map = ReLU(1 * A0 - 0.5 * A1) = ReLU([1 - 1, 3 - 0.5]) = [0, 2.5]
    const input = { activation: Float32Array.of(1, 3, 2, 1), gradient: Float32Array.of(2, 0, -1, 0), channels: 2, height: 1, width: 2 };
    expect([...camMethod('gradcam')!.map(input)]).toEqual([0, 2.5]);
  });
});
