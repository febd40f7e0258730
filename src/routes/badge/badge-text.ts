/**
 * @module
 * The right-hand text of a badge and its colour, from a stored explanation's metadata: a classifier's
 * "label 93.1%" (softmax probability, coloured by it); a detection's "dog 0.91 · box 0" (the explained
 * box's label and detection score, as the overlay labels it, coloured by the score); a segment's
 * "person · segment" and an embedding's "vector" or "unit 7" in a neutral colour (their scores are logits
 * and projections, not probabilities).
 */
import type { ExplanationMeta } from '../../cache/store.js';
import { formatScore, scoreColor } from './svg.js';

/** Neutral badge colour (shields.io blue) for scores that are not probabilities. */
export const NEUTRAL = '#007ec6';

/**
 * @example
 * badgeText({ ...meta, label: 'dog', score: 0.912, target: { task: 'detect', box: 0 } }); // { text: 'dog 0.91 · box 0', colour: '#4c1' }
 */
export function badgeText(meta: ExplanationMeta): { text: string; colour: string } {
  const label = meta.label ?? `#${meta.classIndex}`;
  const t = meta.target;
  if (!t) return { text: `${label} ${formatScore(meta.score)}`, colour: scoreColor(meta.score) };
  switch (t.task) {
    case 'detect':
      if (t.box === null) return { text: 'no detection', colour: NEUTRAL };
      return { text: `${label} ${meta.score.toFixed(2)} · box ${t.box}`, colour: scoreColor(meta.score) };
    case 'segment':
      return { text: `${label} · segment`, colour: NEUTRAL };
    case 'embed':
      return { text: t.target === 'index' ? `unit ${t.index}` : t.target, colour: NEUTRAL };
  }
}
