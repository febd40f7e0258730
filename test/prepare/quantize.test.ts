import { describe, expect, it } from 'vitest';
import { quantizePerChannel, dequantizePerChannel } from '../../src/prepare/quantize-math.js';
import { quantizeWeights, weightAxis } from '../../src/prepare/quantize.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeFloatTensor, floatValues, intValues } from '../../src/onnx/tensor.js';
import { decodeModel, type ModelProto } from '../../src/onnx/proto.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { buildModel, encodeModel, randomFloats, randomTensor, valueInfo } from './model-builder.js';

/** Independent per-channel max|w| along `axis` by explicit index arithmetic. */
function expectedScales(w: Float32Array, dims: number[], axis: number): number[] {
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const max = new Array<number>(dims[axis]!).fill(0);
  w.forEach((v, i) => {
    const c = Math.floor(i / strides[axis]!) % dims[axis]!;
    max[c] = Math.max(max[c]!, Math.abs(v));
  });
  return max.map((m) => m / 127);
}

describe('per-channel symmetric int8', () => {
  for (const [dims, axis] of [
    [[6, 3, 3, 3], 0],
    [[5, 7], 1],
    [[4, 9], 0],
    [[2, 5, 6], 2],
    [[3, 4, 2, 2], 1],
  ] as const) {
    it(`dims [${dims}] axis ${axis}: scale = max|w|/127, error <= scale/2`, () => {
      const n = dims.reduce((a, b) => a * b, 1);
      // Channels of very different magnitude, so a wrong axis shows up as a large error.
      const w = randomFloats(n, 7 + axis, 1).map(
        (v, i) => v * (1 + 10 * (Math.floor(i / dims.slice(axis + 1).reduce((a, b) => a * b, 1)) % dims[axis]!)),
      );
      const q = quantizePerChannel(w, dims, axis);
      const scales = expectedScales(w, [...dims], axis);
      expect(Array.from(q.scales)).toHaveLength(dims[axis]!);
      q.scales.forEach((s, c) => expect(s).toBeCloseTo(scales[c]!, 6));
      const back = dequantizePerChannel(q, dims);
      const strideAxis = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
      for (let i = 0; i < n; i++) {
        const s = scales[Math.floor(i / strideAxis) % dims[axis]!]!;
        expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(s / 2 + 1e-6 * Math.abs(w[i]!));
      }
      expect(Math.max(...Array.from(q.values, Math.abs))).toBe(127);
    });
  }

  it('an all-zero channel quantizes to zeros with a finite scale', () => {
    const q = quantizePerChannel(new Float32Array([0, 0, 1, -2]), [2, 2], 0);
    expect(Array.from(q.values)).toEqual([0, 0, 64, -127]);
    expect(q.scales[0]).toBe(1);
  });
});

describe('weight axis per op', () => {
  it('uses the output-channel axis of each op', () => {
    expect(weightAxis(makeNode('Conv', ['x', 'W', 'b'], ['y']), 1, 4)).toBe(0);
    expect(weightAxis(makeNode('Conv', ['x', 'W', 'b'], ['y']), 2, 1)).toBeUndefined();
    expect(weightAxis(makeNode('ConvTranspose', ['x', 'W'], ['y']), 1, 4)).toBe(1);
    expect(weightAxis(makeNode('Gemm', ['x', 'B', 'c'], ['y'], { transB: 1 }), 1, 2)).toBe(0);
    expect(weightAxis(makeNode('Gemm', ['x', 'B', 'c'], ['y']), 1, 2)).toBe(1);
    expect(weightAxis(makeNode('MatMul', ['x', 'B'], ['y']), 1, 2)).toBe(1);
    expect(weightAxis(makeNode('MatMul', ['x', 'B'], ['y']), 1, 3)).toBe(2);
    expect(weightAxis(makeNode('MatMul', ['B', 'x'], ['y']), 0, 2)).toBeUndefined();
    expect(weightAxis(makeNode('Add', ['x', 'B'], ['y']), 1, 2)).toBeUndefined();
  });
});

