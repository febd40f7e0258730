/**
 * Layout detection on small hand-built graphs: axis labels through Reshape/Transpose/Concat, token layers
 * with prefix tokens on a non-square input, the shape-only fallback and its ambiguity (prepare asks for
 * --layout and accepts it), and the refusal of a model without any spatial grid. Whole models (ViT, DeiT,
 * Swin, channels-last CNNs) against PyTorch are in layouts.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeInt64Tensor } from '../../src/onnx/tensor.js';
import { nodeRunner } from '../../cli/ort-node.js';
import { listLayers, prepare } from '../../src/prepare/index.js';
import { reshapeTags } from '../../src/prepare/reshape-tags.js';
import { layoutsFromShape, layoutFromFlags } from '../../src/prepare/layout.js';
import type { AxisTag } from '../../src/prepare/axis-tags.js';
import { buildModel, encodeModel, randomTensor, valueInfo } from './model-builder.js';

const runner = nodeRunner();
const t = (...kinds: ('N' | 'C' | 'H' | 'W' | '?')[]): AxisTag[] => kinds.map((kind) => ({ kind }));

/**
 * A ViT in miniature on a 16 x 24 input: patch-embedding Conv (stride 4, grid 4 x 6), flatten to tokens,
 * transpose, two prefix tokens concatenated in front, LayerNorm, a token-mixing product (x x^T) x, a
 * residual Add, and a read-out of token 0 into a Gemm head.
 */
function tinyTokenModel() {
  return buildModel({
    inputs: [valueInfo('x', ['N', 3, 16, 24])],
    outputs: [valueInfo('logits', ['N', 5])],
    nodes: [
      makeNode('Conv', ['x', 'wp'], ['patches'], { strides: [4, 4], kernel_shape: [4, 4] }),
      makeNode('Reshape', ['patches', 'to_tokens'], ['flat']),
      makeNode('Transpose', ['flat'], ['tokens'], { perm: [0, 2, 1] }),
      makeNode('Shape', ['tokens'], ['tshape']),
      makeNode('Slice', ['tshape', 'zero', 'one'], ['batch']),
      makeNode('Concat', ['batch', 'prefix_rest'], ['prefix_shape'], { axis: 0 }),
      makeNode('Expand', ['prefix', 'prefix_shape'], ['prefix_rows']),
      makeNode('Concat', ['prefix_rows', 'tokens'], ['seq'], { axis: 1 }),
      makeNode('LayerNormalization', ['seq', 'gamma', 'beta'], ['ln'], { axis: -1 }),
      makeNode('Transpose', ['ln'], ['lnT'], { perm: [0, 2, 1] }),
      makeNode('MatMul', ['ln', 'lnT'], ['scores']),
      makeNode('Softmax', ['scores'], ['attn'], { axis: -1 }),
      makeNode('MatMul', ['attn', 'ln'], ['mixed']),
      makeNode('Add', ['seq', 'mixed'], ['block']),
      makeNode('Gather', ['block', 'zero_scalar'], ['cls'], { axis: 1 }),
      makeNode('Gemm', ['cls', 'head'], ['logits'], { transB: 1 }),
    ],
    initializers: [
      randomTensor('wp', [8, 3, 4, 4], 1),
      makeInt64Tensor('to_tokens', [3], [0, 8, -1]),
      randomTensor('prefix', [1, 2, 8], 2),
      makeInt64Tensor('zero', [1], [0]),
      makeInt64Tensor('one', [1], [1]),
      makeInt64Tensor('prefix_rest', [2], [2, 8]),
      randomTensor('gamma', [8], 3),
      randomTensor('beta', [8], 4),
      makeInt64Tensor('zero_scalar', [], [0]),
      randomTensor('head', [5, 8], 5),
    ],
    opset: 17,
  });
}

/** Conv -> Reshape to a vector -> Reshape back to [N, 4, 4, 4]: the labels are lost and both readings fit. */
function ambiguousModel() {
  return buildModel({
    inputs: [valueInfo('x', ['N', 3, 8, 8])],
    outputs: [valueInfo('logits', ['N', 3])],
    nodes: [
      makeNode('Conv', ['x', 'w'], ['c'], { strides: [2, 2], kernel_shape: [2, 2] }),
      makeNode('Reshape', ['c', 'flat_shape'], ['v']),
      makeNode('Reshape', ['v', 'cube_shape'], ['cube']),
      makeNode('Relu', ['cube'], ['r']),
      makeNode('ReduceMean', ['r'], ['m'], { axes: [1, 2], keepdims: 0 }),
      makeNode('Gemm', ['m', 'fc'], ['logits'], { transB: 1 }),
    ],
    initializers: [
      randomTensor('w', [4, 3, 2, 2], 1),
      makeInt64Tensor('flat_shape', [2], [0, -1]),
      makeInt64Tensor('cube_shape', [4], [0, 4, 4, 4]),
      randomTensor('fc', [3, 4], 2),
    ],
  });
}

