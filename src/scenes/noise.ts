/**
 * Value noise: random values on a square lattice, interpolated with a smoothstep-weighted
 * bilinear blend, summed over octaves (fractal "fbm" noise). Used for natural-looking
 * backgrounds and for the noise texture of objects.
 * @module
 */
import type { Rng } from './prng.js';

/** A noise field over image coordinates with values in [0, 1]. */
export type NoiseField = (x: number, y: number) => number;

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** One octave of value noise with lattice spacing `cell` pixels over a `size` x `size` image. */
export function valueNoise(rng: Rng, size: number, cell: number): NoiseField {
  const n = Math.ceil(size / cell) + 2;
  const lattice = new Float32Array(n * n);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng.next();
  return (x, y) => {
    const gx = Math.max(0, x / cell),
      gy = Math.max(0, y / cell);
    const ix = Math.min(n - 2, Math.floor(gx)),
      iy = Math.min(n - 2, Math.floor(gy));
    const tx = smooth(Math.min(1, gx - ix)),
      ty = smooth(Math.min(1, gy - iy));
    const a = lattice[iy * n + ix]!,
      b = lattice[iy * n + ix + 1]!;
    const c = lattice[(iy + 1) * n + ix]!,
      d = lattice[(iy + 1) * n + ix + 1]!;
    return (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty;
  };
}

/** Fractal noise: `octaves` octaves starting at lattice spacing `cell`, each half the spacing and amplitude. */
export function fractalNoise(rng: Rng, size: number, cell: number, octaves: number): NoiseField {
  const layers: NoiseField[] = [];
  for (let o = 0; o < octaves; o++) layers.push(valueNoise(rng, size, Math.max(2, cell / 2 ** o)));
  let total = 0;
  for (let o = 0; o < octaves; o++) total += 0.5 ** o;
  return (x, y) => {
    let v = 0;
    for (let o = 0; o < layers.length; o++) v += layers[o]!(x, y) * 0.5 ** o;
    return v / total;
  };
}
