/**
 * @module
 * int8 arithmetic for the trunk (`prepare --quantize int8 --calibrate <images>`): the forward graph up to
 * the explained layers runs on uint8 activations with static scales from calibration (calibrate.ts), as
 * onnxruntime's QOperator format: Conv -> QLinearConv (per-channel int8 weights, int32 bias), Add ->
 * QLinearAdd, GlobalAveragePool -> QLinearGlobalAveragePool (both com.microsoft, in onnxruntime-web's CPU
 * kernels), MaxPool on uint8. A Relu or Clip(0, x) right after a Conv or Add is folded into it: its output
 * is quantized with zero point 0, so uint8 saturation is the ReLU. Any other op runs in float between a
 * DequantizeLinear and a QuantizeLinear. The explained layers, and any trunk tensor the rest of the graph
 * reads, leave the trunk through a DequantizeLinear under their original name, so the head, the backward
 * graph and the outputs stay float and unchanged.
 *
 * The backward graphs of the image input (gated Ifs, src/gradients/gate.ts) need the float forward of the
 * whole network (every ReLU mask): the forward nodes they read are copied, in float, into their then-branch,
 * so the input gradients are those of the int8-weight model.
 * A run that asks for input gradients therefore runs the trunk twice (int8, then float inside the If);
 * a run that does not pays nothing for it.
 *
 * Activations: uint8, asymmetric, per tensor: scale = (max - min) / 255 over the calibrated range widened to
 * contain 0, zero point = round(-min / scale).
 */
import { onnx, DataType, type ModelProto, type NodeProto, type TensorProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import { GraphIndex } from '../onnx/graph-index.js';
import { attrInt } from '../onnx/attributes.js';
import { floatValues, makeFloatTensor, makeInt8Tensor } from '../onnx/tensor.js';
import { quantizePerChannel } from './quantize-math.js';
import { trunkNodes, type Range } from './calibrate.js';
import { copyFloatForward, subgraphReads } from './float-copy.js';

/** What {@link quantizeActivations} did, by op. */
export interface ActivationReport {
  /** Trunk ops now running on int8, by op type (e.g. { QLinearConv: 20, QLinearAdd: 8 }). */
  int8: Record<string, number>;
  /** Trunk ops still running in float, by op type. */
  float: Record<string, number>;
  /** Trunk tensors copied in float into the input-gradient graphs. */
  floatCopies: number;
}

/** uint8 quantization parameters of a calibrated range. */
export function uint8Params(r: Range): { scale: number; zeroPoint: number } {
  const lo = Math.min(r.min, 0);
  const hi = Math.max(r.max, 0);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

function uint8Scalar(name: string, v: number): TensorProto {
  return onnx.TensorProto.create({ name, dims: [], dataType: DataType.UINT8, rawData: Uint8Array.of(v) });
}

function int32Tensor(name: string, values: Int32Array): TensorProto {
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: DataType.INT32, rawData: new Uint8Array(values.buffer) });
}

function msNode(opType: string, inputs: string[], outputs: string[], attrs: Record<string, number> = {}): NodeProto {
  const n = makeNode(opType, inputs, outputs, attrs, `${outputs[0]}/${opType}`);
  n.domain = 'com.microsoft';
  return n;
}

const count = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

/** A DequantizeLinear of initializers only: a weight stored as int8 by quantize.ts. */
function isConstantDequantize(n: NodeProto, index: GraphIndex): boolean {
  return n.opType === 'DequantizeLinear' && n.input.every((i) => !i || index.initializers.has(i));
}

/** A Conv weight as QLinearConv takes it: per-output-channel int8, zero points 0, and its scales. */
interface Int8Weight {
  values: string;
  scale: string;
  zeroPoint: string;
  scales: Float32Array;
}

/**
 * The int8 form of a Conv weight: the int8 initializer behind its DequantizeLinear (axis 0) when it has
 * one (shared with any float op that still reads the weight), else a new per-channel quantization of the
 * float initializer (added to `inits`). Undefined for any other weight (the Conv then stays float).
 */
function int8Weight(name: string, index: GraphIndex, inits: TensorProto[]): Int8Weight | undefined {
  const dq = index.producer.get(name);
  if (dq && isConstantDequantize(dq, index) && dq.input[2] && attrInt(dq, 'axis', 1) === 0) {
    const q = index.initializers.get(dq.input[0]!)!;
    if (q.dataType === DataType.INT8 && q.dims.length === 4)
      return {
        values: dq.input[0]!,
        scale: dq.input[1]!,
        zeroPoint: dq.input[2],
        scales: floatValues(index.initializers.get(dq.input[1]!)!),
      };
  }
  const weight = index.initializers.get(name);
  if (!weight || weight.dataType !== DataType.FLOAT) return undefined;
  const dims = weight.dims.map(Number);
  const w = quantizePerChannel(floatValues(weight), dims, 0);
  const base = `${name}:qlinear`;
  if (!inits.some((t) => t.name === `${base}_w`))
    inits.push(
      makeInt8Tensor(`${base}_w`, dims, w.values),
      makeFloatTensor(`${base}_w_scale`, [dims[0]!], w.scales),
      makeInt8Tensor(`${base}_w_zero_point`, [dims[0]!], new Int8Array(dims[0]!)),
    );
  return { values: `${base}_w`, scale: `${base}_w_scale`, zeroPoint: `${base}_w_zero_point`, scales: w.scales };
}

