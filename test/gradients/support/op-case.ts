/**
 * @module
 * Gradient-rule test cases as data (in the spirit of onnxruntime's test/data/ops/*.jsonc): a tiny graph
 * (usually one node), its inputs (differentiable graph inputs or constants) and the opset. Builders
 * here turn a case into an ONNX model in float32 or float64.
 */
import { onnx, DataType, type ModelProto, type TensorProto } from '../../../src/onnx/proto.js';
import { makeNode } from '../../../src/onnx/nodes.js';
import type { AttrValue } from '../../../src/onnx/attributes.js';
import { makeInt64Tensor } from '../../../src/onnx/tensor.js';

/** A differentiable graph input: shape without the batch (the runner adds a symbolic batch dim 0). */
export interface XInput {
  x: number[];
  /** Value range (default ±[0.1, 1]: magnitudes away from the kink at 0). */
  range?: [number, number];
  /** Kinks to keep values at least 0.05 away from (default [0]). */
  avoid?: number[];
  /** Distinct values on a grid spaced 0.05 apart (MaxPool: no ties). */
  distinct?: boolean;
}
/** A float constant (initializer), random in range unless values are given. */
export interface ConstInput {
  c: number[];
  values?: number[];
  range?: [number, number];
}
/** An int64 constant. */
export interface IntInput {
  ints: number[];
  values: number[];
}
/** One case input. */
export type CaseInput = XInput | ConstInput | IntInput;

/** One node of a case graph (input/output names refer to case inputs or earlier outputs). */
export interface CaseNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

/** A gradient test case. */
export interface OpCase {
  name: string;
  opset: number;
  inputs: Record<string, CaseInput>;
  nodes: CaseNode[];
  /** The tensor used as logits (default: the first output of the last node). */
  logits?: string;
  /** Tensors whose gradient is checked (default: every x input). */
  layers?: string[];
}

/**
 * A one-node case: inputs named by their position ('' skips an optional input), output 'y'
 * (extra outputs 'y1', 'y2', ... when `outputs` > 1).
 */
export function one(
  op: string,
  opset: number,
  inputs: (CaseInput | '')[],
  attrs: Record<string, AttrValue> = {},
  opts: { name?: string; outputs?: number } = {},
): OpCase {
  const named: Record<string, CaseInput> = {};
  const names = inputs.map((inp, i) => {
    if (inp === '') return '';
    const name = `${'x' in inp ? 'x' : 'c'}${i}`;
    named[name] = inp;
    return name;
  });
  const outputs = ['y', ...Array.from({ length: (opts.outputs ?? 1) - 1 }, (_, i) => `y${i + 1}`)];
  const label = opts.name ?? `${op} ${describe(inputs)} ${JSON.stringify(attrs)}`;
  return { name: `${label} (opset ${opset})`, opset, inputs: named, nodes: [{ op, inputs: names, outputs, attrs }] };
}

function describe(inputs: (CaseInput | '')[]): string {
  return inputs.map((i) => (i === '' ? '-' : 'x' in i ? `x[${i.x}]` : 'c' in i ? `c[${i.c}]` : `i[${i.values}]`)).join(' ');
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values for an x input (batch included in `count`), away from kinks or distinct. */
export function xValues(spec: XInput, count: number, rand: () => number): Float64Array {
  if (spec.distinct) {
    const grid = Array.from({ length: count }, (_, i) => (i - count / 2) * 0.05);
    for (let i = grid.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [grid[i], grid[j]] = [grid[j]!, grid[i]!];
    }
    return Float64Array.from(grid, (v) => v + 0.01);
  }
  const avoid = spec.avoid ?? [0];
  return Float64Array.from({ length: count }, () => {
    for (;;) {
      const v = spec.range ? spec.range[0] + (spec.range[1] - spec.range[0]) * rand() : (rand() < 0.5 ? -1 : 1) * (0.1 + 0.9 * rand());
      if (avoid.every((k) => Math.abs(v - k) >= 0.05)) return v;
    }
  });
}

/** Element type of the float tensors of a built case. */
export type Precision = 'float32' | 'float64';

/** Build the ONNX model of a case; x inputs get a symbolic batch dim 'N'. Constants come from `consts`. */
export function buildModel(c: OpCase, consts: Map<string, Float64Array>, precision: Precision): ModelProto {
  const elemType = precision === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  const input: onnx.IValueInfoProto[] = [];
  const initializer: TensorProto[] = [];
  for (const [name, spec] of Object.entries(c.inputs)) {
    if ('x' in spec) input.push(valueInfo(name, elemType, ['N', ...spec.x]));
    else if ('ints' in spec) initializer.push(makeInt64Tensor(name, spec.ints, spec.values));
    else initializer.push(floatTensor(name, spec.c, consts.get(name)!, precision));
  }
  const node = c.nodes.map((n) => makeNode(n.op, n.inputs, n.outputs, castTo(n, precision), n.outputs[0]));
  const logits = c.logits ?? c.nodes[c.nodes.length - 1]!.outputs[0]!;
  const graph = onnx.GraphProto.create({ name: 'case', node, input, initializer, output: [onnx.ValueInfoProto.create({ name: logits })] });
  return onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: c.opset }],
    graph,
    producerName: 'gradcam-edge-test',
  });
}

/** Cast nodes that target float32 target float64 in the double model. */
function castTo(n: CaseNode, precision: Precision): Record<string, AttrValue> {
  const attrs = { ...(n.attrs ?? {}) };
  if (precision === 'float64' && n.op === 'Cast' && attrs.to === DataType.FLOAT) attrs.to = DataType.DOUBLE;
  return attrs;
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function floatTensor(name: string, dims: number[], values: Float64Array, precision: Precision): TensorProto {
  const data = precision === 'float64' ? new Float64Array(values) : Float32Array.from(values);
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: precision === 'float64' ? DataType.DOUBLE : DataType.FLOAT,
    rawData: new Uint8Array(data.buffer),
  });
}
