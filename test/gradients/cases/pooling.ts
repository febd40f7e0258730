/**
 * @module
 * Cases: max and average pooling (overlapping windows, ceil_mode, pads, dilations, both MaxPool
 * constructions: one-hot ConvTranspose before opset 16, ScatterElements(add) from 16).
 */
import { one, type OpCase } from '../support/op-case.js';

const maxPool = (opset: number, x: number[], attrs: Record<string, number[] | number | string>, name?: string): OpCase =>
  one('MaxPool', opset, [{ x, distinct: true }], attrs, name ? { name } : {});

export const poolingCases: OpCase[] = [
  ...[13, 17].flatMap((opset) => [
    maxPool(
      opset,
      [2, 7, 7],
      { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
      'MaxPool 3x3/2 pad 1 (overlapping, resnet stem)',
    ),
    maxPool(opset, [2, 6, 6], { kernel_shape: [2, 2], strides: [2, 2] }),
    maxPool(opset, [2, 8, 8], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, 'MaxPool 3x3/2 ceil_mode (squeezenet)'),
    maxPool(opset, [2, 5, 5], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, 'MaxPool 3x3/1 pad 1 (heavy overlap)'),
    maxPool(opset, [1, 8, 8], { kernel_shape: [2, 2], dilations: [2, 2], strides: [1, 1] }, 'MaxPool dilated'),
    maxPool(opset, [2, 7, 6], { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' }, 'MaxPool SAME_UPPER'),
    maxPool(opset, [2, 9], { kernel_shape: [3], strides: [2], pads: [1, 1] }, 'MaxPool 1-D'),
  ]),
  one('AveragePool', 13, [{ x: [2, 6, 6] }], { kernel_shape: [2, 2], strides: [2, 2] }),
  one('AveragePool', 13, [{ x: [2, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  one('AveragePool', 13, [{ x: [2, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }),
  one('AveragePool', 13, [{ x: [2, 8, 8] }], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
  one('AveragePool', 13, [{ x: [2, 8, 8] }], {
    kernel_shape: [3, 3],
    strides: [2, 2],
    ceil_mode: 1,
    count_include_pad: 1,
    pads: [1, 1, 1, 1],
  }),
  one('AveragePool', 13, [{ x: [2, 7, 6] }], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }),
  one('AveragePool', 13, [{ x: [2, 5, 5] }], { kernel_shape: [5, 5] }, { name: 'AveragePool to 1x1 (vgg at 56x56)' }),
  one('GlobalAveragePool', 13, [{ x: [3, 5] }], {}, { name: 'GlobalAveragePool 1-D' }),
];
