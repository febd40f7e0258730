/**
 * @module
 * Attention rollout (Abnar & Zuidema 2020, arXiv:2005.00928, section 3): per block the heads are fused
 * (mean as in the paper; max or min as in common implementations), the lowest `discard` fraction of the
 * fused T x T matrix is set to 0 (never entry [0, 0]; jacobgil/vit-explain), the residual connection is
 * accounted for as A' = 0.5 A + 0.5 I with each row renormalised to sum 1, and the blocks are multiplied
 * R = A'_L ... A'_1. The map is the class token's row of R over the patch tokens. (vit-explain divides by
 * `a.sum(dim=-1)` broadcast over columns; this divides rows, as the paper's renormalisation does.)
 */
import { classRow, identity, matmul, type AttentionBlock } from './blocks.js';

/** Rollout options. */
export interface RolloutOptions {
  fusion: 'mean' | 'max' | 'min';
  /** Fraction of the lowest fused attentions dropped per block, 0 <= discard < 1. */
  discard: number;
  prefixTokens: number;
}

function fuseHeads(b: AttentionBlock, fusion: RolloutOptions['fusion']): Float64Array {
  const n = b.tokens * b.tokens;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = b.probabilities[i]!;
    for (let h = 1; h < b.heads; h++) {
      const v = b.probabilities[h * n + i]!;
      acc = fusion === 'mean' ? acc + v : fusion === 'max' ? Math.max(acc, v) : Math.min(acc, v);
    }
    out[i] = fusion === 'mean' ? acc / b.heads : acc;
  }
  return out;
}

function dropLowest(m: Float64Array, discard: number): void {
  const count = Math.floor(m.length * discard);
  if (count <= 0) return;
  const order = [...m.keys()].sort((a, b) => m[a]! - m[b]! || a - b).slice(0, count);
  for (const i of order) if (i !== 0) m[i] = 0;
}

/**
 * The rollout map over the patch tokens (length h * w, row-major grid), unnormalised.
 *
 * @example
 * rollout(blocks, { fusion: 'mean', discard: 0, prefixTokens: 1 }); // 196 values for ViT-B/16 at 224
 */
export function rollout(blocks: readonly AttentionBlock[], o: RolloutOptions): Float32Array {
  const t = blocks[0]!.tokens;
  let result = identity(t);
  for (const b of blocks) {
    const a = fuseHeads(b, o.fusion);
    dropLowest(a, o.discard);
    for (let i = 0; i < t; i++) {
      let sum = 0;
      for (let j = 0; j < t; j++) sum += a[i * t + j] = 0.5 * a[i * t + j]! + (i === j ? 0.5 : 0);
      for (let j = 0; j < t; j++) a[i * t + j]! /= sum;
    }
    result = matmul(a, result, t);
  }
  return classRow(result, t, o.prefixTokens);
}
