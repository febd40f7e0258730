/**
 * @module
 * The backward of ReduceSum / ReduceMean: dY (keepdims shape) times a constant that is 1 (or 1/count)
 * over the reduced axes and broadcasts over the others, so one Mul restores X's shape.
 */
import type { GradContext } from './context.js';
import { attrInt } from '../onnx/attributes.js';
import { constF, mul, reshape } from './emit.js';
import { readAxes } from './axes.js';

/** dX of a ReduceSum (mean = false) or ReduceMean (mean = true) node. */
export function reduceBackward(ctx: GradContext, axesInputSince: number, mean: boolean): string {
  const x = ctx.shape(ctx.input(0));
  const given = readAxes(ctx, 1, axesInputSince, x.length);
  const noop = attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1;
  if ((!given || given.length === 0) && noop) return ctx.dY();
  const axes = given && given.length > 0 ? given : x.map((_, i) => i);
  if (axes.some((a) => x[a] === 'N')) throw ctx.unsupported('reducing over the batch axis is not supported.');
  let g = ctx.dY();
  const kept = x.map((d, i) => (axes.includes(i) ? 1 : d));
  if (attrInt(ctx.node, 'keepdims', 1) === 0) g = reshape(ctx.e, g, kept);
  const dims = x.map((d, i) => (axes.includes(i) ? (d as number) : 1));
  const count = dims.reduce((a, b) => a * b, 1);
  return mul(ctx.e, g, constF(ctx.e, dims, new Float32Array(count).fill(mean ? 1 / count : 1)));
}
