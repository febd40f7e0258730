/**
 * @module
 * Softmax: dX = y * (dY - sum(dY * y)) over the softmax axes: the single `axis` from opset 13 (default -1),
 * all axes from `axis` on before 13 (default 1, the input coerced to 2-D).
 */
import type { GradRule } from '../context.js';
import { softmaxAxes } from '../axes.js';
import { mul, reduceSum, sub } from '../emit.js';

export const Softmax: GradRule = (ctx) => {
  const { e } = ctx;
  const y = ctx.output();
  const dot = reduceSum(e, mul(e, ctx.dY(), y), softmaxAxes(ctx), 1);
  return [mul(e, y, sub(e, ctx.dY(), dot))];
};
