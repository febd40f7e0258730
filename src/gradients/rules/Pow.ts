/**
 * @module
 * Pow with a constant exponent p: dX = dY * p * x^(p - 1) (p = 2 becomes 2x, p = 1 passes dY), reduced
 * to x's shape if p broadcast it. An exponent on the gradient path is not supported.
 */
import type { GradRule } from '../context.js';
import { unbroadcast } from '../broadcast.js';
import { constF, mul, op, scale } from '../emit.js';

export const Pow: GradRule = (ctx) => {
  if (ctx.needsGrad(1)) throw ctx.unsupported('the exponent depends on the explained layer; only constant exponents are supported.');
  const p = ctx.constFloats(1, 'the exponent');
  const dims = ctx.shape(ctx.input(1)) as number[];
  const x = ctx.input(0);
  let factor: string;
  if (p.length === 1 && p[0] === 1) factor = '';
  else if (p.length === 1 && p[0] === 2) factor = scale(ctx.e, x, 2);
  else
    factor = mul(
      ctx.e,
      op(ctx.e, 'Pow', [
        x,
        constF(
          ctx.e,
          dims,
          p.map((v) => v - 1),
        ),
      ]),
      constF(ctx.e, dims, p),
    );
  const g = factor ? mul(ctx.e, ctx.dY(), factor) : ctx.dY();
  return [unbroadcast(ctx.e, g, ctx.shape(x), ctx.shape(ctx.output()))];
};
