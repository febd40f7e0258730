/**
 * @module
 * A small real classifier with more classes than the identity-seed shortcut covers (test-only).
 */
import { makeNode } from '../../src/onnx/nodes.js';
import { buildModel, encodeModel, randomTensor, valueInfo } from './model-builder.js';

/** Its class count. */
export const K = 40;

/** Conv-ReLU-Conv-ReLU-GAP-Gemm with 40 classes. */
export function manyClassModel(): Uint8Array {
  return encodeModel(
    buildModel({
      inputs: [valueInfo('input', ['N', 3, 16, 16])],
      outputs: [valueInfo('logits', ['N', K])],
      nodes: [
        makeNode('Conv', ['input', 'w1', 'b1'], ['c1'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
        makeNode('Relu', ['c1'], ['relu1']),
        makeNode('Conv', ['relu1', 'w2', 'b2'], ['c2'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
        makeNode('Relu', ['c2'], ['relu2']),
        makeNode('GlobalAveragePool', ['relu2'], ['gap']),
        makeNode('Flatten', ['gap'], ['flat']),
        makeNode('Gemm', ['flat', 'w3', 'b3'], ['logits'], { transB: 1 }),
      ],
      initializers: [
        randomTensor('w1', [8, 3, 3, 3], 1),
        randomTensor('b1', [8], 2, 0.1),
        randomTensor('w2', [12, 8, 3, 3], 3),
        randomTensor('b2', [12], 4, 0.1),
        randomTensor('w3', [K, 12], 5, 1),
        randomTensor('b3', [K], 6, 0.1),
      ],
    }),
  );
}
