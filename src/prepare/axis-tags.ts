/**
 * @module
 * Which axes of each tensor are spatial: a forward pass over the graph that labels every axis of every
 * float tensor derived from the image input with what it holds: the batch (N), channels (C), image rows
 * (H) and columns (W), or a token sequence (T: P prefix tokens, then an h x w patch grid, row-major).
 * The image input's axes come from its layout; Conv and pooling keep axes 2 and 3; Transpose permutes;
 * Reshape merges H, W into T (a ViT's patch embedding) or splits T back into H, W, and otherwise maps axes
 * whose sizes match one to one; Concat in front of a token axis adds prefix tokens (class, distillation,
 * register tokens); elementwise ops and residual Adds pass on the labels of an input of the same size.
 * An axis nobody can vouch for is '?'. Tensors that do not depend on the image (weights, shape arithmetic)
 * get no labels. So a layer's layout is read off the graph, never guessed from the input layout alone.
 */
import type { NodeProto } from '../onnx/proto.js';
import { DataType } from '../onnx/proto.js';
import type { GraphIndex } from '../onnx/graph-index.js';
import { attrInt, attrInts } from '../onnx/attributes.js';
import { intValues } from '../onnx/tensor.js';
import type { Dim, ShapeMap } from '../onnx/shapes.js';
import { reshapeTags } from './reshape-tags.js';

/** What one axis of a tensor holds. */
export type AxisTag = { kind: 'N' | 'C' | 'H' | 'W' | '?' } | { kind: 'T'; prefix: number; grid: [number, number] };

/** Labels of every image-derived float tensor, by name. */
export type TagMap = Map<string, AxisTag[]>;

const UNKNOWN: AxisTag = { kind: '?' };
const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16]);
/** Ops computing each output position from axes 2, 3 of a 4-D NCHW input (output channels on axis 1). */
const NCHW_OPS = new Set([
  'Conv',
  'ConvTranspose',
  'MaxPool',
  'AveragePool',
  'LpPool',
  'BatchNormalization',
  'InstanceNormalization',
  'LRN',
  'Resize',
  'Upsample',
  'DepthToSpace',
  'SpaceToDepth',
]);
const GLOBAL_POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']);
const REDUCE_OPS = new Set([
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceSum',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSumExp',
  'ReduceProd',
  'ReduceSumSquare',
]);

/** Two tags mean the same axis content. */
export function sameTag(a: AxisTag, b: AxisTag): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'T' || (b.kind === 'T' && a.prefix === b.prefix && a.grid.join() === b.grid.join());
}

/** An integer constant (initializer, Constant node, or a value recorded by the shape probe). */
export function constInts(index: GraphIndex, shapes: ShapeMap, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const t = index.constant(name);
  return t ? intValues(t) : shapes.get(name)?.value;
}

/**
 * Label the axes of every image-derived float tensor.
 *
 * @example
 * const tags = axisTags(model.graph!, shapes, 'input', 'NCHW');
 * tags.get('/layer4/Relu_output_0'); // [{kind:'N'}, {kind:'C'}, {kind:'H'}, {kind:'W'}]
 */
export function axisTags(index: GraphIndex, shapes: ShapeMap, input: string, layout: 'NCHW' | 'NHWC'): TagMap {
  const tags: TagMap = new Map();
  const k = (kind: 'N' | 'C' | 'H' | 'W'): AxisTag => ({ kind });
  tags.set(input, layout === 'NCHW' ? [k('N'), k('C'), k('H'), k('W')] : [k('N'), k('H'), k('W'), k('C')]);
  for (const node of index.topologicalOrder()) {
    if (!node.input.some((i) => tags.has(i))) continue;
    const outs = nodeTags(node, index, shapes, tags);
    node.output.forEach((o, i) => {
      const s = shapes.get(o);
      if (!o || !s || !FLOAT_TYPES.has(s.elemType)) return;
      const t = outs[i] ?? outs[0];
      tags.set(o, t && t.length === s.dims.length ? t : s.dims.map(() => UNKNOWN));
    });
  }
  return tags;
}

function dimsOf(shapes: ShapeMap, name: string): Dim[] {
  return shapes.get(name)?.dims ?? [];
}

/** Normalised axes (>= 0). */
function norm(axes: readonly number[], rank: number): number[] {
  return axes.map((a) => (a < 0 ? a + rank : a));
}

