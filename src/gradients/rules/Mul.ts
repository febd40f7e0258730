/**
 * @module
 * Mul: dA = dY * B, dB = dY * A, each reduced back over its broadcast axes.
 */
import type { GradRule } from '../context.js';
import { unbroadcast } from '../broadcast.js';
import { mul } from '../emit.js';

export const Mul: GradRule = (ctx) => {
  const out = ctx.shape(ctx.output());
  return [0, 1].map((i) => {
    if (!ctx.needsGrad(i)) return undefined;
    return unbroadcast(ctx.e, mul(ctx.e, ctx.dY(), ctx.input(1 - i)), ctx.shape(ctx.input(i)), out);
  });
};
