/**
 * @module
 * Default task targets built inside the graph, so that one run answers a segmentation or detection request
 * (as target-select.ts does for classifiers' top-k). The seed of a task target is a linear functional of the
 * explained output Y; without this pass the caller must see Y first (a forward run) to build it. Added:
 *
 * - an int64 [1] input `gradcam_task_target`: 1 replaces the shared seed by the rows built below (one per
 *   image; the fed seed is then ignored and may be empty), 0 uses the seed as fed (every other target);
 * - segment (Y [N, K, H, W]): int64 [1] `gradcam_class` (the class c, or -1 for the default: the
 *   non-background class covering most pixels, the background when nothing else is present, the lower class
 *   on ties) and float `gradcam_region` (a mask over the H x W output grid, 1 inside the region; [1, 1] of
 *   ones = everywhere). seed = onehot(c) ⊙ (argmax_k Y == c) ⊙ region: pytorch-grad-cam's
 *   SemanticSegmentationTarget on the model's own segment;
 * - detect (Y [N, 4 + C, A] or [N, A, 4 + C (+1 objectness)]): the top detection, the anchor with the
 *   highest score (best class score, times objectness where the format has it; the lower anchor on ties),
 *   which NMS always keeps, so it is detection 0. seed = onehot at (class, anchor); with objectness the
 *   first-order expansion of objectness x class score (weights: class score at objectness, objectness at
 *   the class), as src/tasks/decode-yolo.ts builds it;
 * - int64 outputs `gradcam_task_class` [N] (and `gradcam_task_anchor` [N] for detect): what the built rows
 *   explain (empty when the seed is used as fed), so the caller checks the target against its own decoding.
 * The rows are exactly 0/1 (or the output's own values), so G equals what the same seed fed from outside gives.
 */
