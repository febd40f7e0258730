/**
 * @module
 * Models that fold the batch into another axis (torch's MultiheadAttention, as in torchvision's ViT,
 * reshapes to [T, N * heads, d] and [T * N, C]) break the batch contract's cheap mode, one image and S seed
 * rows: there, forward tensors of batch 1 broadcast against gradients of batch S, but a folded axis has
 * `heads` values forward and `S * heads` in the gradient. For such models the prepared graph runs the
 * forward pass at the gradient's batch: the image input is expanded to max(N, S) rows first (an Expand at
 * the top of the graph; a no-op for N = S and for forward-only runs with an empty seed). Every output keeps
 * its meaning (row 0 of the logits and activations is the image's), at the cost of S forward passes.
 */
import { onnx, type ModelProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { makeInt64Tensor } from '../onnx/tensor.js';
import type { ShapeMap } from '../onnx/shapes.js';

/** Tensors among `names` whose batch is folded into another axis. */
export function foldedBatchTensors(shapes: ShapeMap, names: Iterable<string>): string[] {
  return [...names].filter((n) => (shapes.get(n)?.batchScaled?.length ?? 0) > 0);
}

/**
 * Make every node read the image input expanded to max(N, S) rows, S = the seed's rows (in place).
 *
 * @example
 * expandInputToSeedBatch(prepared, 'input', 'gradcam_seed');
 */
export function expandInputToSeedBatch(model: ModelProto, input: string, seed: string): void {
  const graph = model.graph!;
  const p = (s: string) => `gradcam/seed_batch/${s}`;
  const expanded = p('input');
  for (const node of graph.node) node.input = node.input.map((i) => (i === input ? expanded : i));
  graph.initializer.push(
    makeInt64Tensor(p('zero'), [1], [0]),
    makeInt64Tensor(p('one'), [1], [1]),
    makeInt64Tensor(p('big'), [1], [Number.MAX_SAFE_INTEGER]),
  );
  const nodes = [
    makeNode('Shape', [input], [p('x_shape')], {}, p('x_shape')),
    makeNode('Shape', [seed], [p('s_shape')], {}, p('s_shape')),
    makeNode('Slice', [p('x_shape'), p('zero'), p('one')], [p('n')], {}, p('n')),
    makeNode('Slice', [p('s_shape'), p('zero'), p('one')], [p('s')], {}, p('s')),
    makeNode('Max', [p('n'), p('s')], [p('rows')], {}, p('rows')),
    makeNode('Slice', [p('x_shape'), p('one'), p('big')], [p('rest')], {}, p('rest')),
    makeNode('Concat', [p('rows'), p('rest')], [p('target')], { axis: 0 }, p('target')),
    makeNode('Expand', [input, p('target')], [expanded], {}, expanded),
  ];
  graph.node.unshift(...nodes.map((n) => onnx.NodeProto.create(n)));
}
