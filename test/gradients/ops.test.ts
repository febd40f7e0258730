/**
 * Every gradient rule against central finite differences (test/gradients/cases/*.ts, one runner).
 *
 * Tolerances (relative L2 error of G): the finite differences run in float64 (eps 1e-5) where
 * onnxruntime has double kernels for every op of a case, and G itself is computed in float32, so 2e-5
 * bounds float32 rounding in the backward graph. Where some op has no double kernel (Conv, pooling,
 * Erf, HardSwish, ...) the differences run in float32 with eps 1e-2: exact up to rounding for linear
 * and piecewise-linear ops away from kinks (inputs keep |x - kink| >= 0.05), truncation ~eps^2 for
 * smooth ones, and rounding ~1e-7 * |y| / eps: 2e-3 bounds both.
 */
import { describe, expect, it } from 'vitest';
import { nodeRunner } from '../../cli/ort-node.js';
import { checkCase } from './support/check-case.js';
import { coreCases } from './cases/core.js';
import { elementwiseCases } from './cases/elementwise.js';
import { poolingCases } from './cases/pooling.js';
import { shapeCases } from './cases/shape.js';
import { linalgCases } from './cases/linalg.js';
import { resizeCases } from './cases/resize.js';

const TOLERANCE = { float64: 2e-5, float32: 2e-3 };
const runner = nodeRunner();

const FAMILIES = [
  ['core', coreCases],
  ['elementwise', elementwiseCases],
  ['pooling', poolingCases],
  ['shape', shapeCases],
  ['linalg', linalgCases],
  ['resize', resizeCases],
] as const;

describe.each(FAMILIES)('gradient rules: %s', (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await checkCase(runner, c);
    if (process.env.GRAD_REPORT) console.log(`${result.precision} ${result.worst.toExponential(2)} ${c.name}`);
    expect(result.worst, JSON.stringify(result)).toBeLessThanOrEqual(TOLERANCE[result.precision]);
  });
});
