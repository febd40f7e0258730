/**
 * @module
 * Which layers can be explained, and which one is explained by default.
 *
 * A candidate is a 4-D float tensor produced by a node that lies on a path from the image input to the
 * logits. The default is the activation that feeds the classifier's global pooling: the input of the last
 * (graph order) GlobalAveragePool, ReduceMean over H and W, AveragePool covering the map, or Flatten of a
 * map, whose input is a candidate with spatial size above 1. (Taking simply the last candidate with h*w > 1
 * would be fooled by channels-last tensors after the pooling, such as convnext's LayerNorm2d.) Shape-preserving no-ops just before the pooling (Identity, Dropout, a
 * 1x1 stride-1 pool, as torch exports `AdaptiveAvgPool2d(7)` on vgg's 7x7 map) are looked through, so
 * torchvision's resnet gets layer4's output, mobilenet_v2 and vgg the output of `features`, and densenet
 * the tensor after its final ReLU.
 */
import type { ModelProto, NodeProto } from '../onnx/proto.js';
import { DataType } from '../onnx/proto.js';
import { GraphIndex } from '../onnx/graph-index.js';
import { attrInts } from '../onnx/attributes.js';
import { intValues } from '../onnx/tensor.js';
import { ApiError } from '../errors.js';
import type { ShapeMap } from '../onnx/shapes.js';

/** A tensor that Grad-CAM can explain. */
export interface CandidateLayer {
  name: string;
  /** Batch first ("N" when symbolic). */
  shape: (number | 'N')[];
  /** Op type of the node that produces it. */
  op: string;
  /** Position of that node in topological order. */
  order: number;
}

/** Tensors reachable by walking from `start` along `next`. */
function reach(start: string, next: (name: string) => string[]): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const n of next(stack.pop()!)) if (n && !seen.has(n)) { seen.add(n); stack.push(n); }
  }
  return seen;
}

/** Tensors on some path from `input` to `logits` (both included). */
export function tensorsOnPath(index: GraphIndex, input: string, logits: string): Set<string> {
  const ancestors = reach(logits, (t) => [...(index.producer.get(t)?.input ?? [])]);
  const descendants = reach(input, (t) => (index.consumers.get(t) ?? []).flatMap((n) => [...n.output]));
  return new Set([...ancestors].filter((t) => descendants.has(t)));
}

/**
 * All candidate layers in graph order.
 *
 * @example
 * candidateLayers(model, shapes, 'input', 'logits').map((c) => c.name); // ['/conv1/Conv_output_0', ...]
 */
export function candidateLayers(model: ModelProto, shapes: ShapeMap, input: string, logits: string): CandidateLayer[] {
  const index = new GraphIndex(model.graph!);
  const onPath = tensorsOnPath(index, input, logits);
  const out: CandidateLayer[] = [];
  index.topologicalOrder().forEach((node, order) => {
    for (const name of node.output) {
      const s = shapes.get(name);
      if (!onPath.has(name) || !s || s.dims.length !== 4 || s.elemType !== DataType.FLOAT) continue;
      out.push({ name, shape: [...s.dims], op: node.opType, order });
    }
  });
  return out;
}

/** Spatial size h * w of an activation in the given layout. */
export function spatialSize(shape: readonly (number | 'N')[], layout: 'NCHW' | 'NHWC' = 'NCHW'): number {
  const [h, w] = layout === 'NCHW' ? [shape[2], shape[3]] : [shape[1], shape[2]];
  return typeof h === 'number' && typeof w === 'number' ? h * w : 0;
}

/** True for nodes that pass their first input through unchanged in shape and value. */
function isShapePreservingNoOp(node: NodeProto): boolean {
  if (node.opType === 'Identity' || node.opType === 'Dropout') return true;
  if (node.opType !== 'AveragePool' && node.opType !== 'MaxPool') return false;
  const ones = (xs: number[] | undefined) => !xs || xs.every((x) => x === 1);
  const zeros = (xs: number[] | undefined) => !xs || xs.every((x) => x === 0);
  return ones(attrInts(node, 'kernel_shape')) && ones(attrInts(node, 'strides')) && zeros(attrInts(node, 'pads'));
}

/** Reduce ops that pool when their axes are exactly the spatial axes. */
const REDUCE_OPS = new Set(['ReduceMean', 'ReduceMax', 'ReduceSum', 'ReduceL2', 'ReduceLogSumExp']);

