/**
 * @module
 * PRelu: dX = dY * (x > 0 ? 1 : slope), slope broadcast to x. No gradient for the slope (a weight).
 */
import type { GradRule } from '../context.js';
import { greaterThan, mul, scalarF, where } from '../emit.js';

export const PRelu: GradRule = (ctx) => {
  if (ctx.needsGrad(1)) throw ctx.unsupported('the slope depends on the explained layer; weight gradients are not supported.');
  const factor = where(ctx.e, greaterThan(ctx.e, ctx.input(0), 0), scalarF(ctx.e, 1), ctx.input(1));
  return [mul(ctx.e, ctx.dYGuided(), factor)];
};
