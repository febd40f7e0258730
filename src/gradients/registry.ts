/**
 * @module
 * The gradient rules by ONNX op type (ai.onnx domain), one line each. Ops that only reshape share the
 * Reshape rule; pass-through ops share Identity.
 */
import type { GradRule } from './context.js';
import { Add } from './rules/Add.js';
import { BatchNormalization } from './rules/BatchNormalization.js';
import { Conv } from './rules/Conv.js';
import { Div } from './rules/Div.js';
import { Gemm } from './rules/Gemm.js';
import { GlobalAveragePool } from './rules/GlobalAveragePool.js';
import { Identity } from './rules/Identity.js';
import { Mul } from './rules/Mul.js';
import { Relu } from './rules/Relu.js';
import { Reshape } from './rules/Reshape.js';
import { Sub } from './rules/Sub.js';

const RULES: Record<string, GradRule> = {
  Add,
  BatchNormalization,
  Conv,
  Div,
  Dropout: Identity,
  Flatten: Reshape,
  Gemm,
  GlobalAveragePool,
  Identity,
  Mul,
  Relu,
  Reshape,
  Squeeze: Reshape,
  Sub,
  Unsqueeze: Reshape,
};

/** The rule for an op, or undefined when the op has none (or is not in the ai.onnx domain). */
export function ruleFor(opType: string, domain?: string | null): GradRule | undefined {
  if (domain && domain !== 'ai.onnx') return undefined;
  return Object.hasOwn(RULES, opType) ? RULES[opType] : undefined;
}

/** Op types with a gradient rule. */
export function supportedOps(): string[] {
  return Object.keys(RULES).sort();
}
