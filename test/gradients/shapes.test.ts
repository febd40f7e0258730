/**
 * probeShapes: batch dims found by a second run at batch 2, the fallback when the batch is baked in,
 * and the values of batch-independent shape arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { onnx } from '../../src/onnx/proto.js';
import { makeNode } from '../../src/onnx/nodes.js';
import { makeInt64Tensor } from '../../src/onnx/tensor.js';
import { probeShapes } from '../../src/onnx/shapes.js';
import { nodeRunner } from '../../cli/ort-node.js';

const runner = nodeRunner();
const info = (name: string, dims: (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });

function model(reshapeTo: number[]) {
  const node = [
    makeNode('Shape', ['x'], ['s']),
    makeNode('Slice', ['s', 'one', 'two', 'zero'], ['c']),
    makeNode('Reshape', ['x', 'target'], ['r']),
    makeNode('Relu', ['r'], ['y']),
  ];
  const initializer = [
    makeInt64Tensor('one', [1], [1]),
    makeInt64Tensor('two', [1], [2]),
    makeInt64Tensor('zero', [1], [0]),
    makeInt64Tensor('target', [reshapeTo.length], reshapeTo),
  ];
  const graph = onnx.GraphProto.create({
    name: 'm',
    node,
    initializer,
    input: [info('x', [1, 3, 4])],
    output: [info('y', []), info('c', [1])],
  });
  return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph });
}

describe('probeShapes', () => {
  it('marks the dims that follow the batch as N and records shape-arithmetic values', async () => {
    const shapes = await probeShapes(model([-1, 12]), runner);
    expect(shapes.get('x')).toEqual({ dims: ['N', 3, 4], elemType: 1 });
    expect(shapes.get('y')!.dims).toEqual(['N', 12]);
    expect(shapes.get('s')!.dims).toEqual([3]);
    expect(shapes.get('s')!.value).toBeUndefined(); // [N, 3, 4] changes with the batch
    expect(shapes.get('c')).toEqual({ dims: [1], elemType: 7, value: [3] });
    expect(shapes.get('target')).toEqual({ dims: [2], elemType: 7 });
  });

  it('falls back to dim 0 of input-dependent float tensors when the batch is baked in', async () => {
    const shapes = await probeShapes(model([1, 12]), runner);
    expect(shapes.get('y')!.dims).toEqual(['N', 12]);
    expect(shapes.get('s')!.dims).toEqual([3]);
  });
});
