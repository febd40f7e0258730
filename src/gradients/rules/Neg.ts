/**
 * @module
 * Neg: dX = -dY.
 */
import type { GradRule } from '../context.js';
import { neg } from '../emit.js';

export const Neg: GradRule = (ctx) => [neg(ctx.e, ctx.dY())];
