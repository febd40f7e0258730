/**
 * @module
 * The divisor of each AveragePool window, as onnxruntime's CPU kernel computes it: with count_include_pad
 * the window is clipped to the padded input (so ceil_mode's overhanging windows count less), without it
 * to the input itself.
 */
import type { Window } from './window.js';

/** Element count per output position (row-major over the output's spatial dims). */
export function windowCounts(w: Window, inSize: number[], outSize: number[], includePad: boolean): number[] {
  const total = outSize.reduce((a, b) => a * b, 1);
  const counts: number[] = [];
  for (let p = 0; p < total; p++) {
    let rest = p;
    let count = 1;
    for (let i = outSize.length - 1; i >= 0; i--) {
      const o = rest % outSize[i]!;
      rest = Math.floor(rest / outSize[i]!);
      const start = o * w.strides[i]! - w.padBegin[i]!;
      const end = Math.min(start + w.kernel[i]!, inSize[i]! + w.padEnd[i]!);
      count *= includePad ? end - start : Math.min(end, inSize[i]!) - Math.max(start, 0);
    }
    counts.push(count);
  }
  return counts;
}
