/**
 * @module
 * Relu: y = max(x, 0), so dX = dY where x > 0, else 0. Guided Backprop keeps only dY > 0.
 */
import type { GradRule } from '../context.js';
import { greaterThan, scalarF, where } from '../emit.js';

export const Relu: GradRule = (ctx) => [where(ctx.e, greaterThan(ctx.e, ctx.input(0), 0), ctx.dYGuided(), scalarF(ctx.e, 0))];