describe('axis labels', () => {
  it('merges H, W into tokens and splits tokens back into the grid', () => {
    expect(reshapeTags(t('N', 'C', 'H', 'W'), ['N', 8, 4, 6], ['N', 8, 24])).toEqual([
      ...t('N', 'C'),
      { kind: 'T', prefix: 0, grid: [4, 6] },
    ]);
    expect(reshapeTags([...t('N'), { kind: 'T', prefix: 0, grid: [4, 6] }, ...t('C')], ['N', 24, 8], ['N', 4, 6, 8])).toEqual(
      t('N', 'H', 'W', 'C'),
    );
    expect(reshapeTags(t('N', 'C', 'H', 'W'), ['N', 8, 4, 6], ['N', 8 * 24])).toEqual(t('N', '?'));
    expect(reshapeTags(t('N', 'C', 'H', 'W'), ['N', 8, 4, 6], ['N', 2, 4, 4, 6])).toEqual(t('N', '?', '?', 'H', 'W'));
  });

  it('lists the readings of a shape that fit the input size', () => {
    expect(layoutsFromShape(['N', 7, 7, 7], [224, 224]).map((l) => l.kind)).toEqual(['nchw', 'nhwc']);
    expect(layoutsFromShape(['N', 512, 7, 7], [224, 224])).toEqual([{ kind: 'nchw', grid: [7, 7] }]);
    expect(layoutsFromShape(['N', 281, 384], [224, 320])).toEqual([{ kind: 'tokens', prefixTokens: 1, grid: [14, 20] }]);
    expect(layoutsFromShape(['N', 197, 384], [224, 224])).toEqual([{ kind: 'tokens', prefixTokens: 1, grid: [14, 14] }]);
    expect(layoutsFromShape(['N', 1, 1, 512], [224, 224])).toEqual([{ kind: 'nhwc', grid: [1, 1] }]);
  });

  it('checks layout flags against the shape', () => {
    expect(layoutFromFlags('l', ['N', 197, 768], { layout: 'tokens', prefixTokens: 1 }, {})).toEqual({
      kind: 'tokens',
      prefixTokens: 1,
      grid: [14, 14],
    });
    expect(layoutFromFlags('l', ['N', 281, 768], { grid: [14, 20] }, {})).toEqual({ kind: 'tokens', prefixTokens: 1, grid: [14, 20] });
    expect(() => layoutFromFlags('l', ['N', 197, 768], { layout: 'tokens', grid: [14, 15] }, {})).toThrow(
      /197 tokens are not -13 prefix tokens/,
    );
    expect(() => layoutFromFlags('l', ['N', 197, 768], { layout: 'nhwc' }, {})).toThrow(/needs a 4-D tensor/);
    expect(layoutFromFlags('l', ['N', 7, 7, 96], { layout: 'nhwc' }, {})).toEqual({ kind: 'nhwc', grid: [7, 7] });
  });
});