import type { TaskSpec, TaskTargetInputs } from '../manifest.js';
import { DataType, type ModelProto, type NodeProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { makeFloatTensor, makeInt64Tensor } from '../onnx/tensor.js';
import { headerLength } from '../tasks/detect-format.js';
import { constant, ifNode, renameReads, valueInfo } from './seed-branch.js';

/** The names this pass adds (recorded in the manifest's `seed.task`). */
export const TASK_TARGET_NAMES = {
  build: 'gradcam_task_target',
  class: 'gradcam_class',
  region: 'gradcam_region',
  chosenClass: 'gradcam_task_class',
  chosenAnchor: 'gradcam_task_anchor',
} as const;

const P = 'gradcam/task_target/';
const p = (s: string) => `${P}${s}`;
const ints = (name: string, values: number[], dims: number[] = [values.length]) =>
  constant(p(name), makeInt64Tensor(p(`${name}_value`), dims, values));
const floats = (name: string, values: number[]) => constant(p(name), makeFloatTensor(p(`${name}_value`), [values.length], values));
const node = (op: string, inputs: string[], out: string, attrs: Record<string, number> = {}) =>
  makeNode(op, inputs, [p(out)], attrs, p(out));

/** Which tasks get in-graph targets. */
export function buildsTaskTargets(task: TaskSpec): task is Extract<TaskSpec, { kind: 'segment' | 'detect' }> {
  return task.kind === 'segment' || task.kind === 'detect';
}

/** seed [N, K, H, W] and class [N] of a segmentation output `y`. */
function segmentNodes(y: string, t: Extract<TaskSpec, { kind: 'segment' }>): NodeProto[] {
  const { classes: k, height: h, width: w } = t;
  const weight = Array.from({ length: k }, (_, c) => (c === t.background ? 0 : 1));
  const bias = Array.from({ length: k }, (_, c) => (c === t.background ? 0.5 : 0));
  return [
    node('ArgMax', [y], 'argmax', { axis: 1, keepdims: 0 }), // [N, H, W], first class on ties (torch.argmax)
    ints('depth', [k], []),
    floats('onoff', [0, 1]),
    node('OneHot', [p('argmax'), p('depth'), p('onoff')], 'pixels_onehot', { axis: 1 }), // [N, K, H, W]
    ints('flat_shape', [0, k, h * w]),
    node('Reshape', [p('pixels_onehot'), p('flat_shape')], 'pixels_flat'),
    constant(p('ones'), makeFloatTensor(p('ones_value'), [h * w, 1], new Float32Array(h * w).fill(1))),
    node('MatMul', [p('pixels_flat'), p('ones')], 'counts_col'), // integer sums, exact in float32
    ints('counts_shape', [0, k]),
    node('Reshape', [p('counts_col'), p('counts_shape')], 'counts'),
    // background counts 0.5 (any other class present has >= 1 pixel), so it wins only when alone
    floats('weight', weight),
    floats('bias', bias),
    node('Mul', [p('counts'), p('weight')], 'weighted'),
    node('Add', [p('weighted'), p('bias')], 'ranking'),
    node('ArgMax', [p('ranking')], 'default_class', { axis: 1, keepdims: 0 }), // [N]
    ints('minus_one', [-1]),
    node('Greater', [TASK_TARGET_NAMES.class, p('minus_one')], 'class_given'),
    node('Where', [p('class_given'), TASK_TARGET_NAMES.class, p('default_class')], 'class'), // [N]
    node('OneHot', [p('class'), p('depth'), p('onoff')], 'class_onehot', { axis: -1 }), // [N, K]
    ints('class_cells', [-1, 1, 1]),
    node('Reshape', [p('class'), p('class_cells')], 'class_cell'),
    node('Equal', [p('argmax'), p('class_cell')], 'segment_bool'), // [N, H, W]
    makeNode('Cast', [p('segment_bool')], [p('segment')], { to: DataType.FLOAT }, p('segment')),
    node('Mul', [p('segment'), TASK_TARGET_NAMES.region], 'mask'),
    ints('class_rows', [-1, k, 1, 1]),
    ints('mask_rows', [-1, 1, h, w]),
    node('Reshape', [p('class_onehot'), p('class_rows')], 'class_row'),
    node('Reshape', [p('mask'), p('mask_rows')], 'mask_row'),
    node('Mul', [p('class_row'), p('mask_row')], 'then_seed'),
    node('Identity', [p('class')], 'then_class'),
  ];
}

/** seed [N, ...Y dims], class [N] and anchor [N] of a detection output `y`. */
function detectNodes(y: string, t: Extract<TaskSpec, { kind: 'detect' }>): NodeProto[] {
  const first = headerLength(t.layout);
  const fields = first + t.classes;
  const objectness = t.layout === 'anchors-first-objectness';
  const axis = t.layout === 'channels-first' ? 1 : 2; // the field axis
  const nodes: NodeProto[] = [
    ints(
      'class_fields',
      Array.from({ length: t.classes }, (_, c) => first + c),
    ),
    node('Gather', [y, p('class_fields')], 'class_scores', { axis }),
    node('ArgMax', [p('class_scores')], 'best_class_cell', { axis, keepdims: 1 }), // first class on ties
    node('GatherElements', [p('class_scores'), p('best_class_cell')], 'best_score_cell', { axis }),
    ints('per_anchor', [0, t.anchors]),
    node('Reshape', [p('best_class_cell'), p('per_anchor')], 'best_class'), // [N, A]
    node('Reshape', [p('best_score_cell'), p('per_anchor')], 'best_score'),
  ];
  if (objectness) {
    nodes.push(
      ints('objectness_field', [4]),
      node('Gather', [y, p('objectness_field')], 'objectness_cell', { axis }),
      node('Reshape', [p('objectness_cell'), p('per_anchor')], 'objectness'),
      node('Mul', [p('objectness'), p('best_score')], 'score'),
    );
  } else nodes.push(node('Identity', [p('best_score')], 'score'));
  nodes.push(
    node('ArgMax', [p('score')], 'anchor_cell', { axis: 1, keepdims: 1 }), // [N, 1], first anchor on ties
    node('GatherElements', [p('best_class'), p('anchor_cell')], 'class_cell', { axis: 1 }),
    ints('flat', [-1]),
    node('Reshape', [p('anchor_cell'), p('flat')], 'then_anchor'),
    node('Reshape', [p('class_cell'), p('flat')], 'then_class'),
    ints('first', [first]),
    node('Add', [p('then_class'), p('first')], 'class_field'),
    ints('fields', [fields], []),
    ints('anchors', [t.anchors], []),
    floats('onoff', [0, 1]),
    node('OneHot', [p('class_field'), p('fields'), p('onoff')], 'field_onehot', { axis: -1 }), // [N, F]
    node('OneHot', [p('then_anchor'), p('anchors'), p('onoff')], 'anchor_onehot', { axis: -1 }), // [N, A]
  );
  let fieldRow = p('field_onehot');
  if (objectness) {
    nodes.push(
      node('GatherElements', [p('objectness'), p('anchor_cell')], 'objectness_at', { axis: 1 }), // [N, 1]
      node('GatherElements', [p('best_score'), p('anchor_cell')], 'score_at', { axis: 1 }),
      ints('objectness_index', [4]),
      node('OneHot', [p('objectness_index'), p('fields'), p('onoff')], 'objectness_onehot', { axis: -1 }), // [1, F]
      node('Mul', [p('field_onehot'), p('objectness_at')], 'class_part'),
      node('Mul', [p('objectness_onehot'), p('score_at')], 'objectness_part'),
      node('Add', [p('class_part'), p('objectness_part')], 'field_row'),
    );
    fieldRow = p('field_row');
  }
  const channelsFirst = t.layout === 'channels-first';
  nodes.push(
    ints('field_shape', channelsFirst ? [-1, fields, 1] : [-1, 1, fields]),
    ints('anchor_shape', channelsFirst ? [-1, 1, t.anchors] : [-1, t.anchors, 1]),
    node('Reshape', [fieldRow, p('field_shape')], 'field_part'),
    node('Reshape', [p('anchor_onehot'), p('anchor_shape')], 'anchor_part'),
    node('Mul', [p('field_part'), p('anchor_part')], 'then_seed'),
  );
  return nodes;
}

/**
 * Add the default task target to a prepared segmentation or detection model (in place): see the module
 * comment. Run it after the gradient graph and before weights are quantized; returns the manifest's
 * `seed.task`.
 *
 * @example
 * const inputs = addTaskTargets(model, { output: 'out', seed: 'gradcam_seed', task: manifest.task, row: [21, 64, 64] });
 * // feeds: { input, gradcam_seed: [0, 21, 64, 64], gradcam_task_target: [1n], gradcam_class: [-1n], gradcam_region: [[1]] }
 */
export function addTaskTargets(
  model: ModelProto,
  req: { output: string; seed: string; task: TaskSpec; row: readonly number[] },
): TaskTargetInputs {
  const t = req.task;
  if (!buildsTaskTargets(t)) throw new Error(`addTaskTargets: no in-graph target for task '${t.kind}'`);
  const graph = model.graph!;
  const selected = `${P}seed`;
  renameReads(graph.node, req.seed, selected);
  const detect = t.kind === 'detect';
  const thenNodes = detect ? detectNodes(req.output, t) : segmentNodes(req.output, t);
  const thenOut = [
    valueInfo(p('then_seed'), DataType.FLOAT, ['task_rows', ...req.row]),
    valueInfo(p('then_class'), DataType.INT64, ['task_images']),
    ...(detect ? [valueInfo(p('then_anchor'), DataType.INT64, ['task_images'])] : []),
  ];
  const elseNodes = [
    makeNode('Identity', [req.seed], [p('else_seed')], {}, p('else_seed')),
    constant(p('else_class'), makeInt64Tensor(p('else_class_value'), [0], [])),
    ...(detect ? [constant(p('else_anchor'), makeInt64Tensor(p('else_anchor_value'), [0], []))] : []),
  ];
  const elseOut = [
    valueInfo(p('else_seed'), DataType.FLOAT, ['task_rows', ...req.row]),
    valueInfo(p('else_class'), DataType.INT64, [0]),
    ...(detect ? [valueInfo(p('else_anchor'), DataType.INT64, [0])] : []),
  ];
  const names = TASK_TARGET_NAMES;
  const outputs = [selected, names.chosenClass, ...(detect ? [names.chosenAnchor] : [])];
  const added = [
    constant(p('zero'), makeInt64Tensor(p('zero_value'), [1], [0])),
    makeNode('Greater', [names.build, p('zero')], [p('build')], {}, p('build')),
    ifNode(
      p('if'),
      p('build'),
      outputs,
      { name: p('then'), nodes: thenNodes, outputs: thenOut },
      { name: p('else'), nodes: elseNodes, outputs: elseOut },
    ),
  ];
  const producerIndex = graph.node.findIndex((n) => n.output.includes(req.output));
  graph.node.splice(producerIndex >= 0 ? producerIndex + 1 : 0, 0, ...added);
  graph.input.push(valueInfo(names.build, DataType.INT64, [1]));
  if (!detect)
    graph.input.push(valueInfo(names.class, DataType.INT64, [1]), valueInfo(names.region, DataType.FLOAT, ['region_h', 'region_w']));
  graph.output.push(valueInfo(names.chosenClass, DataType.INT64, ['task_images']));
  if (detect) graph.output.push(valueInfo(names.chosenAnchor, DataType.INT64, ['task_images']));
  return {
    build: names.build,
    ...(detect ? {} : { class: names.class, region: names.region }),
    chosenClass: names.chosenClass,
    ...(detect ? { chosenAnchor: names.chosenAnchor } : {}),
  };
}
