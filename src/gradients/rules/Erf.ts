/**
 * @module
 * Erf (GELU exports): d erf(x)/dx = 2 / sqrt(pi) * exp(-x^2).
 */
import type { GradRule } from '../context.js';
import { mul, neg, op, scalarF } from '../emit.js';

export const Erf: GradRule = (ctx) => {
  const { e } = ctx;
  const x = ctx.input(0);
  const gauss = op(e, 'Exp', [neg(e, mul(e, x, x))]);
  return [mul(e, ctx.dY(), mul(e, gauss, scalarF(e, 2 / Math.sqrt(Math.PI))))];
};
