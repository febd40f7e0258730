/**
 * @module
 * Network Dissection's IoU tally (Bau et al. 2017, arXiv:1704.05796, §2.2): for unit k and concept c,
 * IoU_k,c = sum_x |M_k(x) ∩ L_c(x)| / sum_x |M_k(x) ∪ L_c(x)| over every image x of the dataset, where
 * M_k(x) is the unit's activation map upsampled to the mask resolution (bilinear, aligned corners, as
 * src/cam/upsample.ts) and thresholded at the unit's T_k (activation > T_k), and L_c(x) the concept's
 * binary mask. Sums run over the whole dataset before the division, as in NetDissect.
 */
import { upsampleAlignCorners } from '../cam/upsample.js';

/** One concept's binary mask in one image (1 = the concept is there), height x width, row-major. */
export interface ConceptMask {
  /** Index into the dataset's concept list. */
  concept: number;
  mask: Uint8Array;
}

/**
 * Accumulates intersections and areas over images; {@link IouTally.iou} gives the dataset IoU.
 *
 * @example
 * const tally = new IouTally(channels, concepts.length, 128, 128);
 * tally.add(activation, 8, 8, thresholds, masks); // once per image
 * tally.iou(unit, concept);
 */
export class IouTally {
  /** units x concepts intersections. */
  private readonly inter: Float64Array;
  private readonly unitArea: Float64Array;
  private readonly conceptArea: Float64Array;

  constructor(
    readonly units: number,
    readonly concepts: number,
    readonly height: number,
    readonly width: number,
  ) {
    this.inter = new Float64Array(units * concepts);
    this.unitArea = new Float64Array(units);
    this.conceptArea = new Float64Array(concepts);
  }

  /**
   * Adds one image: `activation` is units x h x w, `thresholds` one per unit, `masks` the concepts present
   * (at the tally's resolution; a concept absent from the list has an empty mask in this image).
   */
  add(activation: Float32Array, h: number, w: number, thresholds: ArrayLike<number>, masks: readonly ConceptMask[]): void {
    const plane = h * w,
      size = this.height * this.width;
    if (activation.length !== this.units * plane)
      throw new RangeError(`activation has ${activation.length} values, expected ${this.units} x ${h} x ${w}`);
    const seen = new Set<number>();
    for (const m of masks) {
      if (seen.has(m.concept)) throw new RangeError(`concept ${m.concept} listed twice in one image (merge its masks)`);
      seen.add(m.concept);
      if (m.mask.length !== size)
        throw new RangeError(`concept ${m.concept}'s mask has ${m.mask.length} pixels, expected ${this.height} x ${this.width}`);
      if (!(m.concept >= 0 && m.concept < this.concepts)) throw new RangeError(`no concept ${m.concept}`);
      let area = 0;
      for (let i = 0; i < size; i++) area += m.mask[i]! ? 1 : 0;
      this.conceptArea[m.concept]! += area;
    }
    for (let k = 0; k < this.units; k++) {
      const channel = activation.subarray(k * plane, (k + 1) * plane);
      const t = thresholds[k]!;
      // Bilinear interpolation never exceeds the plane's maximum: a unit below its threshold everywhere is off.
      let max = -Infinity;
      for (let i = 0; i < plane; i++) if (channel[i]! > max) max = channel[i]!;
      if (!(max > t)) continue;
      const up = upsampleAlignCorners(channel, h, w, this.height, this.width);
      let area = 0;
      const counts = new Float64Array(masks.length);
      for (let i = 0; i < size; i++) {
        if (!(up[i]! > t)) continue;
        area++;
        for (let j = 0; j < masks.length; j++) if (masks[j]!.mask[i]) counts[j]!++;
      }
      this.unitArea[k]! += area;
      for (let j = 0; j < masks.length; j++) this.inter[k * this.concepts + masks[j]!.concept]! += counts[j]!;
    }
  }

  /** IoU of unit `k` with concept `c` over the images added so far (0 when both are empty). */
  iou(k: number, c: number): number {
    const inter = this.inter[k * this.concepts + c]!;
    const union = this.unitArea[k]! + this.conceptArea[c]! - inter;
    return union > 0 ? inter / union : 0;
  }
}
