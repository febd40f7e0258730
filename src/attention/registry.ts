/**
 * @module
 * The attention methods (`method=rollout`, `method=attention-gradcam`) for models prepared with
 * `--attention`: they read every block's attention probabilities (and, for attention-gradcam, their
 * gradients) instead of one layer's A and G, and give a map over the patch grid (the class token's row,
 * prefix tokens dropped), unnormalised.
 */
import type { AttentionBlock } from './blocks.js';
import { rollout } from './rollout.js';
import { attentionGradCam } from './attention-gradcam.js';

/** Request parameters of the attention methods. */
export interface AttentionParams {
  /** Rollout: how heads are fused (default mean, as in the paper). */
  fusion?: 'mean' | 'max' | 'min';
  /** Rollout: fraction of the lowest attentions dropped per block (default 0). */
  discard?: number;
}

/** An attention method. */
export interface AttentionMethod {
  readonly name: string;
  /** Whether it reads the gradients of the attention probabilities (class-specific). */
  readonly needsGradient: boolean;
  /** The name and parameters as they enter the explanation id. */
  key(params: AttentionParams): string;
  /** The map over the patch tokens (h * w values, row-major). */
  map(blocks: AttentionBlock[], prefixTokens: number, params: AttentionParams): Float32Array;
}

const METHODS: readonly AttentionMethod[] = [
  {
    name: 'rollout',
    needsGradient: false,
    key: (p) => `rollout(fusion=${p.fusion ?? 'mean'},discard=${p.discard ?? 0})`,
    map: (blocks, prefixTokens, p) => rollout(blocks, { fusion: p.fusion ?? 'mean', discard: p.discard ?? 0, prefixTokens }),
  },
  {
    name: 'attention-gradcam',
    needsGradient: true,
    key: () => 'attention-gradcam',
    map: (blocks, prefixTokens) => attentionGradCam(blocks, prefixTokens),
  },
];

/** Names of the attention methods. */
export const ATTENTION_METHODS: readonly string[] = METHODS.map((m) => m.name);

/** The attention method called `name`, or undefined. */
export function attentionMethod(name: string): AttentionMethod | undefined {
  return METHODS.find((m) => m.name === name);
}
