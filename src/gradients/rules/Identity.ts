/**
 * @module
 * Identity (also Dropout in inference): dX = dY.
 */
import type { GradRule } from '../context.js';

export const Identity: GradRule = (ctx) => [ctx.dY()];
