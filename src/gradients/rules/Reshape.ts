/**
 * @module
 * Reshape (also Flatten, Squeeze, Unsqueeze): the gradient is dY reshaped to X's shape (gradient batch kept,
 * also where the batch is folded into an axis).
 */
import type { GradRule } from '../context.js';
import { reshape } from '../emit.js';

export const Reshape: GradRule = (ctx) => [reshape(ctx.e, ctx.dY(), ctx.reshapeShape(ctx.input(0)))];
