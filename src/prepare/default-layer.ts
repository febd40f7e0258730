/**
 * @module
 * The default layer: the one a request explains when it names none. The last pooling on the path to the
 * logits decides (candidates carry their layout, see layout.ts):
 * - a spatial pooling (GlobalAveragePool, Reduce* over exactly the grid axes of an NCHW, channels-last or
 *   token layer, an Average/MaxPool down to 1x1, a Flatten/Reshape of a map straight to a vector): its
 *   input, looking through shape-preserving no-ops. So CNNs get the map before their global pooling
 *   wherever it sits (also after a Transpose), and mean-pooled transformers their last tokens.
 * - a class-token read-out (Gather or Slice of prefix tokens on the token axis): after the last attention
 *   product (a MatMul of two image-derived tensors) every op works per token, so the patch tokens of later
 *   tensors get no gradient at all. The default is the last LayerNorm output that feeds that attention
 *   (the last block's first LayerNorm, as pytorch-grad-cam recommends for ViTs), else the last token layer
 *   that feeds it.
 * Without a pooling: the last candidate with a grid above 1 x 1. A 1 x 1 grid is never the default; a model
 * with no map at all is refused.
 */
import type { ModelProto, NodeProto } from '../onnx/proto.js';
import { GraphIndex } from '../onnx/graph-index.js';
import { attrInt, attrInts } from '../onnx/attributes.js';
import { intValues } from '../onnx/tensor.js';
import { ApiError } from '../errors.js';
import type { CandidateLayer } from './layers.js';

/** h * w of a candidate's grid (0 when its layout is unknown). */
export function gridSize(c: CandidateLayer | undefined): number {
  return c?.layout ? c.layout.grid[0] * c.layout.grid[1] : 0;
}

/** The axes of a candidate that hold its grid (tokens: the token axis). */
function gridAxes(c: CandidateLayer): string {
  switch (c.layout?.kind) {
    case 'nchw':
      return '2,3';
    case 'nhwc':
      return '1,2';
    case 'tokens':
      return '1';
    default:
      return '';
  }
}

const REDUCE_OPS = new Set(['ReduceMean', 'ReduceMax', 'ReduceSum', 'ReduceL2', 'ReduceLogSumExp']);

function reduceAxes(node: NodeProto, index: GraphIndex, rank: number): string | undefined {
  const fromInput = node.input[1] ? index.constant(node.input[1]) : undefined;
  const axes = fromInput ? intValues(fromInput) : attrInts(node, 'axes');
  return axes
    ?.map((a) => (a < 0 ? a + rank : a))
    .sort()
    .join();
}

/** 'spatial' when `node` pools a candidate's grid away, 'token' when it reads out prefix tokens. */
function poolingKind(node: NodeProto, index: GraphIndex, byName: Map<string, CandidateLayer>): 'spatial' | 'token' | undefined {
  const input = byName.get(node.input[0] ?? '');
  if (!input || gridSize(input) <= 1) return undefined;
  const out = byName.get(node.output[0]!);
  const kind = input.layout!.kind;
  switch (node.opType) {
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool':
      return kind === 'nchw' ? 'spatial' : undefined;
    case 'AveragePool':
    case 'MaxPool':
      return out && out.shape[2] === 1 && out.shape[3] === 1 ? 'spatial' : undefined;
    case 'Flatten':
    case 'Reshape':
      return !out && kind !== 'tokens' ? 'spatial' : undefined;
    case 'Gather':
      return kind === 'tokens' && (attrInt(node, 'axis', 0) + 3) % 3 === 1 ? 'token' : undefined;
    case 'Slice':
      return kind === 'tokens' && !out ? 'token' : undefined;
    default:
      return REDUCE_OPS.has(node.opType) && reduceAxes(node, index, input.shape.length) === gridAxes(input) ? 'spatial' : undefined;
  }
}

/** True for nodes that pass their first input through unchanged in shape and value. */
function isShapePreservingNoOp(node: NodeProto): boolean {
  if (node.opType === 'Identity' || node.opType === 'Dropout') return true;
  if (node.opType !== 'AveragePool' && node.opType !== 'MaxPool') return false;
  const ones = (xs: number[] | undefined) => !xs || xs.every((x) => x === 1);
  const zeros = (xs: number[] | undefined) => !xs || xs.every((x) => x === 0);
  return ones(attrInts(node, 'kernel_shape')) && ones(attrInts(node, 'strides')) && zeros(attrInts(node, 'pads'));
}

