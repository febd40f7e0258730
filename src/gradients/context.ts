/**
 * @module
 * What a gradient rule sees: the forward node, shapes, constants, the incoming gradients, and an
 * {@link Emitter} for new nodes. A rule returns one gradient per forward input (undefined where none).
 */
import type { NodeProto, TensorProto } from '../onnx/proto.js';
import type { Dim, ShapeMap } from '../onnx/shapes.js';
import type { GraphIndex } from '../onnx/graph-index.js';
import { floatValues, intValues } from '../onnx/tensor.js';
import { ApiError } from '../errors.js';
import { type Emitter, op, zerosLike } from './emit.js';

/** The inputs of one rule invocation. */
export class GradContext {
  constructor(
    /** The forward node (a private copy: rules may add optional outputs to it). */
    readonly node: NodeProto,
    readonly e: Emitter,
    private readonly shapes: ShapeMap,
    private readonly index: GraphIndex,
    private readonly onPath: ReadonlySet<string>,
    private readonly incoming: readonly (string | undefined)[],
    /** Guided Backprop: ReLU-family rules pass back only positive gradients. */
    readonly guided: boolean,
  ) {}

  /** The model's ai.onnx opset. */
  get opset(): number {
    return this.e.opset;
  }

  /** Name of forward input i ('' when absent). */
  input(i: number): string {
    return this.node.input[i] ?? '';
  }

  /** Name of forward output i ('' when absent). */
  output(i = 0): string {
    return this.node.output[i] ?? '';
  }

  /** True when forward input i needs a gradient (it lies on the path from a layer to the logits). */
  needsGrad(i: number): boolean {
    const name = this.input(i);
    return name !== '' && this.onPath.has(name);
  }

  /** The gradient arriving at forward output i (output 0 by default); throws when none reaches it. */
  dY(i = 0): string {
    const g = this.incoming[i];
    if (!g) throw this.unsupported(`no gradient reaches output ${i}, which its rule needs.`);
    return g;
  }

  /** dY for ReLU-family rules: in guided mode only its positive part (Springenberg et al. 2015, eq. 6). */
  dYGuided(): string {
    return this.guided ? op(this.e, 'Relu', [this.dY()]) : this.dY();
  }

  /** The gradient at output i, or zeros of its shape when none reaches it. */
  dYOrZeros(i: number): string {
    return this.incoming[i] ?? zerosLike(this.e, this.shape(this.output(i)));
  }

  /** Forward shape of a tensor ('N' = batch); throws if the probe did not record it. */
  shape(name: string): Dim[] {
    const s = this.shapes.get(name);
    if (!s) throw new Error(`No shape recorded for tensor "${name}" (run probeShapes on this model).`);
    return s.dims;
  }

  /**
   * Forward shape for a Reshape target: like {@link GradContext.shape}, with an axis the batch is folded
   * into (see TensorShape.batchScaled) also 'N', so the target takes its size from the gradient (-1).
   */
  reshapeShape(name: string): Dim[] {
    const scaled = this.shapes.get(name)?.batchScaled ?? [];
    return this.shape(name).map((d, i) => (scaled.includes(i) ? 'N' : d));
  }

  /** Forward element type (ONNX DataType) of a tensor. */
  elemType(name: string): number {
    return this.shapes.get(name)?.elemType ?? 0;
  }

  /** The constant value of a tensor (initializer or Constant node), if it is one. */
  constant(name: string): TensorProto | undefined {
    return name ? this.index.constant(name) : undefined;
  }

  /** Float values of a constant input, or throws `unsupported_op` naming what must be constant. */
  constFloats(i: number, what: string): Float32Array {
    return floatValues(this.requireConstant(i, what));
  }

  /**
   * Integer values of a constant input, or of a shape-arithmetic tensor whose value the shape probe
   * recorded (it does not depend on the image); otherwise throws `unsupported_op`.
   */
  constInts(i: number, what: string): number[] {
    const probed = this.shapes.get(this.input(i))?.value;
    if (!this.constant(this.input(i)) && probed) return probed;
    return intValues(this.requireConstant(i, what));
  }

  /** Give forward output i a name if the model left it unset (e.g. MaxPool's Indices); returns it. */
  ensureOutput(i: number, hint: string): string {
    while (this.node.output.length <= i) this.node.output.push('');
    if (!this.node.output[i]) this.node.output[i] = this.e.fresh(hint);
    return this.node.output[i]!;
  }

  /** An `unsupported_op` error for this node (e.g. an attribute value the rule cannot differentiate). */
  unsupported(why: string): ApiError {
    return new ApiError(422, 'unsupported_op', `${this.node.opType} node "${this.node.name}": ${why}`, {
      opType: this.node.opType,
      node: this.node.name,
    });
  }

  private requireConstant(i: number, what: string): TensorProto {
    const t = this.constant(this.input(i));
    if (!t) throw this.unsupported(`${what} (input ${i}, "${this.input(i)}") must be a constant for its gradient rule.`);
    return t;
  }
}

/** A gradient rule: dX for each forward input (undefined where no gradient is needed or defined). */
export type GradRule = (ctx: GradContext) => (string | undefined)[];
