/**
 * @module
 * The gradient rules by ONNX op type (ai.onnx domain), one line each. Ops that only reshape share the
 * Reshape rule; pass-through ops share Identity.
 */
import type { GradRule } from './context.js';
import { Add } from './rules/Add.js';
import { AveragePool } from './rules/AveragePool.js';
import { BatchNormalization } from './rules/BatchNormalization.js';
import { Cast } from './rules/Cast.js';
import { Clip } from './rules/Clip.js';
import { Concat } from './rules/Concat.js';
import { Conv } from './rules/Conv.js';
import { Div } from './rules/Div.js';
import { Erf } from './rules/Erf.js';
import { Gather } from './rules/Gather.js';
import { Gemm } from './rules/Gemm.js';
import { GlobalAveragePool } from './rules/GlobalAveragePool.js';
import { HardSigmoid } from './rules/HardSigmoid.js';
import { HardSwish } from './rules/HardSwish.js';
import { Identity } from './rules/Identity.js';
import { LayerNormalization } from './rules/LayerNormalization.js';
import { LeakyRelu } from './rules/LeakyRelu.js';
import { LogSoftmax } from './rules/LogSoftmax.js';
import { MatMul } from './rules/MatMul.js';
import { MaxPool } from './rules/MaxPool.js';
import { Mul } from './rules/Mul.js';
import { Neg } from './rules/Neg.js';
import { Pad } from './rules/Pad.js';
import { Pow } from './rules/Pow.js';
import { PRelu } from './rules/PRelu.js';
import { ReduceMean } from './rules/ReduceMean.js';
import { ReduceSum } from './rules/ReduceSum.js';
import { Relu } from './rules/Relu.js';
import { Reshape } from './rules/Reshape.js';
import { Resize } from './rules/Resize.js';
import { Sigmoid } from './rules/Sigmoid.js';
import { Softplus } from './rules/Softplus.js';
import { Slice } from './rules/Slice.js';
import { Softmax } from './rules/Softmax.js';
import { Split } from './rules/Split.js';
import { Sqrt } from './rules/Sqrt.js';
import { Sub } from './rules/Sub.js';
import { Tanh } from './rules/Tanh.js';
import { Transpose } from './rules/Transpose.js';
import { Where } from './rules/Where.js';

const RULES: Record<string, GradRule> = {
  Add,
  AveragePool,
  BatchNormalization,
  Cast,
  Clip,
  Concat,
  Conv,
  Div,
  Dropout: Identity,
  Erf,
  Flatten: Reshape,
  Gather,
  Gemm,
  GlobalAveragePool,
  HardSigmoid,
  HardSwish,
  Identity,
  LayerNormalization,
  LeakyRelu,
  LogSoftmax,
  MatMul,
  MaxPool,
  Mul,
  Neg,
  Pad,
  Pow,
  PRelu,
  ReduceMean,
  ReduceSum,
  Relu,
  Reshape,
  Resize,
  Sigmoid,
  Softplus,
  Slice,
  Softmax,
  Split,
  Sqrt,
  Squeeze: Reshape,
  Sub,
  Tanh,
  Transpose,
  Unsqueeze: Reshape,
  Where,
};

/** The rule for an op, or undefined when the op has none (or is not in the ai.onnx domain). */
export function ruleFor(opType: string, domain?: string | null): GradRule | undefined {
  if (domain && domain !== 'ai.onnx') return undefined;
  return Object.hasOwn(RULES, opType) ? RULES[opType] : undefined;
}
