/**
 * A small seeded pseudo-random number generator: mulberry32 (Tommy Ettinger's 32-bit
 * generator, public domain; the project's one implementation is in src/cam/noise.ts, which
 * the CAM methods' noise uses too), wrapped with the few draws the scene generator needs.
 * The same seed always yields the same sequence on every JavaScript engine, because it
 * only uses 32-bit integer arithmetic (`Math.imul`, `>>>`).
 * @module
 */
import { mulberry32 } from '../cam/noise.js';

/** A deterministic source of random draws. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty array, chosen uniformly. */
  pick<T>(items: readonly T[]): T;
}

/**
 * Creates a mulberry32 generator.
 * @example
 * const rng = createRng(42);
 * rng.next(); // always the same first value for seed 42
 */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/**
 * Derives an independent 32-bit seed from a scene seed and a stream number, so that
 * sub-generators (background, objects, ...) do not shift each other's sequences.
 */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