/** A LayerNorm's output: the op itself, or torch's decomposition ending in Div by a Sqrt (then Mul, Add). */
function isLayerNormOutput(name: string, index: GraphIndex): boolean {
  let node = index.producer.get(name);
  for (const step of ['Add', 'Mul']) {
    if (node?.opType !== step) continue;
    const inner = node.input.map((i) => index.producer.get(i)).find((p) => p && (p.opType === 'Mul' || p.opType === 'Div'));
    if (inner) node = inner;
  }
  if (node?.opType === 'LayerNormalization') return true;
  return node?.opType === 'Div' && index.producer.get(node.input[1] ?? '')?.opType === 'Sqrt';
}

function ancestors(index: GraphIndex, start: readonly string[]): Set<string> {
  const seen = new Set<string>(start);
  const stack = [...start];
  while (stack.length > 0) {
    for (const i of index.producer.get(stack.pop()!)?.input ?? [])
      if (i && !seen.has(i)) {
        seen.add(i);
        stack.push(i);
      }
  }
  return seen;
}

/** The default for a class-token read-out (see the module comment). */
function tokenDefault(
  readout: NodeProto,
  order: NodeProto[],
  index: GraphIndex,
  candidates: readonly CandidateLayer[],
): CandidateLayer | undefined {
  const image = [...index.graphInputs][0];
  const derived = image ? index.descendants(image) : new Set<string>();
  const before = ancestors(index, [readout.input[0]!]);
  const mixers = order.filter((n) => n.opType === 'MatMul' && before.has(n.output[0]!) && n.input.every((i) => derived.has(i)));
  const last = mixers[mixers.length - 1];
  if (!last) return candidates.find((c) => c.name === readout.input[0]);
  const feeding = ancestors(index, [...last.input]);
  const tokens = candidates.filter((c) => c.layout?.kind === 'tokens' && gridSize(c) > 1 && feeding.has(c.name));
  const norms = tokens.filter((c) => isLayerNormOutput(c.name, index));
  const pick = (cs: CandidateLayer[]) =>
    cs.reduce<CandidateLayer | undefined>((best, c) => (!best || c.order > best.order ? c : best), undefined);
  return pick(norms) ?? pick(tokens);
}

/**
 * The default layer (see the module comment). Throws `invalid_model` when no candidate has a grid above 1 x 1.
 *
 * @example
 * defaultLayer(model, candidates).name; // '/layer4/layer4.1/relu_1/Relu_output_0'
 */
export function defaultLayer(model: ModelProto, candidates: readonly CandidateLayer[]): CandidateLayer {
  const byName = new Map(candidates.map((c) => [c.name, c]));
  const index = new GraphIndex(model.graph!);
  const order = index.topologicalOrder();
  const pools = order.map((n) => ({ n, kind: poolingKind(n, index, byName) })).filter((p) => p.kind);
  const lastPool = pools[pools.length - 1];
  const spatial = candidates.filter((c) => gridSize(c) > 1);
  let chosen =
    lastPool?.kind === 'token'
      ? tokenDefault(lastPool.n, order, index, candidates)
      : lastPool
        ? byName.get(lastPool.n.input[0]!)
        : spatial.reduce<CandidateLayer | undefined>((best, c) => (!best || c.order > best.order ? c : best), undefined);
  if (!chosen) {
    const ambiguous = candidates.filter((c) => !c.layout && c.layoutOptions);
    if (ambiguous.length > 0) {
      const last = ambiguous[ambiguous.length - 1]!;
      throw new ApiError(
        400,
        'bad_option',
        `No layer has a layout the graph shows, and ${ambiguous.length} have an ambiguous one (e.g. "${last.name}" [${last.shape.join(', ')}]): name the layer with --layer and give its layout with --layout nchw|nhwc|tokens.`,
      );
    }
    throw new ApiError(
      422,
      'invalid_model',
      'No activation leading to the logits has a spatial grid above 1 x 1 (a feature map [N, C, h, w] or [N, h, w, C], or patch tokens [N, T, C]), so there is no map to explain: prepare needs a convolutional or vision-transformer image classifier.',
    );
  }
  for (;;) {
    const producer = index.producer.get(chosen.name);
    const source = producer && isShapePreservingNoOp(producer) ? byName.get(producer.input[0]!) : undefined;
    if (!source || source.shape.join() !== chosen.shape.join()) return chosen;
    chosen = source;
  }
}
