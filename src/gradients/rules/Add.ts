/**
 * @module
 * Add: dA = dY and dB = dY, each reduced back over the axes it was broadcast along.
 */
import type { GradRule } from '../context.js';
import { unbroadcast } from '../broadcast.js';

export const Add: GradRule = (ctx) => {
  const out = ctx.shape(ctx.output());
  return [0, 1].map((i) => (ctx.needsGrad(i) ? unbroadcast(ctx.e, ctx.dY(), ctx.shape(ctx.input(i)), out) : undefined));
};
