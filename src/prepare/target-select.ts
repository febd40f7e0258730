/**
 * @module
 * Targets chosen inside the graph. A target is a linear functional of the logits, given as a seed row s
 * (the backward graph starts from sum(s * logits)). Normally the caller feeds the rows; for "explain the
 * top-k classes" it would need the logits first (a second run). This pass lets the graph build the rows
 * itself from its own logits, so top-1 and top-k take one run at any class count:
 *
 * - a new int64 [1] input `gradcam_top_k` (k); [0] keeps the seeds as fed (onnxruntime-web does not let a
 *   run feed an initializer, so it cannot have a default: ModelFeed (src/explain/model-feed.ts) feeds [0] to runs that
 *   leave it out);
 * - for every seed input X, an `If` (k > 0 and X has rows) replaces X for the backward graph by
 *   rows_i = X[0] * onehot(c_i) + X[1], where c_1..c_k are the top-k classes (TopK, largest first, the lower
 *   index first on ties) of each image: X is then a [2, K] template (row 0: per-class weight, 1 for plain
 *   targets, -1 for counterfactuals; row 1: an offset, e.g. -e_b for "rather than b"). With N images the
 *   rows are image-major (N * k rows). Otherwise X passes through unchanged (the else-branch is an Identity);
 * - an int64 output `gradcam_top_classes` [N * k] with the classes chosen for the shared seed (empty when
 *   k = 0), so the caller reads which classes the gradients belong to.
 */
import { DataType, type ModelProto, type NodeProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { makeFloatTensor, makeInt64Tensor } from '../onnx/tensor.js';
import { constant, ifNode, renameReads, valueInfo } from './seed-branch.js';

/** Name of the int64 [1] input that asks for in-graph top-k targets. */
export const TOP_K_NAME = 'gradcam_top_k';
/** Name of the int64 output listing the chosen classes. */
export const TOP_CLASSES_NAME = 'gradcam_top_classes';

/** What {@link addTargetSelection} needs. */
export interface TargetSelectRequest {
  /** The logits tensor, [N, K]. */
  logits: string;
  classes: number;
  /** The shared seed input (its chosen classes become {@link TOP_CLASSES_NAME}). */
  seed: string;
  /** Further seed inputs (own backward graphs) that get the same selection. */
  otherSeeds: string[];
}

/** The If that replaces seed input `seed` by `selected` (and, when `classesOut` is set, outputs the classes). */
function selectNodes(req: TargetSelectRequest, seed: string, selected: string, classesOut: string | null): NodeProto[] {
  const p = (s: string): string => `gradcam/select/${seed}/${s}`;
  const k = req.classes;
  // A dim name of its own per seed: onnxruntime takes equal dim names for equal sizes.
  const dimName = `rows_${seed}`;
  const rows = p('rows');
  const hasK = p('has_k');
  const hasRows = p('has_rows');
  const cond = p('cond');
  const then: NodeProto[] = [
    makeNode('TopK', [req.logits, TOP_K_NAME], [p('values'), p('indices')], { axis: -1, largest: 1, sorted: 1 }, p('topk')),
    constant(p('depth'), makeInt64Tensor(p('depth_value'), [], [k])),
    constant(p('onoff'), makeFloatTensor(p('onoff_value'), [2], [0, 1])),
    makeNode('OneHot', [p('indices'), p('depth'), p('onoff')], [p('onehot')], { axis: -1 }, p('onehot')),
    constant(p('row_shape'), makeInt64Tensor(p('row_shape_value'), [2], [-1, k])),
    makeNode('Reshape', [p('onehot'), p('row_shape')], [p('onehot_rows')], {}, p('onehot_rows')),
    constant(p('zero'), makeInt64Tensor(p('zero_value'), [], [0])),
    constant(p('one'), makeInt64Tensor(p('one_value'), [], [1])),
    makeNode('Gather', [seed, p('zero')], [p('weight')], { axis: 0 }, p('weight')),
    makeNode('Gather', [seed, p('one')], [p('offset')], { axis: 0 }, p('offset')),
    makeNode('Mul', [p('onehot_rows'), p('weight')], [p('weighted')], {}, p('weighted')),
    makeNode('Add', [p('weighted'), p('offset')], [p('then_seed')], {}, p('then_seed')),
  ];
  const thenOut = [valueInfo(p('then_seed'), DataType.FLOAT, [dimName, k])];
  const elseNodes: NodeProto[] = [makeNode('Identity', [seed], [p('else_seed')], {}, p('else_seed'))];
  const elseOut = [valueInfo(p('else_seed'), DataType.FLOAT, [dimName, k])];
  if (classesOut) {
    then.push(constant(p('flat'), makeInt64Tensor(p('flat_value'), [1], [-1])));
    then.push(makeNode('Reshape', [p('indices'), p('flat')], [p('then_classes')], {}, p('then_classes')));
    thenOut.push(valueInfo(p('then_classes'), DataType.INT64, ['top_classes']));
    elseNodes.push(constant(p('else_classes'), makeInt64Tensor(p('else_classes_value'), [0], [])));
    elseOut.push(valueInfo(p('else_classes'), DataType.INT64, [0]));
  }
  const node = ifNode(
    p('if'),
    cond,
    classesOut ? [selected, classesOut] : [selected],
    { name: p('then'), nodes: then, outputs: thenOut },
    { name: p('else'), nodes: elseNodes, outputs: elseOut },
  );
  return [
    makeNode('Shape', [seed], [p('shape')], {}, p('shape')),
    constant(p('first'), makeInt64Tensor(p('first_value'), [1], [0])),
    makeNode('Gather', [p('shape'), p('first')], [rows], { axis: 0 }, rows),
    constant(p('zero_1'), makeInt64Tensor(p('zero_1_value'), [1], [0])),
    makeNode('Greater', [TOP_K_NAME, p('zero_1')], [hasK], {}, hasK),
    makeNode('Greater', [rows, p('zero_1')], [hasRows], {}, hasRows),
    makeNode('And', [hasK, hasRows], [cond], {}, cond),
    node,
  ];
}

/**
 * Add in-graph target selection to a prepared model (in place): see the module comment. Run it after the
 * gradient graph has been added and before weights are quantized.
 *
 * @example
 * addTargetSelection(model, { logits: 'logits', classes: 1000, seed: 'gradcam_seed', otherSeeds: [] });
 * // feeds: { input, gradcam_seed: [[1, ...], [0, ...]], gradcam_top_k: [1n] } -> G of the top-1 class
 */
export function addTargetSelection(model: ModelProto, req: TargetSelectRequest): void {
  const graph = model.graph!;
  const added: NodeProto[] = [];
  for (const seed of [req.seed, ...req.otherSeeds]) {
    const selected = `gradcam/select/${seed}`;
    renameReads(graph.node, seed, selected);
    added.push(...selectNodes(req, seed, selected, seed === req.seed ? TOP_CLASSES_NAME : null));
  }
  const producerIndex = graph.node.findIndex((n) => n.output.includes(req.logits));
  const at = producerIndex >= 0 ? producerIndex + 1 : 0;
  graph.node.splice(at, 0, ...added);
  graph.input.push(valueInfo(TOP_K_NAME, DataType.INT64, [1]));
  graph.output.push(valueInfo(TOP_CLASSES_NAME, DataType.INT64, ['top_classes']));
}
