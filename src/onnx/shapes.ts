/**
 * @module
 * Shapes and element types of every tensor of a model, measured by running it once in ORT with all
 * intermediate tensors exposed as extra outputs (ORT infers the types of untyped graph outputs, so no
 * separate type inference is needed). A second run at batch 2 tells which dims follow the batch: those
 * are reported as the symbol 'N'.
 */
import { onnx, DataType, type ModelProto, type ValueInfoProto } from './proto.js';
import { numElements } from './tensor.js';
import type { ModelRunner, RunTensor } from '../runtime/runner.js';
import { ApiError } from '../errors.js';

/** A tensor dim: a number, or 'N' for a dim equal to the batch size. */
export type Dim = number | 'N';

/** Shape and ONNX element type (TensorProto.DataType) of one tensor. */
export interface TensorShape {
  dims: Dim[];
  elemType: number;
  /**
   * The value of a small integer tensor (shape arithmetic such as a Slice's starts computed from Shape),
   * recorded when it does not change with the batch: lets rules treat it as a constant.
   */
  value?: number[];
  /**
   * Axes other than 'N' whose size is a multiple of the batch (twice as large in the batch-2 run): the
   * exporter folded the batch into them (torch's MultiheadAttention reshapes to [T, N * heads, d] and
   * [T * N, C]). Absent when there are none.
   */
  batchScaled?: number[];
}

/** Integer tensors up to this many elements get their probed value recorded. */
const MAX_VALUE_ELEMENTS = 64;

/** Shapes of all tensors of a model by name (graph inputs, initializers, node outputs). */
export type ShapeMap = Map<string, TensorShape>;

/** Options of {@link probeShapes}. */
export interface ProbeOptions {
  /**
   * Concrete shapes of graph inputs, batch included (any batch value: the probe uses 1 and 2).
   * Needed when an input has symbolic dims other than the batch (dim 0).
   */
  inputShapes?: Record<string, number[]>;
}

const RUN_TYPES: Record<number, RunTensor['type']> = {
  [DataType.FLOAT]: 'float32',
  [DataType.DOUBLE]: 'float64',
  [DataType.INT64]: 'int64',
  [DataType.INT32]: 'int32',
  [DataType.BOOL]: 'bool',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
};
const ELEM_TYPES: Record<string, number> = Object.fromEntries(Object.entries(RUN_TYPES).map(([k, v]) => [v, Number(k)]));

/**
 * Probe the shapes of every tensor by running the model on random input.
 *
 * @example
 * const shapes = await probeShapes(model, nodeRunner());
 * shapes.get('/layer4/layer4.1/relu_1/Relu_output_0'); // { dims: ['N', 512, 7, 7], elemType: 1 }
 */
export async function probeShapes(model: ModelProto, runner: ModelRunner, opts: ProbeOptions = {}): Promise<ShapeMap> {
  const graph = model.graph!;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !inits.has(v.name));
  const bytes = onnx.ModelProto.encode(exposeAll(model, inputs)).finish();
  const session = await runner.createSession(bytes, { graphOptimization: 'disabled' });
  try {
    const one = await session.run(randomFeeds(inputs, 1, opts));
    let two: Record<string, RunTensor> | undefined;
    try {
      two = await session.run(randomFeeds(inputs, 2, opts));
    } catch {
      two = undefined; // e.g. a Reshape with the batch baked in: fall back to a heuristic below
    }
    const batchDependent = two
      ? undefined
      : dependentsOf(
          model,
          inputs.map((v) => v.name),
        );
    const shapes: ShapeMap = new Map();
    for (const t of graph.initializer) shapes.set(t.name, { dims: t.dims.map(Number), elemType: t.dataType });
    for (const [name, t] of Object.entries(one)) {
      const dims = two ? mergeBatch(t.dims, two[name]?.dims) : guessBatch(t, batchDependent!.has(name));
      const value = integerValue(t, two ? two[name] : t);
      const scaled = two ? scaledAxes(t.dims, two[name]?.dims) : [];
      shapes.set(name, {
        dims,
        elemType: ELEM_TYPES[t.type] ?? DataType.FLOAT,
        ...(value ? { value } : {}),
        ...(scaled.length > 0 ? { batchScaled: scaled } : {}),
      });
    }
    return shapes;
  } finally {
    await session.release();
  }
}

