/**
 * @module
 * The class scores reported with an explanation or a classification: softmax probabilities and the top-k
 * list, ranked by {@link topClasses} (the one ranking of classes, also used to pick top=k targets).
 */
import type { Manifest } from '../manifest.js';
import { softmax } from '../quality/softmax.js';
import { topClasses } from './seed-run.js';

export { softmax } from '../quality/softmax.js';

/** One entry of a top-k list. */
export interface ClassScore {
  index: number;
  label: string | null;
  probability: number;
  logit: number;
}

/**
 * The `k` most probable classes, best first (ties: the lower index first).
 *
 * @example
 * topK(manifest, logits, 5)[0].label; // the predicted class's label
 */
export function topK(manifest: Manifest, logits: Float32Array, k: number): ClassScore[] {
  const probabilities = softmax(logits);
  return topClasses(logits, k).map((index) => ({
    index,
    label: manifest.labels?.[index] ?? null,
    probability: probabilities[index],
    logit: logits[index],
  }));
}
