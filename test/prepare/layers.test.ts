import { describe, expect, it } from 'vitest';
import { candidateLayers, checkLayers, defaultLayer } from '../../src/prepare/layers.js';
import { findLogits } from '../../src/prepare/logits.js';
import { findImageInput } from '../../src/prepare/input.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeInt64Tensor } from '../../src/onnx/tensor.js';
import type { ShapeMap } from '../../src/onnx/shapes.js';
import { buildModel, randomTensor, valueInfo } from './model-builder.js';

type Dims = (number | 'N')[];
const shapeMap = (entries: Record<string, Dims>, ints: string[] = []): ShapeMap =>
  new Map(Object.entries(entries).map(([k, dims]) => [k, { dims, elemType: ints.includes(k) ? 7 : 1 }]));

/** conv-relu-conv-add-relu (a residual block), then GAP, Flatten, Gemm; and a Shape branch feeding Reshape. */
function residualNet() {
  const nodes = [
    makeNode('Conv', ['x', 'w1'], ['c1'], { pads: [1, 1, 1, 1] }),
    makeNode('Relu', ['c1'], ['r1']),
    makeNode('Conv', ['r1', 'w2'], ['c2'], { pads: [1, 1, 1, 1] }),
    makeNode('Add', ['c2', 'r1'], ['s']),
    makeNode('Relu', ['s'], ['r2']),
    makeNode('GlobalAveragePool', ['r2'], ['p']),
    makeNode('Shape', ['p'], ['shp']),
    makeNode('Gather', ['shp', 'zero'], ['n0']),
    makeNode('Reshape', ['p', 'flat'], ['f']),
    makeNode('Gemm', ['f', 'fc'], ['logits'], { transB: 1 }),
  ];
  const model = buildModel({
    inputs: [valueInfo('x', ['batch', 3, 8, 8])],
    outputs: [valueInfo('logits', ['batch', 10])],
    nodes,
    initializers: [
      randomTensor('w1', [4, 3, 3, 3], 1),
      randomTensor('w2', [4, 4, 3, 3], 2),
      randomTensor('fc', [10, 4], 3),
      makeInt64Tensor('flat', [2], [-1, 4]),
      makeInt64Tensor('zero', [], [0]),
    ],
  });
  const shapes = shapeMap(
    {
      x: ['N', 3, 8, 8],
      c1: ['N', 4, 8, 8],
      r1: ['N', 4, 8, 8],
      c2: ['N', 4, 8, 8],
      s: ['N', 4, 8, 8],
      r2: ['N', 4, 8, 8],
      p: ['N', 4, 1, 1],
      shp: [4],
      n0: [],
      f: ['N', 4],
      logits: ['N', 10],
    },
    ['shp', 'n0'],
  );
  return { model, shapes };
}