/** A copy of the model whose outputs are every tensor (inputs need a symbolic batch for the batch-2 run). */
function exposeAll(model: ModelProto, inputs: ValueInfoProto[]): ModelProto {
  const graph = model.graph!;
  const names = new Set<string>();
  for (const v of inputs) names.add(v.name);
  for (const n of graph.node) for (const o of n.output) if (o) names.add(o);
  const output = [...names].map((name) => onnx.ValueInfoProto.create({ name }));
  const input = graph.input.map((v) => (inputs.includes(v) ? withSymbolicBatch(v) : v));
  const g = onnx.GraphProto.create({ ...graph, input, output, valueInfo: [] });
  return onnx.ModelProto.create({ ...model, graph: g });
}

function withSymbolicBatch(v: ValueInfoProto): ValueInfoProto {
  const tt = v.type?.tensorType;
  const dims = tt?.shape?.dim;
  if (!tt || !dims || dims.length === 0) return v;
  const dim = dims.map((d, i) => (i === 0 ? onnx.TensorShapeProto.Dimension.create({ dimParam: 'N' }) : d));
  return onnx.ValueInfoProto.create({ name: v.name, type: { tensorType: { elemType: tt.elemType, shape: { dim } } } });
}

function randomFeeds(inputs: ValueInfoProto[], batch: number, opts: ProbeOptions): Record<string, RunTensor> {
  const feeds: Record<string, RunTensor> = {};
  for (const v of inputs) {
    const tt = v.type?.tensorType;
    const given = opts.inputShapes?.[v.name];
    const declared = tt?.shape?.dim ?? [];
    const dims = declared.map((d, i) => {
      if (i === 0) return batch;
      if (given) return given[i]!;
      if (d.dimValue != null && Number(d.dimValue) > 0) return Number(d.dimValue);
      throw new ApiError(
        422,
        'invalid_model',
        `Input "${v.name}" has a symbolic dim ${i} ("${d.dimParam}"); pass its concrete shape (e.g. --input-shape).`,
      );
    });
    feeds[v.name] = randomTensor(tt?.elemType ?? DataType.FLOAT, dims);
  }
  return feeds;
}

function randomTensor(elemType: number, dims: number[]): RunTensor {
  const n = numElements(dims);
  switch (elemType) {
    case DataType.FLOAT:
      return { type: 'float32', dims, data: Float32Array.from({ length: n }, () => Math.random() - 0.5) };
    case DataType.DOUBLE:
      return { type: 'float64', dims, data: Float64Array.from({ length: n }, () => Math.random() - 0.5) };
    case DataType.INT64:
      return { type: 'int64', dims, data: new BigInt64Array(n) };
    case DataType.INT32:
      return { type: 'int32', dims, data: new Int32Array(n) };
    default:
      throw new ApiError(422, 'invalid_model', `Input element type ${elemType} is not supported by the shape probe.`);
  }
}

/** The values of a small integer tensor if they are the same in both runs. */
function integerValue(one: RunTensor, two: RunTensor | undefined): number[] | undefined {
  if ((one.type !== 'int64' && one.type !== 'int32') || one.data.length > MAX_VALUE_ELEMENTS || !two) return undefined;
  const a = Array.from(one.data as ArrayLike<number | bigint>, Number);
  const b = Array.from(two.data as ArrayLike<number | bigint>, Number);
  return a.length === b.length && a.every((v, i) => v === b[i]) ? a : undefined;
}

/** Axes of size d > 1 at batch 1 and 2d at batch 2: the batch is folded into them. */
function scaledAxes(one: readonly number[], two: readonly number[] | undefined): number[] {
  if (!two || two.length !== one.length) return [];
  return one.flatMap((d, i) => (d > 1 && two[i] === 2 * d ? [i] : []));
}

/** Dims that are 1 at batch 1 and 2 at batch 2 follow the batch. */
function mergeBatch(one: readonly number[], two: readonly number[] | undefined): Dim[] {
  return one.map((d, i) => (two && two.length === one.length && d === 1 && two[i] === 2 ? 'N' : d));
}

/** Without a batch-2 run: dim 0 of a float tensor that depends on an input is the batch when it is 1. */
function guessBatch(t: RunTensor, dependsOnInput: boolean): Dim[] {
  const dims: Dim[] = [...t.dims];
  const isFloat = t.type === 'float32' || t.type === 'float64';
  if (dependsOnInput && isFloat && dims.length > 0 && dims[0] === 1) dims[0] = 'N';
  return dims;
}

/** Names of all tensors computed from the given tensors (themselves included). */
export function dependentsOf(model: ModelProto, roots: readonly string[]): Set<string> {
  const reached = new Set(roots);
  for (const node of model.graph!.node) {
    if (node.input.some((i) => i && reached.has(i))) for (const o of node.output) if (o) reached.add(o);
  }
  return reached;
}
