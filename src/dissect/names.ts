/**
 * @module
 * Unit names from an IoU tally (Network Dissection, Bau et al. 2017, §2.2): each unit takes its best concept,
 * and keeps the name only when the dataset IoU reaches the threshold (0.04 in NetDissect); otherwise the unit
 * stays unnamed (its best concept and IoU are still recorded, so readers can see how close it came).
 */
import type { IouTally } from './tally.js';

/** NetDissect's IoU threshold for naming a unit. */
export const IOU_THRESHOLD = 0.04;

/** One unit's best concept. */
export interface UnitLabel {
  /** The best concept's name, or null when its IoU is below the threshold. */
  name: string | null;
  /** The best concept, named or not (null when the unit never fired or no concept overlaps it). */
  best: string | null;
  /** IoU of the best concept. */
  iou: number;
}

/**
 * The best concept of every unit; ties go to the concept listed first.
 *
 * @example
 * nameUnits(tally, ['star', 'red'])[0]; // { name: 'star', best: 'star', iou: 0.21 }
 */
export function nameUnits(tally: IouTally, concepts: readonly string[], threshold: number = IOU_THRESHOLD): UnitLabel[] {
  if (concepts.length !== tally.concepts) throw new RangeError(`${concepts.length} concept names for a tally of ${tally.concepts}`);
  const out: UnitLabel[] = [];
  for (let k = 0; k < tally.units; k++) {
    let best = -1,
      bestIou = 0;
    for (let c = 0; c < concepts.length; c++) {
      const iou = tally.iou(k, c);
      if (iou > bestIou) {
        best = c;
        bestIou = iou;
      }
    }
    const concept = best < 0 ? null : concepts[best]!;
    out.push({ name: concept !== null && bestIou >= threshold ? concept : null, best: concept, iou: bestIou });
  }
  return out;
}
