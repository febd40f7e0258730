/**
 * @module
 * Embedding targets for outputs [N, D]: `vector=` explains the dot product of the embedding with a
 * direction (a text embedding: "why is this image close to 'a dog'"), `index=` a single output unit
 * (regression, multi-label).
 */
import { optionError } from './option-error.js';
import type { SparseTarget } from './target.js';

/**
 * `vector=`: D comma-separated finite numbers (or a JSON array of D numbers), not all zero.
 *
 * @example
 * vectorTarget('0.1,-0.2,0.3', 3); // weights [0.1, -0.2, 0.3] on units 0..2
 */
export function vectorTarget(value: string | readonly unknown[], dimensions: number): SparseTarget {
  const fromText = typeof value === 'string';
  const parts: unknown[] = fromText ? value.split(',') : [...value];
  // In text every item is a number literal; in a JSON array every item must be a JSON number.
  const numbers = parts.map((p) => (fromText ? (String(p).trim() === '' ? NaN : Number(p)) : typeof p === 'number' ? p : NaN));
  const bad = numbers.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw optionError(
      'vector',
      `needs ${dimensions} comma-separated numbers; item ${bad} ('${String(parts[bad]).slice(0, 40)}') is not a finite number.`,
    );
  if (numbers.length !== dimensions)
    throw optionError('vector', `has ${numbers.length} numbers; this model's embedding has ${dimensions} dimensions.`);
  if (numbers.every((v) => v === 0)) throw optionError('vector', 'is all zeros, so there is nothing to explain; send a direction.');
  const weights = Float32Array.from(numbers);
  if (!weights.every(Number.isFinite)) throw optionError('vector', 'has a number too large for float32.');
  return { size: dimensions, indices: Int32Array.from({ length: dimensions }, (_, i) => i), weights };
}

/**
 * `index=`: one output unit, a whole number in [0, D).
 *
 * @example
 * indexTarget('7', 512); // unit 7 with weight 1
 */
export function indexTarget(value: string, dimensions: number): SparseTarget {
  const i = Number(value);
  if (!/^\d+$/.test(value) || i >= dimensions)
    throw optionError('index', `needs a whole number from 0 to ${dimensions - 1} (got '${value}').`);
  return { size: dimensions, indices: Int32Array.of(i), weights: Float32Array.of(1) };
}
