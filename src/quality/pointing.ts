/**
 * @module
 * Localisation against a known object mask.
 * - Pointing game (Zhang et al. 2016, "Top-down Neural Attention by Excitation Backprop", arXiv:1608.00507):
 *   a hit when the map's maximum lies in the object, with a tolerance of a few pixels (15 px at 224 px in
 *   the paper and in TorchRay's implementation).
 * - Energy-based pointing game (Wang et al. 2020, Score-CAM, arXiv:1910.01279, section 4.2): the share of
 *   the map's mass inside the object.
 */
import type { FloatMap, Mask } from './types.js';

function checkSameSize(map: FloatMap, mask: Mask): void {
  if (map.width !== mask.width || map.height !== mask.height || map.data.length !== mask.data.length) {
    throw new RangeError(`map ${map.width}x${map.height} and mask ${mask.width}x${mask.height} differ in size`);
  }
}

/**
 * Index of the map's maximum (the first one in row-major order, as numpy's argmax), or -1 when the map is
 * constant (a flat map points nowhere).
 */
export function argmax(map: FloatMap): number {
  const d = map.data;
  let best = 0,
    lo = d[0]!;
  for (let i = 1; i < d.length; i++) {
    if (d[i]! > d[best]!) best = i;
    if (d[i]! < lo) lo = d[i]!;
  }
  return d.length === 0 || d[best] === lo ? -1 : best;
}

/**
 * Whether the map's maximum lies within `tolerance` pixels (Euclidean distance between pixel centres) of
 * the mask; tolerance 0 means exactly inside. A constant map is a miss.
 *
 * @example
 * pointingHit({ width: 3, height: 1, data: Float32Array.of(0, 1, 0) }, { width: 3, height: 1, data: Uint8Array.of(0, 1, 0) }); // true
 */
export function pointingHit(map: FloatMap, mask: Mask, tolerance = 0): boolean {
  checkSameSize(map, mask);
  const peak = argmax(map);
  if (peak < 0) return false;
  const px = peak % map.width,
    py = Math.floor(peak / map.width);
  const r = Math.floor(tolerance);
  for (let y = Math.max(0, py - r); y <= Math.min(map.height - 1, py + r); y++) {
    for (let x = Math.max(0, px - r); x <= Math.min(map.width - 1, px + r); x++) {
      if (mask.data[y * map.width + x] && (x - px) ** 2 + (y - py) ** 2 <= tolerance * tolerance) return true;
    }
  }
  return false;
}

/**
 * The map's mass inside the mask over its total mass (negative values count as 0); 0 for an all-zero map.
 *
 * @example
 * energyInside({ width: 2, height: 1, data: Float32Array.of(3, 1) }, { width: 2, height: 1, data: Uint8Array.of(1, 0) }); // 0.75
 */
export function energyInside(map: FloatMap, mask: Mask): number {
  checkSameSize(map, mask);
  const total = massInside(map, null);
  return total > 0 ? massInside(map, mask) / total : 0;
}

/** Sum of the map's positive values inside the mask (everywhere when `mask` is null), in float64. */
export function massInside(map: FloatMap, mask: Mask | null): number {
  let s = 0;
  for (let i = 0; i < map.data.length; i++) if ((mask === null || mask.data[i]) && map.data[i]! > 0) s += map.data[i]!;
  return s;
}
