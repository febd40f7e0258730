/**
 * @module
 * Reshape (also Flatten, Squeeze, Unsqueeze): the gradient is dY reshaped to X's shape (gradient batch kept).
 */
import type { GradRule } from '../context.js';
import { reshape } from '../emit.js';

export const Reshape: GradRule = (ctx) => [reshape(ctx.e, ctx.dY(), ctx.shape(ctx.input(0)))];
