/**
 * @module
 * ReduceSum: every reduced element gets the gradient of its sum, dY broadcast back over the reduced axes
 * (axes as input from opset 13).
 */
import type { GradRule } from '../context.js';
import { reduceBackward } from '../reduce.js';

export const ReduceSum: GradRule = (ctx) => [reduceBackward(ctx, 13, false)];
