/**
 * @module
 * Static activation memory of an uploaded model, computed from its graph before anything runs: output
 * shapes are inferred node by node from the input size, the initializers' dims and the attributes (Conv,
 * pooling, Gemm/MatMul, Concat, Reshape/Flatten/Transpose, broadcasting elementwise ops, DequantizeLinear and the
 * shape-preserving ones); an op whose output shape cannot be inferred is bounded by its largest input
 * (every op the prepare compiler supports that is not inferred here - Slice, Gather, Split, Reduce* -
 * never grows its input). The sum over all tensors is what the shape probe holds (it exposes every
 * intermediate, at batch 1 and then 2), and about half of what one explanation run of the prepared
 * model holds per image (activations plus their gradients).
 */
import { attrInt, attrInts, attrString } from '../../onnx/attributes.js';
import type { ModelProto, NodeProto } from '../../onnx/proto.js';
import { floatValues, intValues } from '../../onnx/tensor.js';

/** Shape (batch 1) when inferred, and an upper bound of the element count. */
interface Bound {
  shape: number[] | null;
  elements: number;
}

const SAME_SHAPE = new Set([
  'Relu',
  'Clip',
  'Sigmoid',
  'Tanh',
  'HardSigmoid',
  'HardSwish',
  'LeakyRelu',
  'PRelu',
  'BatchNormalization',
  'Identity',
  'Cast',
  'Erf',
  'Sqrt',
  'Neg',
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  'Dropout',
  'Abs',
  'Exp',
  'Log',
  'Gelu',
  'Elu',
  'Selu',
  'DequantizeLinear',
  'QuantizeLinear',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Where', 'Max', 'Min', 'Sum', 'Equal', 'Less', 'Greater']);

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const known = (shape: number[] | null | undefined): shape is number[] => !!shape && shape.every((d) => Number.isFinite(d) && d >= 0);
const exact = (shape: number[]): Bound => ({ shape, elements: product(shape) });

function broadcast(shapes: (number[] | null)[]): number[] | null {
  if (!shapes.every(known)) return null;
  const rank = Math.max(...shapes.map((s) => s!.length));
  return Array.from({ length: rank }, (_, i) => Math.max(...shapes.map((s) => s![s!.length - rank + i] ?? 1)));
}

/** Spatial output size of a sliding window (Conv, pooling). */
function windowed(
  size: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
  ceil: boolean,
  autoPad: string,
): number {
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / stride);
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

function windowShape(node: NodeProto, x: number[], channels: number, kernel: number[]): number[] {
  const n = kernel.length;
  const strides = attrInts(node, 'strides', Array(n).fill(1));
  const pads = attrInts(node, 'pads', Array(2 * n).fill(0));
  const dil = attrInts(node, 'dilations', Array(n).fill(1));
  const ceil = attrInt(node, 'ceil_mode', 0) === 1;
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const spatial = kernel.map((k, i) => windowed(x[2 + i], k, strides[i], pads[i], pads[n + i], dil[i], ceil, autoPad));
  return [x[0], channels, ...spatial];
}

function matmulShape(a: number[], b: number[]): number[] | null {
  if (a.length < 1 || b.length < 1) return null;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
  return batch ? [...batch, a2[a2.length - 2], b2[b2.length - 1]] : null;
}

function reshape(target: number[], input: Bound): Bound {
  const out = target.map((d, i) => (d === 0 && input.shape ? input.shape[i] : d));
  const rest = product(out.filter((d) => d !== -1));
  const shape = out.map((d) => (d === -1 ? Math.max(1, Math.round(input.elements / Math.max(1, rest))) : d));
  return { shape, elements: input.elements };
}

/** Bytes of every tensor of one forward pass at batch 1 (4 bytes per element), and the largest tensor. */
export interface ActivationMemory {
  /** Sum over every node output, in bytes. */
  readonly totalBytes: number;
  /** The largest single tensor, in bytes. */
  readonly largestBytes: number;
  readonly largestTensor: string;
}

/**
 * Infer the activation memory of `model` for a batch-1 input of `inputShape`.
 *
 * @example
 * activationMemory(model, 'input', [1, 3, 224, 224]).totalBytes; // e.g. 27 MB for MobileNetV2
 */
export function activationMemory(model: ModelProto, inputName: string, inputShape: readonly number[]): ActivationMemory {
  const graph = model.graph!;
  const bounds = new Map<string, Bound>();
  const values = new Map<string, number[]>();
  // Other graph inputs (a prepared model's seeds): their declared dims, symbolic ones (the batch) as 1.
  for (const v of graph.input) {
    const dims = v.type?.tensorType?.shape?.dim?.map((d) => (d.dimValue != null && Number(d.dimValue) > 0 ? Number(d.dimValue) : 1));
    if (dims) bounds.set(v.name, exact(dims));
  }
  for (const t of graph.initializer) {
    const dims = t.dims.map(Number);
    bounds.set(t.name, exact(dims));
    if (product(dims) <= 64 && (t.dataType === 7 || t.dataType === 6)) values.set(t.name, intValues(t));
    else if (product(dims) <= 64 && t.dataType === 1) values.set(t.name, [...floatValues(t)]);
  }
  bounds.set(inputName, exact([...inputShape]));
  let totalBytes = 0;
  let largestBytes = 0;
  let largestTensor = inputName;
  for (const node of graph.node) {
    if (node.opType === 'Constant') {
      const t = node.attribute.find((a) => a.name === 'value')?.t;
      if (t) {
        bounds.set(node.output[0], exact(t.dims.map(Number)));
        totalBytes += product(t.dims.map(Number)) * 4;
        if (product(t.dims.map(Number)) <= 64 && (t.dataType === 7 || t.dataType === 6)) values.set(node.output[0], intValues(t));
        else if (product(t.dims.map(Number)) <= 64 && t.dataType === 1) values.set(node.output[0], [...floatValues(t)]);
      }
      continue;
    }
    const ins = node.input.map((name) => (name ? bounds.get(name) : undefined));
    const inValues = node.input.map((name) => values.get(name));
    const folded = foldValues(node, ins, inValues);
    if (folded) values.set(node.output[0], folded);
    // a folded value is a small 1-D integer tensor (a shape or a size computed from one)
    const outs = folded ? [exact([folded.length])] : inferNode(node, ins, inValues);
    node.output.forEach((name, i) => {
      if (!name) return;
      const b = outs[i] ?? outs[0];
      bounds.set(name, b);
      totalBytes += b.elements * 4;
      if (b.elements * 4 > largestBytes) {
        largestBytes = b.elements * 4;
        largestTensor = name;
      }
    });
  }
  return { totalBytes, largestBytes, largestTensor };
}

function inferNode(node: NodeProto, ins: (Bound | undefined)[], values: (number[] | undefined)[]): Bound[] {
  const x = ins[0];
  const fallback: Bound = { shape: null, elements: Math.max(1, ...ins.map((b) => b?.elements ?? 0)) };
  const op = node.opType;
  if (SAME_SHAPE.has(op) && x) return [x];
  if (BROADCAST.has(op)) {
    const shape = broadcast(ins.map((b) => b?.shape ?? null));
    return [shape ? exact(shape) : fallback];
  }
  const xs = x?.shape;
  if ((op === 'Conv' || op === 'ConvInteger') && known(xs) && known(ins[1]?.shape)) {
    const w = ins[1]!.shape!;
    return [exact(windowShape(node, xs, w[0], w.slice(2)))];
  }
  if ((op === 'MaxPool' || op === 'AveragePool') && known(xs))
    return [exact(windowShape(node, xs, xs[1], attrInts(node, 'kernel_shape', [])))];
  if ((op === 'GlobalAveragePool' || op === 'GlobalMaxPool') && known(xs)) return [exact([xs[0], xs[1], ...xs.slice(2).map(() => 1)])];
  if (op === 'Flatten' && known(xs)) {
    const axis = attrInt(node, 'axis', 1);
    return [exact([product(xs.slice(0, axis)), product(xs.slice(axis))])];
  }
  if (op === 'Gemm' && known(xs) && known(ins[1]?.shape)) {
    const b = ins[1]!.shape!;
    const m = attrInt(node, 'transA', 0) ? xs[1] : xs[0];
    const n = attrInt(node, 'transB', 0) ? b[0] : b[1];
    return [exact([m, n])];
  }
  if (op === 'MatMul' && known(xs) && known(ins[1]?.shape)) {
    const shape = matmulShape(xs, ins[1]!.shape!);
    if (shape) return [exact(shape)];
  }
  if (op === 'Concat' && ins.every((b) => b)) {
    const axis = attrInt(node, 'axis', 0);
    const elements = ins.reduce((n, b) => n + b!.elements, 0);
    if (ins.every((b) => known(b!.shape))) {
      const shape = [...ins[0]!.shape!];
      const a = axis < 0 ? shape.length + axis : axis;
      shape[a] = ins.reduce((n, b) => n + b!.shape![a], 0);
      return [exact(shape)];
    }
    return [{ shape: null, elements }];
  }
  if (op === 'Transpose' && known(xs)) {
    const perm = attrInts(
      node,
      'perm',
      xs.map((_, i) => xs.length - 1 - i),
    );
    return [exact(perm.map((p) => xs[p]))];
  }
  if (op === 'Reshape' && x && values[1]) return [reshape(values[1], x)];
  if (op === 'Pad' && known(xs)) {
    const pads = values[1] ?? attrInts(node, 'pads', []);
    if (pads.length === 2 * xs.length) return [exact(xs.map((d, i) => d + pads[i] + pads[xs.length + i]))];
  }
  if (op === 'Slice' && known(xs) && values[1] && values[2]) return [exact(sliceShape(xs, values[1], values[2], values[3], values[4]))];
  if (op === 'Split' && known(xs)) {
    const shapes = splitShapes(node, xs, values[1]);
    if (shapes) return shapes.map(exact);
  }
  if (op === 'Resize' && known(xs) && values[3]?.length === xs.length) return [exact(values[3])];
  if (op === 'Resize' && known(xs) && values[2]?.length === xs.length) return [exact(xs.map((d, i) => Math.floor(d * values[2]![i]!)))];
  if (op === 'Shape') return [exact([x?.shape?.length ?? 8])];
  if (op === 'ConstantOfShape' && values[0]) return [exact(values[0])];
  if (['Squeeze', 'Unsqueeze', 'Reshape'].includes(op) && x) return [{ shape: null, elements: x.elements }];
  return node.output.map(() => fallback);
}

/** ONNX Slice (opset 10+): starts, ends and optional axes and steps as constant inputs. */
function sliceShape(xs: number[], starts: number[], ends: number[], axes?: number[], steps?: number[]): number[] {
  const out = [...xs];
  starts.forEach((start, i) => {
    const axis = axes ? (axes[i] < 0 ? axes[i] + xs.length : axes[i]) : i;
    const step = steps?.[i] ?? 1;
    const dim = xs[axis];
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
    const [b, e] = step > 0 ? [clamp(start, 0, dim), clamp(ends[i], 0, dim)] : [clamp(start, -1, dim - 1), clamp(ends[i], -1, dim - 1)];
    out[axis] = Math.max(0, Math.ceil((e - b) / step));
  });
  return out;
}

/** ONNX Split: the `split` input (opset 13+) or attribute, else equal parts (`num_outputs` or one per output). */
function splitShapes(node: NodeProto, xs: number[], split?: number[]): number[][] | null {
  const axis = attrInt(node, 'axis', 0);
  const a = axis < 0 ? axis + xs.length : axis;
  const sizes = split ?? attrInts(node, 'split', []);
  const parts = sizes.length > 0 ? sizes : Array(node.output.length).fill(Math.ceil(xs[a] / node.output.length));
  if (parts.length !== node.output.length) return null;
  return parts.map((d) => xs.map((v, i) => (i === a ? d : v)));
}

/**
 * Small integer tensors computed from shapes (Shape -> Gather -> Add/Div -> Slice, as exporters write a
 * chunk or a reshape target), folded so that the ops reading them get exact shapes; undefined when unknown.
 */
function foldValues(node: NodeProto, ins: (Bound | undefined)[], v: (number[] | undefined)[]): number[] | undefined {
  const op = node.opType;
  if (op === 'Shape') return known(ins[0]?.shape) ? [...ins[0]!.shape!] : undefined;
  if (op === 'Gather' && v[0] && v[1]) return v[1].map((i) => v[0]![i < 0 ? i + v[0]!.length : i]!);
  if ((op === 'Unsqueeze' || op === 'Squeeze' || op === 'Identity' || op === 'Cast') && v[0]) return [...v[0]];
  if (op === 'ConstantOfShape' && v[0] && product(v[0]) <= 64) {
    const t = node.attribute.find((a) => a.name === 'value')?.t;
    const fill = t ? (t.dataType === 1 ? floatValues(t)[0] : intValues(t)[0]) : 0;
    return Array(product(v[0])).fill(fill ?? 0);
  }
  if (op === 'Concat' && v.length > 0 && v.every((x) => x)) return v.flatMap((x) => x!);
  const arith: Record<string, (a: number, b: number) => number> = {
    Add: (a, b) => a + b,
    Sub: (a, b) => a - b,
    Mul: (a, b) => a * b,
    Div: (a, b) => Math.trunc(a / b),
    // integer Mod (fmod = 0) takes the divisor's sign, as Python's %: (7 - w % 7) % 7 pads w to whole windows
    Mod: (a, b) => (attrInt(node, 'fmod', 0) ? a % b : ((a % b) + b) % b),
  };
  if (arith[op] && v[0] && v[1] && (v[0].length === v[1].length || v[0].length === 1 || v[1].length === 1)) {
    const n = Math.max(v[0].length, v[1].length);
    return Array.from({ length: n }, (_, i) => arith[op]!(v[0]![v[0]!.length === 1 ? 0 : i]!, v[1]![v[1]!.length === 1 ? 0 : i]!));
  }
  return undefined;
}
