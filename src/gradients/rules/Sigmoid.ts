/**
 * @module
 * Sigmoid: dX = dY * y * (1 - y), with y the forward output.
 */
import type { GradRule } from '../context.js';
import { mul, sub } from '../emit.js';

export const Sigmoid: GradRule = (ctx) => {
  const y = ctx.output();
  return [mul(ctx.e, ctx.dY(), sub(ctx.e, y, mul(ctx.e, y, y)))];
};
