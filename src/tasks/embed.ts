/**
 * @module
 * Embedding targets for outputs [N, D]: `vector=` (comma-separated or a JSON array) explains the dot
 * product of the embedding with a direction (a text embedding: "why is this image close to 'a dog'"), `index=` a single output unit
 * (regression, multi-label).
 */
import { optionError } from './option-error.js';
import type { SparseTarget } from './target.js';

/** The items of a `vector=` value: a JSON array (text starting with `[`, or already parsed), else comma-separated. */
function vectorItems(value: string | readonly unknown[], dimensions: number): { items: string[]; numbers: number[] } {
  if (typeof value !== 'string' || value.trimStart().startsWith('[')) {
    let items: unknown;
    try {
      items = typeof value === 'string' ? JSON.parse(value) : value;
    } catch {
      throw optionError(
        'vector',
        `is not valid JSON; send a JSON array of ${dimensions} numbers, or ${dimensions} comma-separated numbers.`,
      );
    }
    if (!Array.isArray(items)) throw optionError('vector', `needs a JSON array of ${dimensions} numbers.`);
    // every item must be a JSON number (no strings, null or nested arrays); 1e999 parses to Infinity
    return {
      items: items.map((p) => String(JSON.stringify(p)).slice(0, 40)),
      numbers: items.map((p) => (typeof p === 'number' ? p : Number.NaN)),
    };
  }
  const parts = value.split(',');
  return { items: parts.map((p) => `'${p.slice(0, 40)}'`), numbers: parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p))) };
}

/**
 * `vector=`: D finite numbers, not all zero: comma-separated text, or a JSON array (as text starting with
 * `[`, e.g. a form field or a JSON file part of a multipart request, or already parsed).
 *
 * @example
 * vectorTarget('0.1,-0.2,0.3', 3); // weights [0.1, -0.2, 0.3] on units 0..2
 * vectorTarget('[0.1, -0.2, 0.3]', 3); // the same
 */
export function vectorTarget(value: string | readonly unknown[], dimensions: number): SparseTarget {
  const { items, numbers } = vectorItems(value, dimensions);
  const bad = numbers.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw optionError('vector', `needs ${dimensions} finite numbers; item ${bad} (${items[bad]}) is not a finite number.`);
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
