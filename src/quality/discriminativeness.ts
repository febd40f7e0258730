/**
 * @module
 * Class-discriminativeness on scenes with two objects of different classes (the question of the Grad-CAM
 * paper's section 5.1 and of BlockMNIST, Shah et al. 2021, asked with masks known by construction): when
 * the map explains one object's class, how much more of its mass lies on that object than on the other.
 */
import { massInside } from './pointing.js';
import type { FloatMap, Mask } from './types.js';

/**
 * Mass on the explained object over mass on the other object: Infinity when the other gets none and the
 * explained one some, NaN when both get none (the map says nothing about either).
 *
 * @example
 * massRatio(map, masks[0], masks[1]); // e.g. 4.2: four times more mass on object 0 than on object 1
 */
export function massRatio(map: FloatMap, explained: Mask, other: Mask): number {
  const on = massInside(map, explained),
    off = massInside(map, other);
  if (off > 0) return on / off;
  return on > 0 ? Infinity : NaN;
}

/** Aggregate of many {@link massRatio}s. */
export interface RatioSummary {
  /**
   * Median over the defined ratios (Infinity counts as larger than any number); for an even count, the
   * geometric mean of the two middle values, so that reciprocal pairs (a class-blind map: r and 1 / r for
   * the two classes of a scene) give exactly 1.
   */
  median: number;
  /** Geometric mean over the finite, non-zero ratios: exp(mean(log r)). */
  geometricMean: number;
  /** Share of defined ratios above 1 (more mass on the explained object than on the other). */
  aboveOne: number;
  /** Ratios that were NaN (no mass on either object), left out of the statistics above. */
  undefinedCount: number;
  count: number;
}

/**
 * Median, geometric mean and share above 1 of a list of ratios. The median is the headline: a mean of
 * ratios is dominated by the few maps that put almost nothing on the other object.
 *
 * @example
 * summariseRatios([1, 4, Infinity]).median; // 4
 */
export function summariseRatios(ratios: readonly number[]): RatioSummary {
  const defined = ratios.filter((r) => !Number.isNaN(r)).sort((a, b) => a - b);
  const n = defined.length;
  const median = n === 0 ? NaN : n % 2 ? defined[(n - 1) / 2]! : middleOfTwo(defined[n / 2 - 1]!, defined[n / 2]!);
  const logs = defined.filter((r) => r > 0 && Number.isFinite(r)).map(Math.log);
  const geometricMean = logs.length ? Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) : NaN;
  return {
    median,
    geometricMean,
    aboveOne: n ? defined.filter((r) => r > 1).length / n : NaN,
    undefinedCount: ratios.length - n,
    count: ratios.length,
  };
}

/** Geometric mean of two ratios, with 0 and Infinity (reciprocals of each other) meeting at 1. */
function middleOfTwo(a: number, b: number): number {
  if (a === 0 && b === Infinity) return 1;
  return Math.sqrt(a * b);
}
