/**
 * @module
 * Sqrt: dX = dY * 0.5 / y, with y the forward output.
 */
import type { GradRule } from '../context.js';
import { div, mul, scalarF } from '../emit.js';

export const Sqrt: GradRule = (ctx) => [mul(ctx.e, ctx.dY(), div(ctx.e, scalarF(ctx.e, 0.5), ctx.output()))];