/** Output labels of one node (one list per output; a missing entry means "like output 0"). */
function nodeTags(node: NodeProto, index: GraphIndex, shapes: ShapeMap, tags: TagMap): (AxisTag[] | undefined)[] {
  const x = tags.get(node.input[0] ?? '');
  const outDims = dimsOf(shapes, node.output[0] ?? '');
  const op = node.opType;
  if (op === 'Transpose' && x) {
    const perm = attrInts(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
    return [perm.map((p) => x[p] ?? UNKNOWN)];
  }
  // these ops define axes 2, 3 as spatial, whatever the input's labels said
  if (NCHW_OPS.has(op) && x && x.length === 4)
    return [[x[0]!, op === 'Conv' || op === 'ConvTranspose' ? { kind: 'C' } : x[1]!, { kind: 'H' }, { kind: 'W' }]];
  if (GLOBAL_POOLS.has(op) && x) return [x]; // a 1 x 1 grid
  if (REDUCE_OPS.has(op) && x) {
    const axes = norm(constInts(index, shapes, node.input[1]) ?? attrInts(node, 'axes') ?? x.map((_, i) => i), x.length);
    const keep = attrInt(node, 'keepdims', 1) === 1;
    return [keep ? x.map((t, i) => (axes.includes(i) ? UNKNOWN : t)) : x.filter((_, i) => !axes.includes(i))];
  }
  if ((op === 'Reshape' || op === 'Flatten' || op === 'Squeeze' || op === 'Unsqueeze') && x) {
    return [reshapeTags(x, dimsOf(shapes, node.input[0]!), outDims)];
  }
  if (op === 'Gather' && x) {
    const axis = norm([attrInt(node, 'axis', 0)], x.length)[0]!;
    const indexRank = dimsOf(shapes, node.input[1] ?? '').length;
    return [[...x.slice(0, axis), ...Array.from({ length: indexRank }, () => UNKNOWN), ...x.slice(axis + 1)]];
  }
  if (op === 'Slice' && x) return [sliceTags(node, index, shapes, x)];
  if ((op === 'Split' || op === 'Pad') && x) return [x];
  if (op === 'Concat') return [concatTags(node, shapes, tags, outDims)];
  if (op === 'MatMul' || op === 'Gemm') return [matMulTags(node, tags, outDims)];
  return [broadcastTags(node, shapes, tags, outDims)];
}

/** Slice keeps labels; on a token axis it keeps the tokens only when it just drops prefix tokens. */
function sliceTags(node: NodeProto, index: GraphIndex, shapes: ShapeMap, x: AxisTag[]): AxisTag[] {
  const inDims = dimsOf(shapes, node.input[0]!);
  const outDims = dimsOf(shapes, node.output[0]!);
  const starts = constInts(index, shapes, node.input[1]) ?? attrInts(node, 'starts');
  const axes = norm(constInts(index, shapes, node.input[3]) ?? attrInts(node, 'axes') ?? starts?.map((_, i) => i) ?? [], x.length);
  return x.map((t, i) => {
    if (t.kind !== 'T' || inDims[i] === outDims[i]) return t;
    const k = axes.indexOf(i);
    const start = k >= 0 && starts ? starts[k]! : -1;
    const n = outDims[i];
    return start >= 0 && start <= t.prefix && typeof n === 'number' && n === t.grid[0] * t.grid[1] + t.prefix - start
      ? { kind: 'T', prefix: t.prefix - start, grid: t.grid }
      : UNKNOWN;
  });
}

/** Concat: tokens concatenated in front of a token axis become prefix tokens. */
function concatTags(node: NodeProto, shapes: ShapeMap, tags: TagMap, outDims: Dim[]): AxisTag[] | undefined {
  const axis = norm([attrInt(node, 'axis', 0)], outDims.length)[0]!;
  const inputs = node.input.map((n) => ({ t: tags.get(n), d: dimsOf(shapes, n)[axis] }));
  const base = broadcastLike(
    inputs.map((i) => i.t),
    outDims.length,
    (j) => j !== axis,
  );
  const tokenAt = inputs.findIndex((i) => i.t?.[axis]?.kind === 'T');
  if (tokenAt < 0) {
    const along = inputs.map((i) => i.t?.[axis]);
    base[axis] = along.every((t) => t && sameTag(t, along[0]!)) ? along[0]! : UNKNOWN;
    return base;
  }
  const t = inputs[tokenAt]!.t![axis] as Extract<AxisTag, { kind: 'T' }>;
  const before = inputs.slice(0, tokenAt).map((i) => i.d);
  const fits = tokenAt === inputs.length - 1 && before.every((d) => typeof d === 'number');
  base[axis] = fits ? { kind: 'T', prefix: t.prefix + (before as number[]).reduce((a, b) => a + b, 0), grid: t.grid } : UNKNOWN;
  return base;
}

/** MatMul/Gemm by a weight: the rows keep their labels, the last axis holds channels. */
function matMulTags(node: NodeProto, tags: TagMap, outDims: Dim[]): AxisTag[] | undefined {
  const a = tags.get(node.input[0]!);
  const b = tags.get(node.input[1]!);
  if (!a || b || (node.opType === 'Gemm' && attrInt(node, 'transA', 0) === 1)) return outDims.map(() => UNKNOWN);
  return [...a.slice(0, -1), { kind: 'C' }];
}

/** Elementwise ops (and anything else): each output axis takes the agreeing labels of same-size inputs. */
function broadcastTags(node: NodeProto, shapes: ShapeMap, tags: TagMap, outDims: Dim[]): AxisTag[] {
  const inputs = node.input.map((n) => {
    const t = tags.get(n);
    const d = dimsOf(shapes, n);
    // an input axis vouches for an output axis only when it has the output's size (no broadcasting)
    return t?.map((tag, i) => (d[i] === outDims[i + outDims.length - d.length] ? tag : UNKNOWN));
  });
  return broadcastLike(inputs, outDims.length, () => true);
}

function broadcastLike(inputs: (AxisTag[] | undefined)[], rank: number, use: (axis: number) => boolean): AxisTag[] {
  return Array.from({ length: rank }, (_, j) => {
    if (!use(j)) return UNKNOWN;
    let found: AxisTag | undefined;
    for (const t of inputs) {
      const tag = t?.[j + t.length - rank];
      if (!tag || tag.kind === '?') continue;
      if (found && !sameTag(found, tag)) return UNKNOWN;
      found = tag;
    }
    return found ?? UNKNOWN;
  });
}