describe('candidate layers and the default layer', () => {
  it('lists the 4-D float activations on the path, and picks the block output before the pooling', () => {
    const { model, shapes } = residualNet();
    const input = findImageInput(model);
    expect(input).toEqual({ name: 'x', shape: ['N', 3, 8, 8], layout: 'NCHW' });
    const logits = findLogits(model, shapes);
    expect(logits).toEqual({ name: 'logits', classes: 10, notes: [] });
    const cands = candidateLayers(model, shapes, input.name, logits.name);
    expect(cands.map((c) => [c.name, c.op])).toEqual([
      ['c1', 'Conv'],
      ['r1', 'Relu'],
      ['c2', 'Conv'],
      ['s', 'Add'],
      ['r2', 'Relu'],
      ['p', 'GlobalAveragePool'],
    ]);
    expect(defaultLayer(model, cands).name).toBe('r2');
  });

  it('looks through a 1x1 stride-1 AveragePool (vgg: the MaxPool output of features)', () => {
    const model = buildModel({
      inputs: [valueInfo('x', [1, 3, 8, 8])],
      outputs: [valueInfo('y', [1, 5])],
      nodes: [
        makeNode('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }),
        makeNode('Relu', ['c'], ['r']),
        makeNode('MaxPool', ['r'], ['mp'], { kernel_shape: [2, 2], strides: [2, 2] }),
        makeNode('AveragePool', ['mp'], ['ap'], { kernel_shape: [1, 1], strides: [1, 1] }),
        makeNode('Flatten', ['ap'], ['f']),
        makeNode('Gemm', ['f', 'fc'], ['y'], { transB: 1 }),
      ],
      initializers: [randomTensor('w', [2, 3, 3, 3], 1), randomTensor('fc', [5, 32], 2)],
    });
    const shapes = shapeMap({ c: [1, 2, 8, 8], r: [1, 2, 8, 8], mp: [1, 2, 4, 4], ap: [1, 2, 4, 4], f: [1, 32], y: [1, 5] });
    const cands = candidateLayers(model, shapes, 'x', 'y');
    expect(defaultLayer(model, cands).name).toBe('mp');
  });

  it('uses ReduceMean pooling and the Softmax input as logits', () => {
    const model = buildModel({
      inputs: [valueInfo('x', ['N', 3, 4, 4])],
      outputs: [valueInfo('prob', ['N', 3])],
      nodes: [
        makeNode('Conv', ['x', 'w'], ['c']),
        makeNode('Relu', ['c'], ['r']),
        makeNode('ReduceMean', ['r'], ['m'], { axes: [2, 3], keepdims: 0 }),
        makeNode('Gemm', ['m', 'fc'], ['z'], { transB: 1 }),
        makeNode('Softmax', ['z'], ['prob'], { axis: 1 }),
      ],
      initializers: [randomTensor('w', [2, 3, 1, 1], 1), randomTensor('fc', [3, 2], 2)],
    });
    const shapes = shapeMap({ c: ['N', 2, 4, 4], r: ['N', 2, 4, 4], m: ['N', 2], z: ['N', 3], prob: ['N', 3] });
    const logits = findLogits(model, shapes);
    expect(logits.name).toBe('z');
    expect(logits.notes[0]).toMatch(/Softmax/);
    expect(defaultLayer(model, candidateLayers(model, shapes, 'x', logits.name)).name).toBe('r');
  });

  it('rejects an unknown or unsuitable layer with the candidates in the message', () => {
    const { model, shapes } = residualNet();
    const cands = candidateLayers(model, shapes, 'x', 'logits');
    expect(() => checkLayers(['r1', 'r2'], cands, shapes)).not.toThrow();
    expect(() => checkLayers(['nope'], cands, shapes)).toThrow(/no tensor "nope".*Candidates: c1 \[N, 4, 8, 8\].*r2/);
    expect(() => checkLayers(['f'], cands, shapes)).toThrow(/2-D.*feature map.*or patch tokens/);
    try {
      checkLayers(['nope'], cands, shapes);
    } catch (e) {
      expect((e as { code: string }).code).toBe('unknown_layer');
    }
  });
});

describe('non-classifier models', () => {
  it('rejects a model without a 4-D image input', () => {
    const model = buildModel({
      inputs: [valueInfo('v', ['N', 16])],
      outputs: [valueInfo('y', ['N', 2])],
      nodes: [makeNode('Gemm', ['v', 'fc'], ['y'], { transB: 1 })],
      initializers: [randomTensor('fc', [2, 16], 1)],
    });
    expect(() => findImageInput(model)).toThrow(/Input "v" is float with \[N, 16\].*image classifier/);
  });

  it('rejects two inputs and symbolic sizes without --input-size', () => {
    const two = buildModel({
      inputs: [valueInfo('a', [1, 3, 4, 4]), valueInfo('b', [1, 3, 4, 4])],
      outputs: [valueInfo('y', [1, 3, 4, 4])],
      nodes: [makeNode('Add', ['a', 'b'], ['y'])],
    });
    expect(() => findImageInput(two)).toThrow(/2 inputs \("a", "b"\)/);
    const dyn = buildModel({
      inputs: [valueInfo('x', ['N', 3, 'H', 'W'])],
      outputs: [valueInfo('y', ['N', 3, 'H', 'W'])],
      nodes: [makeNode('Relu', ['x'], ['y'])],
    });
    expect(() => findImageInput(dyn)).toThrow(/--input-size/);
    expect(findImageInput(dyn, [32, 48]).shape).toEqual(['N', 3, 32, 48]);
    expect(dyn.graph!.input[0]!.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue ?? 0))).toEqual([0, 3, 32, 48]);
  });

  it('rejects a model whose outputs are not class scores (segmentation-like)', () => {
    const model = buildModel({
      inputs: [valueInfo('x', [1, 3, 4, 4])],
      outputs: [valueInfo('y', [1, 2, 4, 4])],
      nodes: [makeNode('Conv', ['x', 'w'], ['y'])],
      initializers: [randomTensor('w', [2, 3, 1, 1], 1)],
    });
    expect(() => findLogits(model, shapeMap({ y: [1, 2, 4, 4] }))).toThrow(/"y" \[1, 2, 4, 4\].*--task segment or --task detect/);
  });
});

describe('default layer with channels-last tensors after the pooling (convnext LayerNorm2d)', () => {
  it('takes the input of the global pooling, not a later [N, 1, 1, C] tensor', () => {
    const model = buildModel({
      inputs: [valueInfo('x', ['N', 3, 8, 8])],
      outputs: [valueInfo('y', ['N', 5])],
      nodes: [
        makeNode('Conv', ['x', 'w'], ['c']),
        makeNode('GlobalAveragePool', ['c'], ['p']),
        makeNode('Transpose', ['p'], ['t'], { perm: [0, 2, 3, 1] }),
        makeNode('ReduceMean', ['t'], ['mu'], { axes: [-1] }),
        makeNode('Sub', ['t', 'mu'], ['d']),
        makeNode('Transpose', ['d'], ['t2'], { perm: [0, 3, 1, 2] }),
        makeNode('Flatten', ['t2'], ['f']),
        makeNode('Gemm', ['f', 'fc'], ['y'], { transB: 1 }),
      ],
      initializers: [randomTensor('w', [16, 3, 1, 1], 1), randomTensor('fc', [5, 16], 2)],
    });
    const shapes = shapeMap({
      c: ['N', 16, 8, 8],
      p: ['N', 16, 1, 1],
      t: ['N', 1, 1, 16],
      mu: ['N', 1, 1, 1],
      d: ['N', 1, 1, 16],
      t2: ['N', 16, 1, 1],
      f: ['N', 16],
      y: ['N', 5],
    });
    expect(defaultLayer(model, candidateLayers(model, shapes, 'x', 'y')).name).toBe('c');
  });
});
