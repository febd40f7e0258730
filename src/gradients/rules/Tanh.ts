/**
 * @module
 * Tanh: dX = dY * (1 - y^2), with y the forward output.
 */
import type { GradRule } from '../context.js';
import { mul, scalarF, sub } from '../emit.js';

export const Tanh: GradRule = (ctx) => {
  const y = ctx.output();
  return [mul(ctx.e, ctx.dY(), sub(ctx.e, scalarF(ctx.e, 1), mul(ctx.e, y, y)))];
};
