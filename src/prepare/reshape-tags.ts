/**
 * @module
 * Axis labels through a Reshape (and Flatten, Squeeze, Unsqueeze): the input and output dims are split
 * into the shortest runs with equal products; a run of one axis on each side keeps its label, a run H, W
 * merged into one axis becomes a token axis T (no prefix, grid h x w), and a token axis without prefix
 * split into its grid's two sizes becomes H, W. Every other axis is '?'.
 */
import type { Dim } from '../onnx/shapes.js';
import type { AxisTag } from './axis-tags.js';

const UNKNOWN: AxisTag = { kind: '?' };

/**
 * Labels of a reshaped tensor.
 *
 * @example
 * reshapeTags([N, C, H, W], ['N', 32, 4, 6], ['N', 32, 24]); // [N, C, T(prefix 0, grid 4x6)]
 */
export function reshapeTags(x: readonly AxisTag[], inDims: readonly Dim[], outDims: readonly Dim[]): AxisTag[] {
  const out: AxisTag[] = outDims.map(() => UNKNOWN);
  if (x.length !== inDims.length) return out;
  let i = 0;
  let j = 0;
  while (i < inDims.length && j < outDims.length) {
    const a = inDims[i]!;
    const b = outDims[j]!;
    if (a === 'N' || b === 'N') {
      if (a !== b) return out; // the batch merged with something: stop labelling
      out[j++] = x[i++]!;
      continue;
    }
    if (b === 1 && a !== 1) {
      j++;
      continue;
    }
    if (a === 1 && b !== 1) {
      i++;
      continue;
    }
    const gi = [i];
    const gj = [j];
    let pa = a;
    let pb = b;
    while (pa !== pb) {
      if (pa < pb) {
        const next = inDims[++i];
        if (typeof next !== 'number') return out;
        pa *= next;
        gi.push(i);
      } else {
        const next = outDims[++j];
        if (typeof next !== 'number') return out;
        pb *= next;
        gj.push(j);
      }
    }
    group(x, inDims, outDims, gi, gj, out);
    i++;
    j++;
  }
  return out;
}

function group(x: readonly AxisTag[], inDims: readonly Dim[], outDims: readonly Dim[], gi: number[], gj: number[], out: AxisTag[]): void {
  if (gi.length === 1 && gj.length === 1) {
    out[gj[0]!] = x[gi[0]!]!;
    return;
  }
  const kinds = gi.map((k) => x[k]!.kind).join();
  if (kinds === 'H,W' && gj.length === 1) {
    out[gj[0]!] = { kind: 'T', prefix: 0, grid: [inDims[gi[0]!] as number, inDims[gi[1]!] as number] };
    return;
  }
  const t = x[gi[0]!]!;
  if (
    gi.length === 1 &&
    t.kind === 'T' &&
    t.prefix === 0 &&
    gj.length === 2 &&
    outDims[gj[0]!] === t.grid[0] &&
    outDims[gj[1]!] === t.grid[1]
  ) {
    out[gj[0]!] = { kind: 'H' };
    out[gj[1]!] = { kind: 'W' };
  }
}