/** The axes a Reduce* node reduces (attribute before opset 18, second input after), normalised to >= 0. */
function reduceAxes(node: NodeProto, index: GraphIndex, rank: number): number[] | undefined {
  const fromInput = node.input[1] ? index.constant(node.input[1]) : undefined;
  const axes = fromInput ? intValues(fromInput) : attrInts(node, 'axes');
  return axes?.map((a) => (a < 0 ? a + rank : a)).sort();
}

/**
 * True when `node` pools a 4-D map of spatial size > 1 down to per-channel values: a global pool, a
 * Reduce* over exactly the spatial axes, an Average/MaxPool whose output is 1x1, or a Flatten or Reshape
 * straight to 2-D (vgg's classifier).
 */
function isGlobalPooling(node: NodeProto, index: GraphIndex, byName: Map<string, CandidateLayer>, layout: 'NCHW' | 'NHWC'): boolean {
  const input = byName.get(node.input[0] ?? '');
  if (!input || spatialSize(input.shape, layout) <= 1) return false;
  const spatialAxes = layout === 'NCHW' ? '2,3' : '1,2';
  switch (node.opType) {
    case 'GlobalAveragePool': case 'GlobalMaxPool': case 'GlobalLpPool': return true;
    case 'AveragePool': case 'MaxPool': {
      const out = byName.get(node.output[0]!);
      return !!out && spatialSize(out.shape, layout) === 1;
    }
    case 'Flatten': case 'Reshape': return !byName.has(node.output[0]!);
    default: return REDUCE_OPS.has(node.opType) && reduceAxes(node, index, 4)?.join() === spatialAxes;
  }
}

/**
 * The default layer: the input of the last global pooling on the path to the logits (see the module
 * comment), looking through shape-preserving no-ops; without such a pooling, the last candidate with
 * spatial size > 1. Throws `invalid_model` when there is none (e.g. a model that flattens its input at once).
 */
export function defaultLayer(model: ModelProto, candidates: readonly CandidateLayer[], layout: 'NCHW' | 'NHWC' = 'NCHW'): CandidateLayer {
  const byName = new Map(candidates.map((c) => [c.name, c]));
  const index = new GraphIndex(model.graph!);
  const pools = index.topologicalOrder().filter((n) => isGlobalPooling(n, index, byName, layout));
  const spatial = candidates.filter((c) => spatialSize(c.shape, layout) > 1);
  let chosen = pools.length > 0
    ? byName.get(pools[pools.length - 1]!.input[0]!)
    : spatial.reduce<CandidateLayer | undefined>((best, c) => (!best || c.order > best.order ? c : best), undefined);
  if (!chosen) {
    throw new ApiError(422, 'invalid_model', 'No 4-D activation with a spatial size above 1 leads to the logits, so there is no map to explain; prepare needs a convolutional image classifier.');
  }
  for (;;) {
    const producer = index.producer.get(chosen.name);
    const source = producer && isShapePreservingNoOp(producer) ? byName.get(producer.input[0]!) : undefined;
    if (!source || source.shape.join() !== chosen.shape.join()) return chosen;
    chosen = source;
  }
}

/**
 * Check that each requested layer is a candidate; an unknown name is an `unknown_layer` error that lists
 * the candidates (the last ones, nearest the logits, when there are many).
 */
export function checkLayers(requested: readonly string[], candidates: readonly CandidateLayer[], shapes: ShapeMap): void {
  const names = new Set(candidates.map((c) => c.name));
  for (const name of requested) {
    if (names.has(name)) continue;
    const s = shapes.get(name);
    const why = !s
      ? `there is no tensor "${name}" in the model`
      : s.dims.length !== 4
        ? `"${name}" is ${s.dims.length}-D [${s.dims.join(', ')}]; Grad-CAM needs a 4-D activation [N, C, h, w]`
        : `"${name}" does not lie on the path from the image input to the logits`;
    throw new ApiError(400, 'unknown_layer', `Cannot explain layer "${name}": ${why}. Candidates: ${listCandidates(candidates)}.`, {
      candidates: candidates.map((c) => c.name),
    });
  }
}

/** A short list of candidate names for messages: the last 12, and a hint when more exist. */
export function listCandidates(candidates: readonly CandidateLayer[]): string {
  const shown = candidates.slice(-12).map((c) => `${c.name} [${c.shape.join(', ')}]`);
  const more = candidates.length - shown.length;
  return (more > 0 ? `... ${more} more (run with --list-layers), ` : '') + shown.join(', ');
}
