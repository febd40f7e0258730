/**
 * @module
 * The 400 `bad_option` error of a task target option (`class=`, `region=`, `box=`, `vector=`, ...), in the
 * same words as the explain route's other option errors.
 */
import { ApiError } from '../errors.js';

/**
 * @example
 * throw optionError('region', 'x0 must be less than x1 (got 40,0,10,20).');
 */
export function optionError(option: string, sentence: string): ApiError {
  return new ApiError(400, 'bad_option', `Option '${option}': ${sentence}`, { option });
}
