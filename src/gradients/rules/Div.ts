/**
 * @module
 * Div: y = a / b, so dA = dY / b and dB = -dY * y / b, each reduced back over its broadcast axes.
 */
import type { GradRule } from '../context.js';
import { unbroadcast } from '../broadcast.js';
import { div, mul, neg } from '../emit.js';

export const Div: GradRule = (ctx) => {
  const out = ctx.shape(ctx.output());
  const [a, b] = [ctx.input(0), ctx.input(1)];
  const dA = ctx.needsGrad(0) ? unbroadcast(ctx.e, div(ctx.e, ctx.dY(), b), ctx.shape(a), out) : undefined;
  if (!ctx.needsGrad(1)) return [dA];
  const factor = neg(ctx.e, div(ctx.e, ctx.output(), b)); // on forward tensors (batch N)
  return [dA, unbroadcast(ctx.e, mul(ctx.e, ctx.dY(), factor), ctx.shape(b), out)];
};
