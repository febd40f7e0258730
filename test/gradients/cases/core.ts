/**
 * @module
 * Cases: convolution, normalisation, the classifier head and pass-through ops.
 */
import { one, type OpCase } from '../support/op-case.js';

const f = (v: number) => ({ float: v });

export const coreCases: OpCase[] = [
  one('Relu', 13, [{ x: [3, 4] }]),
  one('Conv', 13, [{ x: [3, 5, 5] }, { c: [4, 3, 3, 3] }], { pads: [1, 1, 1, 1] }),
  one('Conv', 13, [{ x: [3, 5, 5] }, { c: [4, 3, 3, 3] }, { c: [4] }], {}),
  one('Conv', 13, [{ x: [2, 7, 6] }, { c: [3, 2, 3, 2] }], { strides: [2, 2], pads: [1, 0, 1, 1] }),
  one('Conv', 13, [{ x: [2, 8, 8] }, { c: [3, 2, 3, 3] }], { strides: [3, 2], pads: [0, 1, 2, 0] }),
  one('Conv', 13, [{ x: [4, 6, 6] }, { c: [6, 2, 3, 3] }], { group: 2, pads: [1, 1, 1, 1] }),
  one('Conv', 13, [{ x: [3, 6, 6] }, { c: [3, 1, 3, 3] }], { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'Conv depthwise stride 2' }),
  one('Conv', 13, [{ x: [3, 6, 6] }, { c: [6, 1, 3, 3] }], { group: 3, pads: [1, 1, 1, 1] }, { name: 'Conv depthwise multiplier 2' }),
  one('Conv', 13, [{ x: [2, 7, 7] }, { c: [2, 2, 3, 3] }], { dilations: [2, 2], pads: [2, 2, 2, 2] }),
  one('Conv', 13, [{ x: [2, 7, 7] }, { c: [2, 2, 2, 3] }], { dilations: [2, 1], strides: [2, 1] }),
  one('Conv', 13, [{ x: [2, 7, 6] }, { c: [3, 2, 3, 3] }], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
  one('Conv', 13, [{ x: [2, 6, 7] }, { c: [3, 2, 2, 2] }], { auto_pad: 'SAME_LOWER', strides: [2, 2] }),
  one('Conv', 13, [{ x: [2, 7, 6] }, { c: [3, 2, 3, 3] }], { auto_pad: 'VALID', strides: [2, 2] }),
  one('Conv', 13, [{ x: [2, 9] }, { c: [3, 2, 3] }], { strides: [2], pads: [1, 1] }, { name: 'Conv 1-D' }),
  one('Conv', 13, [{ x: [8, 2, 2] }, { c: [5, 8, 1, 1] }], {}, { name: 'Conv 1x1' }),
  one('BatchNormalization', 13, [{ x: [3, 2, 2] }, { c: [3] }, { c: [3] }, { c: [3] }, { c: [3], range: [0.5, 2] }], { epsilon: f(1e-3) }),
  one('BatchNormalization', 15, [{ x: [4] }, { c: [4] }, { c: [4] }, { c: [4] }, { c: [4], range: [0.5, 2] }], {}, { name: 'BatchNormalization 2-D input' }),
  one('GlobalAveragePool', 13, [{ x: [3, 3, 4] }]),
  one('Flatten', 13, [{ x: [2, 3, 2] }], { axis: 1 }),
  one('Flatten', 13, [{ x: [2, 1, 1] }], {}),
  one('Gemm', 13, [{ x: [4] }, { c: [3, 4] }, { c: [3] }], { transB: 1 }),
  one('Gemm', 13, [{ x: [4] }, { c: [4, 3] }, { c: [1, 3] }], { alpha: f(0.7), beta: f(1.3) }),
  one('Gemm', 13, [{ x: [4] }, { c: [3, 4] }], { transB: 1, alpha: f(-1.5) }),
  one('Gemm', 13, [{ x: [4] }, { c: [4, 3] }, { x: [3] }], { alpha: f(0.5), beta: f(2) }, { name: 'Gemm with C on the path' }),
  one('Add', 13, [{ x: [3, 4] }, { x: [3, 4] }]),
  one('Add', 13, [{ x: [3, 2, 2] }, { c: [3, 1, 1] }]),
  one('Add', 13, [{ x: [3, 2, 2] }, { x: [3, 1, 1] }], {}, { name: 'Add SE-style broadcast, both on the path' }),
  one('Add', 13, [{ x: [3, 1, 2] }, { x: [1, 4, 2] }], {}, { name: 'Add both broadcast' }),
  one('Sub', 13, [{ x: [3, 4] }, { x: [1, 4] }]),
  one('Sub', 13, [{ c: [4] }, { x: [3, 4] }]),
  one('Mul', 13, [{ x: [3, 2, 2] }, { x: [3, 1, 1] }]),
  one('Mul', 13, [{ x: [3, 4] }, { c: [4] }]),
  one('Mul', 13, [{ x: [3, 4] }, { x: [3, 4] }]),
  one('Div', 13, [{ x: [3, 4] }, { x: [3, 4], range: [0.5, 2] }]),
  one('Div', 13, [{ x: [3, 4] }, { c: [4], range: [0.5, 2] }]),
  one('Div', 13, [{ c: [4] }, { x: [3, 4], range: [0.5, 2] }]),
  one('Identity', 13, [{ x: [5] }]),
  one('Dropout', 13, [{ x: [5] }]),
  one('Reshape', 13, [{ x: [2, 6] }, { ints: [3], values: [0, 3, 4] }]),
  one('Reshape', 14, [{ x: [2, 6] }, { ints: [2], values: [-1, 12] }]),
  one('Squeeze', 13, [{ x: [3, 1, 2] }, { ints: [1], values: [2] }]),
  one('Squeeze', 11, [{ x: [3, 1, 2] }], { axes: [2] }),
  one('Unsqueeze', 13, [{ x: [3, 2] }, { ints: [2], values: [1, -1] }]),
  one('Unsqueeze', 11, [{ x: [3, 2] }], { axes: [1] }),
];
