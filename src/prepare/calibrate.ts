/**
 * @module
 * Calibration for int8 activations (`prepare --calibrate <images>`): the range [min, max] of every float
 * tensor of the trunk (the forward graph up to the explained layers) over a set of calibration images.
 * The source model gets one ReduceMin and one ReduceMax per tensor as its only outputs, so a run returns
 * two scalars per tensor (no activation leaves the runtime) and memory stays that of one forward pass.
 * The range of a tensor is the smallest and largest value seen in any image (min/max calibration).
 */
import { onnx, DataType, type ModelProto, type GraphProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { ApiError } from '../errors.js';
import type { ModelRunner, RunTensor } from '../runtime/runner.js';

/** The smallest and largest value of one tensor over the calibration images. */
export interface Range {
  min: number;
  max: number;
}

/** The forward nodes up to the explained layers: every node that is an ancestor of one of `layers`, in graph order. */
export function trunkNodes(graph: GraphProto, layers: readonly string[]): onnx.NodeProto[] {
  const producer = new Map<string, onnx.NodeProto>();
  for (const n of graph.node) for (const o of n.output) if (o) producer.set(o, n);
  const keep = new Set<onnx.NodeProto>();
  const stack = [...layers];
  while (stack.length > 0) {
    const node = producer.get(stack.pop()!);
    if (!node || keep.has(node)) continue;
    keep.add(node);
    stack.push(...node.input.filter((i) => i));
  }
  return graph.node.filter((n) => keep.has(n));
}

/** The float tensors a trunk reads and writes that are not constants: the ones that need a range. */
export function trunkTensors(graph: GraphProto, trunk: readonly onnx.NodeProto[], isFloat: (name: string) => boolean): string[] {
  const constants = new Set(graph.initializer.map((t) => t.name));
  for (const n of graph.node) if (n.opType === 'Constant') constants.add(n.output[0]!);
  const names = new Set<string>();
  for (const n of trunk) for (const t of [...n.input, ...n.output]) if (t && !constants.has(t) && isFloat(t)) names.add(t);
  return [...names];
}

/** A reduction over every axis to a scalar (no axes: all of them, at every opset; keepdims=0). */
function reducer(op: 'ReduceMin' | 'ReduceMax', input: string, output: string): onnx.NodeProto {
  return makeNode(op, [input], [output], { keepdims: 0 }, output);
}

/** The source model with only the range outputs (names `calibrate/min:<t>`, `calibrate/max:<t>`). */
function rangeModel(model: ModelProto, tensors: readonly string[]): ModelProto {
  const graph = model.graph!;
  const nodes = [...graph.node];
  const outputs: onnx.ValueInfoProto[] = [];
  for (const t of tensors) {
    for (const [op, kind] of [
      ['ReduceMin', 'min'],
      ['ReduceMax', 'max'],
    ] as const) {
      const out = `calibrate/${kind}:${t}`;
      nodes.push(reducer(op, t, out));
      outputs.push(onnx.ValueInfoProto.create({ name: out, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [] } } } }));
    }
  }
  return onnx.ModelProto.create({ ...model, graph: onnx.GraphProto.create({ ...graph, node: nodes, output: outputs, valueInfo: [] }) });
}

/**
 * Run every calibration image (a preprocessed [1, ...] input tensor) through `model` and return the range
 * of each of `tensors`.
 *
 * @example
 * const ranges = await activationRanges(encode, model, ['input', '/relu/Relu_output_0'], 'input', images, runner);
 */
export async function activationRanges(
  encode: (m: ModelProto) => Uint8Array,
  model: ModelProto,
  tensors: readonly string[],
  inputName: string,
  images: readonly RunTensor[],
  runner: ModelRunner,
): Promise<Map<string, Range>> {
  if (images.length === 0) throw new ApiError(400, 'bad_option', '--calibrate needs at least one image (PNG or JPEG) in the folder.');
  const session = await runner.createSession(encode(rangeModel(model, tensors)));
  const ranges = new Map<string, Range>(tensors.map((t) => [t, { min: Infinity, max: -Infinity }]));
  try {
    for (const image of images) {
      const out = await session.run({ [inputName]: image });
      for (const t of tensors) {
        const r = ranges.get(t)!;
        r.min = Math.min(r.min, (out[`calibrate/min:${t}`]!.data as Float32Array)[0]!);
        r.max = Math.max(r.max, (out[`calibrate/max:${t}`]!.data as Float32Array)[0]!);
      }
    }
  } finally {
    await session.release();
  }
  for (const [t, r] of ranges) {
    if (!Number.isFinite(r.min) || !Number.isFinite(r.max))
      throw new ApiError(422, 'invalid_model', `Calibration saw non-finite values in "${t}"; int8 activations need finite ranges.`);
  }
  return ranges;
}
