/**
 * @module
 * Small functions that append nodes and constants to the backward graph under construction. Each returns
 * the name of the tensor it made. Opset differences (axes as attribute or input, ...) are handled here,
 * so rules stay short.
 */
import type { NodeProto, TensorProto } from '../onnx/proto.js';
import { makeNode } from '../onnx/nodes.js';
import type { AttrValue } from '../onnx/attributes.js';
import { makeFloatTensor, makeInt64Tensor } from '../onnx/tensor.js';
import type { Dim } from '../onnx/shapes.js';

/** Where emitted nodes and constants go, with a fresh-name source. */
export class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;
  private readonly scalars = new Map<string, string>();
  private batch: string | undefined;

  /**
   * @param opset the model's ai.onnx opset (emitted nodes must be valid at that version)
   * @param taken names already used in the model
   * @param seed the seed input, whose dim 0 is the batch of every gradient tensor
   */
  constructor(
    readonly opset: number,
    private readonly taken: Set<string>,
    private currentSeed: string,
  ) {}

  /** The seed input of the backward graph being built. */
  get seed(): string {
    return this.currentSeed;
  }

  /** Build the next backward graph from another seed input (its batch is looked up afresh). */
  useSeed(seed: string): void {
    this.currentSeed = seed;
    this.batch = undefined;
  }

  /** A name not used anywhere in the model. */
  fresh(hint: string): string {
    let name: string;
    do name = `gradcam/${hint}_${this.counter++}`;
    while (this.taken.has(name));
    this.taken.add(name);
    return name;
  }

  /** A cached scalar-like constant (float or int64) shared by all rules. */
  cached(key: string, make: () => TensorProto): string {
    let name = this.scalars.get(key);
    if (!name) {
      const t = make();
      name = t.name;
      this.initializers.push(t);
      this.scalars.set(key, name);
    }
    return name;
  }

  /** The gradient batch (dim 0 of the seed) as an int64 [1] tensor, made once. */
  gradBatch(): string {
    if (!this.batch) {
      const shape = op(this, 'Shape', [this.seed]);
      this.batch = slice(this, shape, [0], [1], [0]);
    }
    return this.batch;
  }
}

/** Append one node with one output; returns the output name. */
export function op(e: Emitter, opType: string, inputs: readonly string[], attrs: Record<string, AttrValue | undefined> = {}): string {
  const out = e.fresh(opType);
  e.nodes.push(makeNode(opType, inputs, [out], attrs, out));
  return out;
}

/** A float32 constant (initializer). Scalars are shared. */
export function constF(e: Emitter, dims: readonly number[], values: ArrayLike<number>): string {
  if (dims.length === 0 || (values.length === 1 && dims.every((d) => d === 1))) {
    const v = Math.fround(values[0]!);
    return e.cached(`f:${dims.join(',')}:${v}`, () => makeFloatTensor(e.fresh('c'), dims, [v]));
  }
  const name = e.fresh('c');
  e.initializers.push(makeFloatTensor(name, dims, values));
  return name;
}

/** A float32 scalar constant. */
export function scalarF(e: Emitter, value: number): string {
  return constF(e, [], [value]);
}

/** An int64 constant, shared when the values repeat. */
export function constI(e: Emitter, values: readonly number[], dims: readonly number[] = [values.length]): string {
  return e.cached(`i:${dims.join(',')}:${values.join(',')}`, () => makeInt64Tensor(e.fresh('i'), dims, values));
}

/** A static shape for Reshape: the batch dim (at most one 'N') becomes -1. */
export function reshapeTarget(dims: readonly Dim[]): number[] {
  if (dims.filter((d) => d === 'N').length > 1) throw new Error(`Cannot reshape to [${dims.join(', ')}]: several batch dims.`);
  return dims.map((d) => (d === 'N' ? -1 : d));
}

/** Reshape to a forward shape, keeping the gradient batch in place of 'N'. */
export function reshape(e: Emitter, x: string, dims: readonly Dim[]): string {
  return op(e, 'Reshape', [x, constI(e, reshapeTarget(dims))]);
}

/** ReduceSum with keepdims (axes as attribute before opset 13, as input from 13). */
export function reduceSum(e: Emitter, x: string, axes: readonly number[], keepdims = 1): string {
  if (e.opset >= 13) return op(e, 'ReduceSum', [x, constI(e, [...axes])], { keepdims });
  return op(e, 'ReduceSum', [x], { axes: [...axes], keepdims });
}

/** ReduceMean with keepdims (axes as attribute before opset 18, as input from 18). */
export function reduceMean(e: Emitter, x: string, axes: readonly number[], keepdims = 1): string {
  if (e.opset >= 18) return op(e, 'ReduceMean', [x, constI(e, [...axes])], { keepdims });
  return op(e, 'ReduceMean', [x], { axes: [...axes], keepdims });
}

/** Slice with constant starts/ends/axes/steps (inputs form, opset 10+). */
export function slice(
  e: Emitter,
  x: string,
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[],
  steps?: readonly number[],
): string {
  const inputs = [x, constI(e, [...starts]), constI(e, [...ends]), constI(e, [...axes])];
  if (steps) inputs.push(constI(e, [...steps]));
  return op(e, 'Slice', inputs);
}

/** Zero padding, pads in ONNX order [begin..., end...] over all axes. */
export function padZeros(e: Emitter, x: string, pads: readonly number[]): string {
  if (e.opset >= 11) return op(e, 'Pad', [x, constI(e, [...pads])], { mode: 'constant' });
  return op(e, 'Pad', [x], { pads: [...pads], mode: 'constant', value: { float: 0 } });
}

/** Unsqueeze (axes as attribute before opset 13, as input from 13). */
export function unsqueeze(e: Emitter, x: string, axes: readonly number[]): string {
  if (e.opset >= 13) return op(e, 'Unsqueeze', [x, constI(e, [...axes])]);
  return op(e, 'Unsqueeze', [x], { axes: [...axes] });
}

/** Zeros of a forward shape whose 'N' dims take the gradient batch. */
export function zerosLike(e: Emitter, dims: readonly Dim[]): string {
  const parts = dims.map((d) => (d === 'N' ? e.gradBatch() : constI(e, [d])));
  const shape = parts.length === 1 ? parts[0]! : op(e, 'Concat', parts, { axis: 0 });
  return op(e, 'ConstantOfShape', [shape]);
}

/** x * y (elementwise, broadcasting). */
export const mul = (e: Emitter, x: string, y: string): string => op(e, 'Mul', [x, y]);
/** x + y. */
export const add = (e: Emitter, x: string, y: string): string => op(e, 'Add', [x, y]);
/** x - y. */
export const sub = (e: Emitter, x: string, y: string): string => op(e, 'Sub', [x, y]);
/** x / y. */
export const div = (e: Emitter, x: string, y: string): string => op(e, 'Div', [x, y]);
/** -x. */
export const neg = (e: Emitter, x: string): string => op(e, 'Neg', [x]);
/** x * scalar. */
export const scale = (e: Emitter, x: string, s: number): string => (s === 1 ? x : mul(e, x, scalarF(e, s)));
/** Where(cond, a, b). */
export const where = (e: Emitter, cond: string, a: string, b: string): string => op(e, 'Where', [cond, a, b]);
/** x > scalar (bool). */
export const greaterThan = (e: Emitter, x: string, s: number): string => op(e, 'Greater', [x, scalarF(e, s)]);
/** x < scalar (bool). */
export const lessThan = (e: Emitter, x: string, s: number): string => op(e, 'Less', [x, scalarF(e, s)]);
