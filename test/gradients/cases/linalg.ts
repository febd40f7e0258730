/**
 * @module
 * Cases: MatMul (batched, broadcasting, constant 2-D weights), Softmax/LogSoftmax (both axis
 * semantics), LayerNormalization and its decomposed form, and a squeeze-excitation block.
 */
import { one, type OpCase } from '../support/op-case.js';

const f = (v: number) => ({ float: v });
const scalar = (v: number) => ({ c: [] as number[], values: [v] });

const decomposedLayerNorm: OpCase = {
  name: 'LayerNorm decomposed (ReduceMean, Sub, Pow, Add, Sqrt, Div, Mul, Add) (opset 13)',
  opset: 13,
  inputs: { x: { x: [3, 5] }, two: scalar(2), eps: scalar(1e-5), w: { c: [5], range: [0.5, 1.5] }, b: { c: [5] } },
  nodes: [
    { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attrs: { axes: [-1] } },
    { op: 'Sub', inputs: ['x', 'm'], outputs: ['d'] },
    { op: 'Pow', inputs: ['d', 'two'], outputs: ['p'] },
    { op: 'ReduceMean', inputs: ['p'], outputs: ['v'], attrs: { axes: [-1] } },
    { op: 'Add', inputs: ['v', 'eps'], outputs: ['ve'] },
    { op: 'Sqrt', inputs: ['ve'], outputs: ['s'] },
    { op: 'Div', inputs: ['d', 's'], outputs: ['n'] },
    { op: 'Mul', inputs: ['n', 'w'], outputs: ['nw'] },
    { op: 'Add', inputs: ['nw', 'b'], outputs: ['y'] },
  ],
};

const squeezeExcitation: OpCase = {
  name: 'squeeze-excitation block (GAP, Conv, Relu, Conv, HardSigmoid, Mul) (opset 15)',
  opset: 15,
  inputs: { x: { x: [4, 3, 3] }, w1: { c: [2, 4, 1, 1] }, b1: { c: [2] }, w2: { c: [4, 2, 1, 1] }, b2: { c: [4] } },
  nodes: [
    { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['g'] },
    { op: 'Conv', inputs: ['g', 'w1', 'b1'], outputs: ['h'] },
    { op: 'Relu', inputs: ['h'], outputs: ['r'] },
    { op: 'Conv', inputs: ['r', 'w2', 'b2'], outputs: ['s'] },
    { op: 'HardSigmoid', inputs: ['s'], outputs: ['a'], attrs: { alpha: f(1 / 6), beta: f(0.5) } },
    { op: 'Mul', inputs: ['x', 'a'], outputs: ['y'] },
  ],
};

export const linalgCases: OpCase[] = [
  one('MatMul', 13, [{ x: [4] }, { c: [4, 3] }], {}, { name: 'MatMul 2-D with a constant weight' }),
  one('MatMul', 13, [{ x: [2, 3, 4] }, { c: [4, 5] }], {}, { name: 'MatMul channels-last Linear (convnext)' }),
  one('MatMul', 13, [{ x: [3, 4] }, { x: [4, 2] }], {}, { name: 'MatMul batched, both on the path' }),
  one('MatMul', 13, [{ x: [1, 3, 4] }, { c: [2, 4, 2] }], {}, { name: 'MatMul broadcast against a 3-D constant' }),
  one('MatMul', 13, [{ x: [2, 3, 4] }, { x: [1, 4, 2] }], {}, { name: 'MatMul broadcast, both on the path' }),
  one('Softmax', 13, [{ x: [5] }]),
  one('Softmax', 13, [{ x: [3, 4] }], { axis: 1 }),
  one('Softmax', 11, [{ x: [3, 4] }], { axis: 1 }, { name: 'Softmax opset 11 (flattens from axis 1)' }),
  one('LogSoftmax', 13, [{ x: [5] }]),
  one('LogSoftmax', 11, [{ x: [2, 3] }], { axis: 1 }),
  one('LayerNormalization', 17, [{ x: [3, 5] }, { c: [5], range: [0.5, 1.5] }, { c: [5] }], { epsilon: f(1e-5) }),
  one(
    'LayerNormalization',
    17,
    [{ x: [3, 4] }, { c: [3, 4], range: [0.5, 1.5] }],
    { axis: -2 },
    { name: 'LayerNormalization over two axes, no bias' },
  ),
  decomposedLayerNorm,
  squeezeExcitation,
];
