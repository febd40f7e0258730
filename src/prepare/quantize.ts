/**
 * @module
 * `--quantize int8`: Conv, ConvTranspose, Gemm and MatMul weight initializers become per-output-channel
 * symmetric int8 initializers behind one DequantizeLinear each. The DequantizeLinear output keeps the
 * weight's original name, so the forward graph and the backward graph (which reuses the same weights,
 * e.g. in ConvTranspose or a transposed Gemm) share one dequantized tensor, and no fp32 copy stays in
 * the file. Run it after the gradient graph has been added. Biases and other tensors stay fp32.
 */
import { DataType, type ModelProto, type NodeProto, type TensorProto } from '../onnx/proto.js';
import { attrInt } from '../onnx/attributes.js';
import { makeNode } from '../onnx/nodes.js';
import { floatValues, makeFloatTensor, makeInt8Tensor } from '../onnx/tensor.js';
import { defaultOpset } from '../onnx/proto.js';
import { ApiError } from '../errors.js';
import { quantizePerChannel } from './quantize-math.js';

/** Weights with fewer elements are left in fp32: int8 would save a few hundred bytes at most. */
export const MIN_QUANTIZED_ELEMENTS = 128;

/** One weight stored as int8. */
export interface QuantizedTensor {
  name: string;
  /** The op that decided the axis (the weight's first Conv/Gemm/MatMul consumer). */
  op: string;
  axis: number;
  dims: number[];
  bytesBefore: number;
  bytesAfter: number;
}

/** What {@link quantizeWeights} did. */
export interface QuantizeReport {
  quantized: QuantizedTensor[];
  skipped: { name: string; reason: string }[];
}

/**
 * The output-channel axis of a weight for the op that consumes it at `inputIndex`, or undefined when
 * that input is not a weight this pass quantizes. Conv W [M, C/g, kh, kw]: axis 0; ConvTranspose
 * W [C, M/g, kh, kw]: axis 1; Gemm B: axis 0 with transB=1 ([N, K]), axis 1 otherwise ([K, N]);
 * MatMul B [..., K, N]: the last axis.
 */
export function weightAxis(node: NodeProto, inputIndex: number, rank: number): number | undefined {
  if (inputIndex !== 1) return undefined;
  switch (node.opType) {
    case 'Conv':
      return 0;
    case 'ConvTranspose':
      return rank >= 2 ? 1 : undefined;
    case 'Gemm':
      return attrInt(node, 'transB', 0) === 1 ? 0 : 1;
    case 'MatMul':
      return rank >= 2 ? rank - 1 : undefined;
    default:
      return undefined;
  }
}

interface Plan {
  tensor: TensorProto;
  node: NodeProto;
  axis: number;
}

/** The nodes of a graph and, after each node, those of its subgraphs (If branches), recursively. */
function allNodes(nodes: readonly NodeProto[]): NodeProto[] {
  return nodes.flatMap((n) => [n, ...n.attribute.flatMap((a) => [a.g, ...(a.graphs ?? [])]).flatMap((g) => (g ? allNodes(g.node) : []))]);
}

/**
 * The first weight-consuming node (graph order, so forward ops win) of each float initializer; nodes inside
 * subgraphs count too (a backward graph gated by an If, or a float copy of an int8 trunk, reads weights from
 * the outer scope).
 */
function planWeights(model: ModelProto): Plan[] {
  const inits = new Map(model.graph!.initializer.map((t) => [t.name, t]));
  const plans = new Map<string, Plan>();
  for (const node of allNodes(model.graph!.node)) {
    node.input.forEach((name, i) => {
      const tensor = inits.get(name);
      if (!tensor || plans.has(name) || tensor.dataType !== DataType.FLOAT) return;
      const axis = weightAxis(node, i, tensor.dims.length);
      if (axis !== undefined) plans.set(name, { tensor, node, axis });
    });
  }
  return [...plans.values()];
}

/** Why a weight stays fp32, or undefined when int8 pays off. */
function skipReason(elements: number, channels: number): string | undefined {
  if (elements < MIN_QUANTIZED_ELEMENTS) return `${elements} elements (under ${MIN_QUANTIZED_ELEMENTS}): int8 would save almost nothing`;
  if (3 * elements <= 5 * channels + 64)
    return `${channels} channels of ${elements / channels} element(s): the scales would cost more than int8 saves`;
  return undefined;
}

/** A tensor name not yet used in the graph, starting from `base`. */
function freshName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

function usedNames(model: ModelProto): Set<string> {
  const g = model.graph!;
  const names = new Set<string>([...g.initializer.map((t) => t.name), ...g.input.map((v) => v.name)]);
  for (const n of g.node) for (const o of n.output) names.add(o);
  return names;
}

/**
 * Replace Conv/ConvTranspose/Gemm/MatMul weight initializers by int8 + DequantizeLinear, in place.
 * Needs opset 13 or later (per-axis DequantizeLinear).
 *
 * @example
 * const report = quantizeWeights(model); // report.quantized[0] = { name: 'conv1.weight', axis: 0, ... }
 */
export function quantizeWeights(model: ModelProto): QuantizeReport {
  const opset = defaultOpset(model);
  if (opset < 13) {
    throw new ApiError(
      422,
      'bad_option',
      `--quantize int8 needs opset 13 or later (per-channel DequantizeLinear); the model declares opset ${opset}. Re-export it with opset_version=13..17 or use --quantize none.`,
    );
  }
  const graph = model.graph!;
  const used = usedNames(model);
  const report: QuantizeReport = { quantized: [], skipped: [] };
  const replaced = new Set<string>();
  const dqNodes: NodeProto[] = [];
  const newInits: TensorProto[] = [];
  for (const { tensor, node, axis } of planWeights(model)) {
    const dims = tensor.dims.map(Number);
    const elements = dims.reduce((a, b) => a * b, 1);
    const reason = skipReason(elements, dims[axis]!);
    if (reason) {
      report.skipped.push({ name: tensor.name, reason });
      continue;
    }
    const q = quantizePerChannel(floatValues(tensor), dims, axis);
    const qName = freshName(`${tensor.name}_int8`, used);
    const sName = freshName(`${tensor.name}_scale`, used);
    const zName = freshName(`${tensor.name}_zero_point`, used);
    newInits.push(
      makeInt8Tensor(qName, dims, q.values),
      makeFloatTensor(sName, [dims[axis]!], q.scales),
      makeInt8Tensor(zName, [dims[axis]!], new Int8Array(dims[axis]!)),
    );
    dqNodes.push(makeNode('DequantizeLinear', [qName, sName, zName], [tensor.name], { axis }, `${tensor.name}_dequantize`));
    replaced.add(tensor.name);
    report.quantized.push({
      name: tensor.name,
      op: node.opType,
      axis,
      dims,
      bytesBefore: elements * 4,
      bytesAfter: elements + dims[axis]! * 5,
    });
  }
  graph.initializer = [...graph.initializer.filter((t) => !replaced.has(t.name)), ...newInits];
  graph.input = graph.input.filter((v) => !replaced.has(v.name));
  graph.node = [...dqNodes, ...graph.node];
  return report;
}
