/**
 * @module
 * ReduceMean: like ReduceSum, divided by the number of reduced elements (axes as input from opset 18).
 */
import type { GradRule } from '../context.js';
import { reduceBackward } from '../reduce.js';

export const ReduceMean: GradRule = (ctx) => [reduceBackward(ctx, 18, true)];
