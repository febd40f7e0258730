/**
 * prepare --calibrate (int8 activations) on a small real model with Conv, ReLU, MaxPool, a residual Add and
 * GlobalAveragePool: the trunk becomes QLinearConv / QLinearAdd / uint8 MaxPool; logits, A, G and the
 * Grad-CAM map stay close to the int8-weight model's; the input gradients (float copy of the forward inside
 * their gates) equal the int8-weight model's; without calibration images nothing of this happens.
 */
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/prepare/index.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeFloatTensor } from '../../src/onnx/tensor.js';
import { decodeModel, type NodeProto } from '../../src/onnx/proto.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { camMethod } from '../../src/cam/registry.js';
import { ownSeedFeeds } from '../../src/explain/model-feed.js';
import { uint8Params } from '../../src/prepare/quantize-activations.js';
import type { Manifest } from '../../src/manifest.js';
import type { RgbImage } from '../../src/image/types.js';
import type { RunTensor } from '../../src/runtime/runner.js';
import { buildModel, encodeModel, randomFloats, randomTensor, valueInfo } from './model-builder.js';
import { relL2 } from '../gradients/support/finite-diff.js';

const K = 12;
const runner = nodeRunner();

/** conv-relu, maxpool, conv-relu-conv + skip, add, relu (explained), GAP, Gemm. */
function residualModel(): Uint8Array {
  return encodeModel(
    buildModel({
      inputs: [valueInfo('input', ['N', 3, 32, 32])],
      outputs: [valueInfo('logits', ['N', K])],
      nodes: [
        makeNode('Conv', ['input', 'w1', 'b1'], ['c1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
        makeNode('Relu', ['c1'], ['r1']),
        makeNode('MaxPool', ['r1'], ['p1'], { kernel_shape: [2, 2], strides: [2, 2] }),
        makeNode('Conv', ['p1', 'w2', 'b2'], ['c2'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
        makeNode('Relu', ['c2'], ['r2']),
        makeNode('Conv', ['r2', 'w3', 'b3'], ['c3'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
        makeNode('Add', ['c3', 'p1'], ['s']),
        makeNode('Relu', ['s'], ['block']),
        makeNode('GlobalAveragePool', ['block'], ['gap']),
        makeNode('Flatten', ['gap'], ['flat']),
        makeNode('Gemm', ['flat', 'w4', 'b4'], ['logits'], { transB: 1 }),
      ],
      initializers: [
        randomTensor('w1', [16, 3, 3, 3], 1, 0.4),
        randomTensor('b1', [16], 2, 0.1),
        randomTensor('w2', [16, 16, 3, 3], 3, 0.15),
        randomTensor('b2', [16], 4, 0.1),
        randomTensor('w3', [16, 16, 3, 3], 5, 0.15),
        randomTensor('b3', [16], 6, 0.1),
        randomTensor('w4', [K, 16], 7, 1),
        randomTensor('b4', [K], 8, 0.1),
      ],
    }),
  );
}

/** Smooth images with a bright blob: calibration and evaluation sets from different seeds. */
function images(seed: number, count: number): RgbImage[] {
  return Array.from({ length: count }, (_, i) => {
    const noise = randomFloats(32 * 32 * 3, seed + i, 1);
    const cx = 8 + ((seed + i * 7) % 16),
      cy = 8 + ((seed + i * 11) % 16);
    const data = Uint8Array.from(noise, (v, j) => {
      const p = Math.floor(j / 3),
        x = p % 32,
        y = Math.floor(p / 32);
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 40);
      return Math.max(0, Math.min(255, Math.round(90 + (140 * blob * ((j % 3) + 1)) / 3 + 25 * v)));
    });
    return { width: 32, height: 32, data };
  });
}

function tensorOf(img: RgbImage, m: Manifest): RunTensor {
  const data = new Float32Array(3 * 32 * 32);
  for (let p = 0; p < 32 * 32; p++)
    for (let c = 0; c < 3; c++) data[c * 1024 + p] = (img.data[p * 3 + c]! / 255 - m.input.mean[c]!) / m.input.std[c]!;
  return { type: 'float32', dims: [1, 3, 32, 32], data };
}

function pearson(a: Float32Array, b: Float32Array): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length,
    mb = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0,
    aa = 0,
    bb = 0;
  a.forEach((v, i) => {
    ab += (v - ma) * (b[i]! - mb);
    aa += (v - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

const ops = (bytes: Uint8Array): string[] => decodeModel(bytes).graph!.node.map((n: NodeProto) => n.opType);

describe('int8 activations (prepare --calibrate)', async () => {
  const source = residualModel();
  const base = { layers: ['block'], quantize: 'int8' as const, inputGradients: true };
  const w8 = await prepare(source, base, runner);
  const a8 = await prepare(source, { ...base, calibrate: images(100, 16) }, runner);

  it('runs the trunk as QLinearConv / QLinearAdd / uint8 MaxPool and records it', () => {
    const list = ops(a8.model);
    expect(list.filter((o) => o === 'QLinearConv')).toHaveLength(3);
    expect(list.filter((o) => o === 'QLinearAdd')).toHaveLength(1);
    expect(list).not.toContain('Conv');
    expect(list).not.toContain('Relu');
    expect(a8.manifest.quantization).toMatchObject({
      weights: 'int8',
      activations: 'uint8',
      calibration: { images: 16, method: 'min-max' },
    });
    expect(a8.report.activations!.int8).toEqual({ QLinearConv: 3, QLinearAdd: 1, MaxPool: 1 });
    expect(a8.report.activations!.float).toEqual({});
    // The accuracy check passed with every conv in int8.
    expect(a8.report.activations!.floatTail).toBe(0);
    expect(a8.report.activations!.mapCorrelation).toBeGreaterThanOrEqual(0.99);
  });

  it('without calibration images the model has no int8 arithmetic and no activations field', () => {
    expect(ops(w8.model).filter((o) => o.startsWith('QLinear'))).toEqual([]);
    expect(w8.manifest.quantization.activations).toBeUndefined();
  });

  it('logits, A and Grad-CAM maps stay close to the int8-weight model on other images', async () => {
    const [s8, sa] = [await runner.createSession(w8.model), await runner.createSession(a8.model)];
    const m = w8.manifest;
    const layer = m.layers.find((l) => !l.input)!;
    for (const img of images(900, 6)) {
      const seed: RunTensor = { type: 'float32', dims: [2, K], data: new Float32Array(2 * K).fill(1, 0, K) };
      const feeds = {
        ...ownSeedFeeds(m),
        input: tensorOf(img, m),
        gradcam_seed: seed,
        gradcam_top_k: { type: 'int64' as const, dims: [1], data: BigInt64Array.from([1n]) },
      };
      const fetches = [m.logits.name, layer.activation, layer.gradient, m.seed.select!.classes];
      const [o8, oa] = [await s8.run(feeds, fetches), await sa.run(feeds, fetches)];
      expect(oa[m.seed.select!.classes]!.data).toEqual(o8[m.seed.select!.classes]!.data);
      expect(relL2(oa[m.logits.name]!.data as Float32Array, o8[m.logits.name]!.data as Float32Array)).toBeLessThan(0.05);
      expect(relL2(oa[layer.activation]!.data as Float32Array, o8[layer.activation]!.data as Float32Array)).toBeLessThan(0.05);
      const map = (o: Record<string, RunTensor>) =>
        camMethod('gradcam')!.map({
          activation: o[layer.activation]!.data as Float32Array,
          gradient: o[layer.gradient]!.data as Float32Array,
          channels: 16,
          height: 16,
          width: 16,
        });
      expect(pearson(map(oa), map(o8))).toBeGreaterThan(0.98);
    }
  });

  it('input gradients (plain and guided) come from a float forward: equal to the int8-weight model', async () => {
    const [s8, sa] = [await runner.createSession(w8.model), await runner.createSession(a8.model)];
    const m = w8.manifest;
    const il = m.layers.find((l) => l.input)!;
    const seed: RunTensor = { type: 'float32', dims: [1, K], data: Float32Array.from({ length: K }, (_, i) => (i === 3 ? 1 : 0)) };
    const feeds = {
      ...ownSeedFeeds(m),
      input: tensorOf(images(500, 1)[0]!, m),
      gradcam_seed: seed,
      [il.seed!]: seed,
      [il.guidedSeed!]: seed,
    };
    const [o8, oa] = [await s8.run(feeds, [il.gradient, il.guidedGradient!]), await sa.run(feeds, [il.gradient, il.guidedGradient!])];
    expect(relL2(oa[il.gradient]!.data as Float32Array, o8[il.gradient]!.data as Float32Array)).toBeLessThan(1e-5);
    expect(relL2(oa[il.guidedGradient!]!.data as Float32Array, o8[il.guidedGradient!]!.data as Float32Array)).toBeLessThan(1e-5);
  });

  it('uint8 parameters: the range widened to 0, zero point 0 for ReLU outputs', () => {
    const near = (p: { scale: number; zeroPoint: number }, scale: number, zeroPoint: number) => {
      expect(p.scale).toBeCloseTo(scale, 12);
      expect(p.zeroPoint).toBe(zeroPoint);
    };
    near(uint8Params({ min: 0, max: 5.1 }), 0.02, 0);
    near(uint8Params({ min: -1, max: 1.55 }), 0.01, 100);
    near(uint8Params({ min: 2, max: 2.55 }), 0.01, 0);
  });

  it('keeps the ops it is told to keep in float, between DequantizeLinear and QuantizeLinear', async () => {
    const prepared = decodeModel((await prepare(source, { layers: ['block'] }, runner)).model);
    const { quantizeActivations } = await import('../../src/prepare/quantize-activations.js');
    const ranges = new Map(['input', 'c1', 'r1', 'p1', 'c2', 'r2', 'c3', 's', 'block'].map((t) => [t, { min: -4, max: 4 }]));
    const report = quantizeActivations(prepared, ['block'], ranges, 'logits', (n) => n.output[0] === 'c3');
    expect(report.int8).toEqual({ QLinearConv: 2, QLinearAdd: 1, MaxPool: 1 });
    expect(report.float).toEqual({ Conv: 1 });
    const conv = prepared.graph!.node.find((n) => n.opType === 'Conv' && n.output[0] === 'c3')!;
    const producer = (t: string) => prepared.graph!.node.find((n) => n.output.includes(t))?.opType;
    expect(producer(conv.input[0]!)).toBe('DequantizeLinear');
    expect(prepared.graph!.node.some((n) => n.opType === 'QuantizeLinear' && n.input[0] === 'c3')).toBe(true);
  });

  it('keeps an Add of a Constant node in float (constants have no calibrated range), as in exported GELUs', async () => {
    const withConstant = encodeModel(
      buildModel({
        inputs: [valueInfo('input', ['N', 3, 32, 32])],
        outputs: [valueInfo('logits', ['N', K])],
        nodes: [
          makeNode('Conv', ['input', 'w1', 'b1'], ['c1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
          makeNode('Constant', [], ['one'], { value: makeFloatTensor('one_value', [], [0.5]) }),
          makeNode('Add', ['c1', 'one'], ['shifted']),
          makeNode('Relu', ['shifted'], ['block']),
          makeNode('GlobalAveragePool', ['block'], ['gap']),
          makeNode('Flatten', ['gap'], ['flat']),
          makeNode('Gemm', ['flat', 'w4', 'b4'], ['logits'], { transB: 1 }),
        ],
        initializers: [
          randomTensor('w1', [16, 3, 3, 3], 1, 0.4),
          randomTensor('b1', [16], 2, 0.1),
          randomTensor('w4', [K, 16], 7, 1),
          randomTensor('b4', [K], 8, 0.1),
        ],
      }),
    );
    const prepared = await prepare(withConstant, { ...base, calibrate: images(100, 8) }, runner);
    expect(prepared.report.activations!.int8).toEqual({ QLinearConv: 1 });
    expect(prepared.report.activations!.float).toEqual({ Add: 1, Relu: 1 });
  });

  it('rejects --calibrate without --quantize int8', async () => {
    await expect(prepare(source, { layers: ['block'], calibrate: images(1, 1) }, runner)).rejects.toMatchObject({
      status: 400,
      code: 'bad_option',
    });
  });
});