/** Conv -> Relu -> GAP -> Flatten -> Gemm(transB) -> MatMul([K,N]) -> Gemm(transB=0), plus a ConvTranspose sharing W. */
function smallModel(): ModelProto {
  const colScaled = (name: string, k: number, n: number, seed: number) =>
    makeFloatTensor(
      name,
      [k, n],
      randomFloats(k * n, seed, 0.3).map((v, i) => v * (1 + (i % n))),
    );
  return buildModel({
    inputs: [valueInfo('image', ['N', 3, 8, 8])],
    outputs: [valueInfo('logits', ['N', 5]), valueInfo('back', ['N', 3, 8, 8])],
    nodes: [
      makeNode('Conv', ['image', 'W', 'b'], ['c'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
      makeNode('Relu', ['c'], ['r']),
      makeNode('ConvTranspose', ['r', 'W'], ['back'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
      makeNode('GlobalAveragePool', ['r'], ['p']),
      makeNode('Flatten', ['p'], ['f']),
      makeNode('Gemm', ['f', 'B1', 'c1'], ['g1'], { transB: 1 }),
      makeNode('MatMul', ['g1', 'M'], ['m']),
      makeNode('Gemm', ['m', 'B2', 'c2'], ['logits']),
    ],
    initializers: [
      randomTensor('W', [16, 3, 3, 3], 1),
      randomTensor('b', [16], 2, 0.1),
      randomTensor('B1', [24, 16], 3),
      randomTensor('c1', [24], 4, 0.1),
      colScaled('M', 24, 12, 5),
      colScaled('B2', 12, 5, 6),
      randomTensor('c2', [5], 7, 0.1),
    ],
  });
}

describe('quantizeWeights on a graph', () => {
  it('replaces weights by int8 + DequantizeLinear under the original name, keeps biases fp32', () => {
    const model = smallModel();
    const report = quantizeWeights(model);
    const g = model.graph!;
    const byName = new Map(report.quantized.map((q) => [q.name, q]));
    expect([...byName.keys()].sort()).toEqual(['B1', 'M', 'W']);
    expect(byName.get('W')).toMatchObject({ op: 'Conv', axis: 0 });
    expect(byName.get('B1')).toMatchObject({ op: 'Gemm', axis: 0 });
    expect(byName.get('M')).toMatchObject({ op: 'MatMul', axis: 1 });
    expect(report.skipped.map((s) => s.name)).toEqual(['B2']); // 60 elements
    const inits = new Set(g.initializer.map((t) => t.name));
    for (const name of ['W', 'B1', 'M']) {
      expect([...inits], `${name} is quantized`).not.toContain(name);
      const dq = g.node.filter((n) => n.output.includes(name));
      expect(dq).toHaveLength(1);
      expect(dq[0]!.opType).toBe('DequantizeLinear');
    }
    for (const name of ['b', 'c1', 'c2', 'B2']) expect([...inits], `${name} stays float`).toContain(name);
    const w8 = g.initializer.find((t) => t.name === 'W_int8')!;
    expect(w8.dataType).toBe(3);
    expect(intValues(w8)).toHaveLength(16 * 27);
  });

  it('refuses opsets without per-axis DequantizeLinear', () => {
    const model = smallModel();
    model.opsetImport[0]!.version = 11;
    expect(() => quantizeWeights(model)).toThrow(/opset 13/);
  });

  it('runs in onnxruntime-web with per-axis DequantizeLinear (axes 0 and 1) exactly as dequantized in JS', async () => {
    const runner = nodeRunner();
    const fp32 = smallModel();
    const int8 = smallModel();
    const report = quantizeWeights(int8);
    // Oracle: the fp32 graph with each weight replaced by its JS-dequantized values.
    const oracle = smallModel();
    for (const q of report.quantized) {
      const t = oracle.graph!.initializer.find((x) => x.name === q.name)!;
      const qq = quantizePerChannel(floatValues(t), q.dims, q.axis);
      Object.assign(t, makeFloatTensor(q.name, q.dims, dequantizePerChannel(qq, q.dims)));
    }
    const bytes = encodeModel(int8);
    expect(decodeModel(bytes).graph!.node[0]!.opType).toBe('DequantizeLinear');
    const image = { type: 'float32' as const, dims: [2, 3, 8, 8], data: randomFloats(2 * 192, 11, 1) };
    const run = async (m: ModelProto) => {
      const s = await runner.createSession(encodeModel(m));
      const out = await s.run({ image });
      await s.release();
      return out;
    };
    const [a, b, c] = await Promise.all([run(int8), run(oracle), run(fp32)]);
    for (const name of ['logits', 'back']) {
      const got = a[name]!.data as Float32Array;
      const want = b[name]!.data as Float32Array;
      const ref = c[name]!.data as Float32Array;
      const scale = Math.max(...Array.from(ref, Math.abs));
      got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-4 * scale));
      got.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(0.03 * scale));
    }
  });
});