describe('prepare on token and ambiguous layers', () => {
  it('finds two prefix tokens and a 4 x 6 grid, and defaults to the LayerNorm before the token mixing', async () => {
    const bytes = encodeModel(tinyTokenModel());
    const { layers } = await listLayers(bytes, runner);
    const byName = Object.fromEntries(layers.map((l) => [l.name, l]));
    expect(byName.seq!.layout).toEqual({ kind: 'tokens', prefixTokens: 2, grid: [4, 6] });
    expect(byName.tokens!.layout).toEqual({ kind: 'tokens', prefixTokens: 0, grid: [4, 6] });
    expect(byName.patches!.layout).toEqual({ kind: 'nchw', grid: [4, 6] });
    expect(layers.filter((l) => l.default).map((l) => l.name)).toEqual(['ln']);
    const { manifest } = await prepare(bytes, {}, runner);
    expect(manifest.layers).toMatchObject([
      { name: 'ln', shape: ['N', 8, 4, 6], layout: { kind: 'tokens', prefixTokens: 2, grid: [4, 6] } },
    ]);
  });

  it('says when a layer is ambiguous and takes --layout', async () => {
    const bytes = encodeModel(ambiguousModel());
    const { layers } = await listLayers(bytes, runner);
    expect(layers.find((l) => l.name === 'r')!.layout).toBeUndefined();
    await expect(prepare(bytes, { layers: ['r'] }, runner)).rejects.toThrow(
      /layout of layer "r" \[N, 4, 4, 4\] is ambiguous.*nchw 4x4 or nhwc 4x4.*--layout/,
    );
    const { manifest } = await prepare(bytes, { layers: ['r'], layout: 'nhwc' }, runner);
    expect(manifest.layers[0]).toMatchObject({ name: 'r', shape: ['N', 4, 4, 4], layout: { kind: 'nhwc', grid: [4, 4] } });
  });

  it('refuses, with advice, a model whose fixed batch 1 is baked into a reshape that folds it into another axis', async () => {
    const model = buildModel({
      inputs: [valueInfo('x', [1, 3, 8, 8])],
      outputs: [valueInfo('logits', [1, 3])],
      nodes: [
        makeNode('Conv', ['x', 'w'], ['c'], { strides: [2, 2], kernel_shape: [2, 2] }),
        makeNode('Reshape', ['c', 'rows_shape'], ['rows']), // [N * C, h * w] with N = 1 baked in
        makeNode('MatMul', ['rows', 'proj'], ['p']),
        makeNode('Reshape', ['p', 'flat_shape'], ['f']),
        makeNode('Gemm', ['f', 'fc'], ['logits'], { transB: 1 }),
      ],
      initializers: [
        randomTensor('w', [4, 3, 2, 2], 1),
        makeInt64Tensor('rows_shape', [2], [4, 16]),
        randomTensor('proj', [16, 5], 2),
        makeInt64Tensor('flat_shape', [2], [1, 20]),
        randomTensor('fc', [3, 20], 3),
      ],
    });
    await expect(prepare(encodeModel(model), {}, runner)).rejects.toThrow(
      /batch size is fixed at 1 and a reshape bakes it in .*dynamic_axes/s,
    );
  });

  it('without any layout the graph shows, asks for --layer and --layout, and takes them', async () => {
    // flattened at once and reshaped to a cube: no tensor keeps spatial axis labels, and [N, 4, 4, 4] reads both ways
    const model = buildModel({
      inputs: [valueInfo('x', ['N', 3, 8, 8])],
      outputs: [valueInfo('logits', ['N', 3])],
      nodes: [
        makeNode('Reshape', ['x', 'flat_shape'], ['v']),
        makeNode('MatMul', ['v', 'proj'], ['p']),
        makeNode('Reshape', ['p', 'cube_shape'], ['cube']),
        makeNode('Relu', ['cube'], ['r']),
        makeNode('ReduceMean', ['r'], ['m'], { axes: [2, 3], keepdims: 0 }),
        makeNode('Gemm', ['m', 'fc'], ['logits'], { transB: 1 }),
      ],
      initializers: [
        makeInt64Tensor('flat_shape', [2], [0, -1]),
        randomTensor('proj', [192, 64], 1),
        makeInt64Tensor('cube_shape', [4], [0, 4, 4, 4]),
        randomTensor('fc', [3, 4], 2),
      ],
    });
    const bytes = encodeModel(model);
    await expect(prepare(bytes, {}, runner)).rejects.toThrow(/ambiguous one.*--layer.*--layout/);
    const { layers, notes } = await listLayers(bytes, runner);
    expect(layers.filter((l) => l.default)).toEqual([]);
    expect(notes.join(' ')).toMatch(/--layout/);
    const { manifest } = await prepare(bytes, { layers: ['r'], layout: 'nhwc' }, runner);
    expect(manifest.layers[0]).toMatchObject({ name: 'r', shape: ['N', 4, 4, 4], layout: { kind: 'nhwc', grid: [4, 4] }, default: true });
  });

  it('refuses a model without any spatial grid', async () => {
    const model = buildModel({
      inputs: [valueInfo('x', ['N', 3, 8, 8])],
      outputs: [valueInfo('logits', ['N', 3])],
      nodes: [makeNode('Flatten', ['x'], ['f']), makeNode('Gemm', ['f', 'fc'], ['logits'], { transB: 1 })],
      initializers: [randomTensor('fc', [3, 192], 1)],
    });
    await expect(prepare(encodeModel(model), {}, runner)).rejects.toThrow(/no map to explain/);
  });
});
