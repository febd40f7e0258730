/**
 * @module
 * Where(cond, a, b): dA = dY where cond, dB = dY where not cond, each reduced to its operand's shape.
 */
import type { GradRule } from '../context.js';
import { unbroadcast } from '../broadcast.js';
import { scalarF, where } from '../emit.js';

export const Where: GradRule = (ctx) => {
  const out = ctx.shape(ctx.output());
  const zero = scalarF(ctx.e, 0);
  const pick = (i: 1 | 2): string | undefined => {
    if (!ctx.needsGrad(i)) return undefined;
    const g = i === 1 ? where(ctx.e, ctx.input(0), ctx.dY(), zero) : where(ctx.e, ctx.input(0), zero, ctx.dY());
    return unbroadcast(ctx.e, g, ctx.shape(ctx.input(i)), out);
  };
  return [undefined, pick(1), pick(2)];
};
