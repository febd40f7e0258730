/**
 * @module
 * LogSoftmax: dX = dY - softmax(x) * sum(dY) over the softmax axes (see Softmax for the opset rules),
 * with softmax(x) = exp(y).
 */
import type { GradRule } from '../context.js';
import { softmaxAxes } from '../axes.js';
import { mul, op, reduceSum, sub } from '../emit.js';

export const LogSoftmax: GradRule = (ctx) => {
  const { e } = ctx;
  const total = reduceSum(e, ctx.dY(), softmaxAxes(ctx), 1);
  return [sub(e, ctx.dY(), mul(e, op(e, 'Exp', [ctx.output()]), total))];
};
