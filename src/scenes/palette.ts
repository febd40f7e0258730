/**
 * Random colours and textured fills. Objects and distractors draw from the same colour
 * distribution, so colour alone never identifies an object.
 * @module
 */
import { valueNoise } from './noise.js';
import type { Rng } from './prng.js';
import type { Fill } from './raster.js';

/** An RGB colour with channels in 0..255. */
export type Rgb = readonly [number, number, number];

/** Texture kinds an object (or distractor) can be filled with. */
export const TEXTURES = ['solid', 'stripes', 'checker', 'noise'] as const;
export type Texture = (typeof TEXTURES)[number];

/** A uniformly random colour in HSV space with saturation and value kept away from 0 for variety. */
export function randomColour(rng: Rng): Rgb {
  return hsv(rng.next(), rng.range(0.15, 1), rng.range(0.1, 1));
}

/** Euclidean RGB distance. */
export function colourDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** A random colour at least `minDistance` away from every colour in `avoid` (best of 24 tries). */
export function contrastingColour(rng: Rng, avoid: readonly Rgb[], minDistance: number): Rgb {
  let best = randomColour(rng),
    bestScore = -1;
  for (let i = 0; i < 24; i++) {
    const c = i === 0 ? best : randomColour(rng);
    const score = Math.min(...avoid.map((a) => colourDistance(a, c)));
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
    if (score >= minDistance) break;
  }
  return best;
}

function hsv(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6),
    f = h * 6 - i;
  const p = v * (1 - s),
    q = v * (1 - f * s),
    t = v * (1 - (1 - f) * s);
  const table: [number, number, number][] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ];
  const [r, g, b] = table[i % 6]!;
  return [r * 255, g * 255, b * 255];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * A fill of the given texture between a main colour and a second colour; the pattern's
 * angle and period are drawn from `rng`.
 */
export function texturedFill(rng: Rng, texture: Texture, main: Rgb, second: Rgb, size: number): Fill {
  const angle = rng.range(0, Math.PI),
    period = rng.range(4, 12);
  const cos = Math.cos(angle),
    sin = Math.sin(angle);
  if (texture === 'solid') return () => main;
  if (texture === 'stripes') {
    return (x, y) => (((((x * cos + y * sin) / period) % 1) + 1) % 1 < 0.5 ? main : second);
  }
  if (texture === 'checker') {
    return (x, y) => {
      const u = Math.floor((x * cos + y * sin) / period),
        v = Math.floor((-x * sin + y * cos) / period);
      return (u + v) % 2 === 0 ? main : second;
    };
  }
  const field = valueNoise(rng, size, period);
  return (x, y) => mix(main, second, field(x, y));
}