/** A Relu, or a Clip whose lower bound is 0, that can be folded into the op before it. */
function isReluLike(n: NodeProto, index: GraphIndex): boolean {
  if (n.opType === 'Relu') return true;
  if (n.opType !== 'Clip') return false;
  const lo = n.input[1] ? index.constant(n.input[1]) : undefined;
  return !!lo && floatValues(lo)[0] === 0;
}

/**
 * Rewrite the trunk of a prepared model (in place) to int8 arithmetic; see the module comment.
 * `ranges` must hold the range of every float tensor the trunk reads or writes (calibrate.ts).
 */
export function quantizeActivations(
  model: ModelProto,
  layers: readonly string[],
  ranges: ReadonlyMap<string, Range>,
  logits: string,
  keepFloat: (n: NodeProto) => boolean = () => false,
): ActivationReport {
  const graph = model.graph!;
  const index = new GraphIndex(graph);
  const trunk = trunkNodes(graph, layers);
  const inTrunk = new Set(trunk);
  const produced = new Set(trunk.flatMap((n) => n.output));
  // Constant nodes' outputs are never calibrated (they are not activations): an Add reading one stays float.
  const constants = new Set(trunk.filter((n) => n.opType === 'Constant').flatMap((n) => n.output));
  const report: ActivationReport = { int8: {}, float: {}, floatCopies: 0 };

  // Who outside the trunk reads which trunk tensor (main graph, subgraphs, outputs).
  const readOutside = new Set<string>(graph.output.map((o) => o.name));
  // The whole float forward (trunk and head): what the input-gradient gates read of it is copied into them.
  const forward = trunkNodes(graph, [logits]);
  const forwardOut = new Set(forward.flatMap((n) => n.output));
  const gateReads = new Map<NodeProto, Set<string>>();
  for (const n of graph.node) {
    if (inTrunk.has(n)) continue;
    for (const i of n.input) readOutside.add(i);
    const sub = new Set<string>();
    subgraphReads(n, sub);
    const fromForward = new Set([...sub].filter((t) => forwardOut.has(t)));
    if ([...fromForward].some((t) => produced.has(t))) gateReads.set(n, fromForward);
  }
  for (const l of layers) readOutside.add(l);

  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  const quantized = new Map<string, { q: string; scale: string; zp: string }>();
  const floatReady = new Set<string>([...index.initializers.keys(), ...graph.input.map((v) => v.name)]);
  for (const n of graph.node) if (!inTrunk.has(n)) for (const o of n.output) floatReady.add(o);

  const qParams = (t: string): { q: string; scale: string; zp: string } => {
    const r = ranges.get(t);
    if (!r) throw new Error(`internal: no calibrated range for "${t}"`);
    const p = uint8Params(r);
    const entry = { q: `${t}:u8`, scale: `${t}:u8_scale`, zp: `${t}:u8_zero_point` };
    inits.push(makeFloatTensor(entry.scale, [], [p.scale]), uint8Scalar(entry.zp, p.zeroPoint));
    quantized.set(t, entry);
    return entry;
  };
  const ensureQ = (t: string) => {
    const have = quantized.get(t);
    if (have) return have;
    const p = qParams(t);
    nodes.push(makeNode('QuantizeLinear', [t, p.scale, p.zp], [p.q], {}, `${p.q}/QuantizeLinear`));
    return p;
  };
  const ensureF = (t: string): string => {
    if (floatReady.has(t) || !t) return t;
    const p = quantized.get(t);
    if (!p) throw new Error(`internal: trunk tensor "${t}" is neither float nor quantized`);
    nodes.push(makeNode('DequantizeLinear', [p.q, p.scale, p.zp], [t], {}, `${t}/DequantizeLinear`));
    floatReady.add(t);
    return t;
  };
  /** The op's output, or the following ReLU-like op's output when it can be folded in. */
  const folded = (y: string): { out: string; absorbed?: NodeProto } => {
    const users = index.consumers.get(y) ?? [];
    const r = users[0];
    if (users.length === 1 && inTrunk.has(r!) && isReluLike(r!, index) && !readOutside.has(y)) return { out: r!.output[0]!, absorbed: r };
    return { out: y };
  };

  const absorbed = new Set<NodeProto>();
  for (const n of trunk) {
    if (absorbed.has(n)) continue;
    if (keepFloat(n)) {
      nodes.push(onnx.NodeProto.create({ ...n, input: n.input.map(ensureF) }));
      for (const o of n.output) floatReady.add(o);
      count(report.float, n.opType);
      continue;
    }
    if (isConstantDequantize(n, index)) {
      // An int8 weight behind DequantizeLinear (--quantize int8): kept while a float op still reads it.
      nodes.push(n);
      floatReady.add(n.output[0]!);
      continue;
    }
    const weight = n.opType === 'Conv' ? int8Weight(n.input[1]!, index, inits) : undefined;
    const bias = n.opType === 'Conv' && n.input[2] ? index.initializers.get(n.input[2]) : undefined;
    if (n.opType === 'Conv' && weight && (!n.input[2] || bias)) {
      const x = ensureQ(n.input[0]!);
      const { out, absorbed: r } = folded(n.output[0]!);
      if (r) absorbed.add(r);
      const y = qParams(out);
      const w = weight;
      const base = `${n.output[0]}:qlinear`;
      const inputs = [x.q, x.scale, x.zp, w.values, w.scale, w.zeroPoint, y.scale, y.zp];
      if (bias) {
        const xs = uint8Params(ranges.get(n.input[0]!)!).scale;
        const b = floatValues(bias);
        inits.push(
          int32Tensor(
            `${base}_b`,
            Int32Array.from(b, (v, c) => Math.round(v / (xs * w.scales[c]!))),
          ),
        );
        inputs.push(`${base}_b`);
      }
      nodes.push(onnx.NodeProto.create({ ...n, opType: 'QLinearConv', input: inputs, output: [y.q], name: `${base}/QLinearConv` }));
      count(report.int8, 'QLinearConv');
    } else if (
      n.opType === 'Add' &&
      n.input.every((i) => (produced.has(i) && !constants.has(i)) || graph.input.some((v) => v.name === i))
    ) {
      const [a, b] = [ensureQ(n.input[0]!), ensureQ(n.input[1]!)];
      const { out, absorbed: r } = folded(n.output[0]!);
      if (r) absorbed.add(r);
      const y = qParams(out);
      nodes.push(msNode('QLinearAdd', [a.q, a.scale, a.zp, b.q, b.scale, b.zp, y.scale, y.zp], [y.q]));
      count(report.int8, 'QLinearAdd');
    } else if (n.opType === 'GlobalAveragePool') {
      const x = ensureQ(n.input[0]!);
      const y = qParams(n.output[0]!);
      nodes.push(msNode('QLinearGlobalAveragePool', [x.q, x.scale, x.zp, y.scale, y.zp], [y.q], { channels_last: 0 }));
      count(report.int8, 'QLinearGlobalAveragePool');
    } else if (n.opType === 'MaxPool' && (!n.output[1] || !readOutside.has(n.output[1]))) {
      // An Indices output read only by input-gradient gates is recomputed by their float copy.
      const x = ensureQ(n.input[0]!);
      const y = { q: `${n.output[0]}:u8`, scale: x.scale, zp: x.zp };
      quantized.set(n.output[0]!, y);
      nodes.push(onnx.NodeProto.create({ ...n, input: [x.q], output: [y.q], name: `${y.q}/MaxPool` }));
      if (n.output[1]) floatReady.add(n.output[1]); // not produced in the main graph any more; nothing there reads it
      count(report.int8, 'MaxPool');
    } else {
      nodes.push(onnx.NodeProto.create({ ...n, input: n.input.map(ensureF) }));
      for (const o of n.output) floatReady.add(o);
      if (n.opType !== 'Constant') count(report.float, n.opType);
    }
  }
  // Trunk tensors the rest of the main graph reads leave through a DequantizeLinear.
  for (const t of produced) if (readOutside.has(t) && (quantized.has(t) || floatReady.has(t))) ensureF(t);
  report.floatCopies = copyFloatForward(forward, gateReads);
  graph.node = [...nodes, ...graph.node.filter((n) => !inTrunk.has(n))];
  // Weights the trunk no longer reads in float (QLinearConv reads the int8 tensors) leave the file.
  const readsOf = (list: readonly NodeProto[]): Set<string> => {
    const reads = new Set<string>(graph.output.map((o) => o.name));
    for (const n of list) {
      for (const i of n.input) reads.add(i);
      subgraphReads(n, reads);
    }
    return reads;
  };
  const before = readsOf(graph.node);
  graph.node = graph.node.filter((n) => !isConstantDequantize(n, index) || before.has(n.output[0]!));
  const reads = readsOf(graph.node);
  const trunkInputs = new Set(trunk.flatMap((n) => n.input));
  graph.initializer = [...graph.initializer.filter((t) => !trunkInputs.has(t.name) || reads.has(t.name)), ...inits];
  if (!model.opsetImport.some((o) => o.domain === 'com.microsoft'))
    model.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'com.microsoft', version: 1 }));
  return report;
}
