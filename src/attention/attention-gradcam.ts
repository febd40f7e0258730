/**
 * @module
 * Gradient-weighted attention (Chefer, Gur & Wolf 2021, arXiv:2103.15679, "Generic Attention-model
 * Explainability", eq. 5-6 for self-attention): R = I; for each block, in order,
 * R <- R + E_h[(dS/dA ⊙ A)^+] R, with the mean over heads of the positive part of gradient times attention.
 * The map is the class token's row of R over the patch tokens: class-specific through dS/dA.
 */
import { classRow, identity, matmul, type AttentionBlock } from './blocks.js';

/**
 * The attention-gradcam map over the patch tokens (length h * w), unnormalised.
 *
 * @example
 * attentionGradCam(blocks, 1); // blocks carry `gradient`
 */
export function attentionGradCam(blocks: readonly AttentionBlock[], prefixTokens: number): Float32Array {
  const t = blocks[0]!.tokens;
  const n = t * t;
  let r = identity(t);
  for (const b of blocks) {
    if (!b.gradient) throw new Error('attention-gradcam needs the attention gradients');
    const cam = new Float64Array(n);
    for (let h = 0; h < b.heads; h++) {
      for (let i = 0; i < n; i++) {
        const v = b.gradient[h * n + i]! * b.probabilities[h * n + i]!;
        if (v > 0) cam[i]! += v / b.heads;
      }
    }
    const update = matmul(cam, r, t);
    r = r.map((x, i) => x + update[i]!);
  }
  return classRow(r, t, prefixTokens);
}
