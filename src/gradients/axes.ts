/**
 * @module
 * Reading axis lists that moved from attributes to inputs across opsets (ReduceSum 13, ReduceMean 18,
 * Squeeze/Unsqueeze 13, Split 13), normalised to non-negative values.
 */
import type { GradContext } from './context.js';
import { attrInt, attrInts } from '../onnx/attributes.js';

/** A possibly negative axis made non-negative for a tensor of the given rank. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * Axes given by input `index` (from opset `inputSince`) or by the `axes` attribute before it;
 * undefined when absent.
 */
export function readAxes(ctx: GradContext, index: number, inputSince: number, rank: number): number[] | undefined {
  let axes: number[] | undefined;
  if (ctx.opset >= inputSince) axes = ctx.input(index) ? ctx.constInts(index, 'axes') : undefined;
  else axes = attrInts(ctx.node, 'axes');
  return axes?.map((a) => normAxis(a, rank));
}

/** The axes a Softmax / LogSoftmax normalises over, per its opset's semantics. */
export function softmaxAxes(ctx: GradContext): number[] {
  const rank = ctx.shape(ctx.input(0)).length;
  if (ctx.opset >= 13) return [normAxis(attrInt(ctx.node, 'axis', -1), rank)];
  const axis = normAxis(attrInt(ctx.node, 'axis', 1), rank);
  return Array.from({ length: rank - axis }, (_, i) => axis + i);
}
