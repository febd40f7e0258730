/**
 * @module
 * Softplus y = log(1 + exp(x)): dX = dY * sigmoid(x) (anchor-free detectors emit box distances through it).
 */
import type { GradRule } from '../context.js';
import { mul, op } from '../emit.js';

export const Softplus: GradRule = (ctx) => [mul(ctx.e, ctx.dY(), op(ctx.e, 'Sigmoid', [ctx.input(0)]))];
