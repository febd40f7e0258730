/**
 * Cluttered backgrounds: two-colour fractal value noise, a linear brightness gradient, and
 * distractor strokes and blobs that belong to no class (drawn in colours from the same
 * distribution as objects).
 * @module
 */
import { fractalNoise } from './noise.js';
import { randomColour, texturedFill, TEXTURES, type Rgb, type Texture } from './palette.js';
import type { Rng } from './prng.js';
import { composite } from './raster.js';

/** Paints a noise-and-gradient background into a float RGB canvas; returns its two base colours. */
export function paintBackground(rng: Rng, canvas: Float32Array, size: number): Rgb[] {
  const a = randomColour(rng),
    b = randomColour(rng);
  const field = fractalNoise(rng, size, size * rng.range(0.15, 0.45), 3);
  const angle = rng.range(0, 2 * Math.PI),
    strength = rng.range(-60, 60) / size;
  const gx = Math.cos(angle) * strength,
    gy = Math.sin(angle) * strength;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = field(x, y),
        shade = (x - size / 2) * gx + (y - size / 2) * gy;
      const k = 3 * (y * size + x);
      canvas[k] = a[0] + (b[0] - a[0]) * t + shade;
      canvas[k + 1] = a[1] + (b[1] - a[1]) * t + shade;
      canvas[k + 2] = a[2] + (b[2] - a[2]) * t + shade;
    }
  }
  return [a, b];
}

/** Distance from (px, py) to the segment (ax, ay)-(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** A random-walk polyline of 2..5 segments with round caps, anti-aliased by distance. */
function strokeCoverage(rng: Rng, size: number): Float32Array {
  const points: number[] = [rng.range(0, size), rng.range(0, size)];
  let heading = rng.range(0, 2 * Math.PI);
  const segments = 2 + rng.int(4);
  for (let s = 0; s < segments; s++) {
    heading += rng.range(-1.2, 1.2);
    const len = rng.range(0.08, 0.3) * size;
    points.push(points[points.length - 2]! + Math.cos(heading) * len, points[points.length - 1]! + Math.sin(heading) * len);
  }
  const half = rng.range(0.6, 3);
  const coverage = new Float32Array(size * size);
  for (let s = 0; s + 3 < points.length; s += 2) {
    paintSegment(coverage, size, half, points[s]!, points[s + 1]!, points[s + 2]!, points[s + 3]!);
  }
  return coverage;
}

/** Max-accumulates the coverage of a round-capped segment of half-width `half`. */
function paintSegment(coverage: Float32Array, size: number, half: number, ax: number, ay: number, bx: number, by: number): void {
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - half - 1)),
    x1 = Math.min(size, Math.ceil(Math.max(ax, bx) + half + 1));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - half - 1)),
    y1 = Math.min(size, Math.ceil(Math.max(ay, by) + half + 1));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const a = Math.max(0, Math.min(1, half - segmentDistance(x + 0.5, y + 0.5, ax, ay, bx, by) + 0.5));
      if (a > coverage[y * size + x]!) coverage[y * size + x] = a;
    }
  }
}

/** An irregular blob: a circle whose radius is modulated by a few random harmonics. */
function blobCoverage(rng: Rng, size: number): Float32Array {
  const cx = rng.range(0, size),
    cy = rng.range(0, size),
    r0 = rng.range(0.03, 0.12) * size;
  const harmonics = [2, 3, 5].map((k) => ({ k, amp: rng.range(0, 0.2), phase: rng.range(0, 2 * Math.PI) }));
  const coverage = new Float32Array(size * size);
  const reach = Math.ceil(r0 * 1.7);
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(size, cy + reach); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(size, cx + reach); x++) {
      const dx = x + 0.5 - cx,
        dy = y + 0.5 - cy,
        theta = Math.atan2(dy, dx);
      let r = r0;
      for (const h of harmonics) r += r0 * h.amp * Math.sin(h.k * theta + h.phase);
      coverage[y * size + x] = Math.max(0, Math.min(1, r - Math.hypot(dx, dy) + 0.5));
    }
  }
  return coverage;
}

/** A distractor as drawn: what it is, its texture and its coverage (for concept masks). */
export interface PaintedDistractor {
  kind: 'line' | 'blob';
  texture: Texture;
  coverage: Float32Array;
}

/**
 * Draws `strokes` strokes and `blobs` blobs in random textures; each takes its main colour
 * from `shared` (the objects' colours) half of the time, so colour does not reveal objects.
 * Returns what it drew, in drawing order.
 */
export function paintDistractors(
  rng: Rng,
  canvas: Float32Array,
  size: number,
  strokes: number,
  blobs: number,
  shared: readonly Rgb[],
): PaintedDistractor[] {
  const painted: PaintedDistractor[] = [];
  for (let i = 0; i < strokes + blobs; i++) {
    const coverage = i < strokes ? strokeCoverage(rng, size) : blobCoverage(rng, size);
    const main = shared.length > 0 && rng.next() < 0.5 ? rng.pick(shared) : randomColour(rng);
    const texture = rng.pick(TEXTURES);
    composite(canvas, coverage, texturedFill(rng, texture, main, randomColour(rng), size), size);
    painted.push({ kind: i < strokes ? 'line' : 'blob', texture, coverage });
  }
  return painted;
}
