/**
 * @module
 * Sub: dA = dY, dB = -dY, each reduced back over its broadcast axes.
 */
import type { GradRule } from '../context.js';
import { unbroadcast } from '../broadcast.js';
import { neg } from '../emit.js';

export const Sub: GradRule = (ctx) => {
  const out = ctx.shape(ctx.output());
  const dA = ctx.needsGrad(0) ? unbroadcast(ctx.e, ctx.dY(), ctx.shape(ctx.input(0)), out) : undefined;
  const dB = ctx.needsGrad(1) ? neg(ctx.e, unbroadcast(ctx.e, ctx.dY(), ctx.shape(ctx.input(1)), out)) : undefined;
  return [dA, dB];
};
