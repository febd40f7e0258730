/**
 * @module
 * The layout of an explainable layer: NCHW [N, C, h, w], channels-last [N, h, w, C], or a token sequence
 * [N, T, C] with T = P + h * w (P prefix tokens, then the patch grid row-major). Read off the axis labels
 * of the graph (axis-tags.ts); when the graph does not tell (an op it cannot see through), from the
 * tensor's shape against the input size, and then only when exactly one reading fits: otherwise the layer
 * is ambiguous and prepare asks for `--layout` / `--prefix-tokens` / `--grid`.
 */
import type { Dim } from '../onnx/shapes.js';
import { ApiError } from '../errors.js';
import type { AxisTag } from './axis-tags.js';

/** How a layer's tensor holds its map (the manifest's `layers[i].layout`). */
export interface LayerLayout {
  kind: 'nchw' | 'nhwc' | 'tokens';
  /** Tokens before the patch grid (class, distillation, register tokens); tokens only. */
  prefixTokens?: number;
  /** [h, w] of the map. */
  grid: [number, number];
}

/** A layout and how it was found. */
export interface FoundLayout {
  layout?: LayerLayout;
  /** 'graph': read off the axis labels; 'shape': the one reading of the shape that fits the input size. */
  from?: 'graph' | 'shape';
  /** Readings that fit when there are several (the layer is then ambiguous). */
  options?: LayerLayout[];
}

/** Layout flags of prepare (`--layout`, `--prefix-tokens`, `--grid`). */
export interface LayoutOverride {
  layout?: LayerLayout['kind'];
  prefixTokens?: number;
  grid?: [number, number];
}

/** Most prefix tokens a shape-only reading considers (ViT 1, DeiT 2, registers 4 or 8, plus one). */
const MAX_PREFIX = 9;

/** The layout the axis labels spell, if they spell one. */
export function layoutFromTags(tags: readonly AxisTag[] | undefined, dims: readonly Dim[]): LayerLayout | undefined {
  if (!tags || tags.length !== dims.length || tags[0]?.kind !== 'N') return undefined;
  const k = tags.map((t) => t.kind).join();
  if (k === 'N,C,H,W') return { kind: 'nchw', grid: [dims[2] as number, dims[3] as number] };
  if (k === 'N,H,W,C') return { kind: 'nhwc', grid: [dims[1] as number, dims[2] as number] };
  const t = tags[1]!;
  if (k === 'N,T,C' && t.kind === 'T') return { kind: 'tokens', prefixTokens: t.prefix, grid: [...t.grid] };
  return undefined;
}

/**
 * h x w could be a feature map of an H x W input: some whole stride s (a product of strides) gives both
 * within rounding, |H / s - h| < 1 and |W / s - w| < 1 (so 14 x 20 fits 224 x 320, 13 x 15 does not fit 224 x 224).
 */
function gridFits(h: number, w: number, input: readonly [number, number]): boolean {
  if (!(h >= 1 && w >= 1) || h > input[0] || w > input[1]) return false;
  const low = Math.max(1, Math.floor(input[0] / (h + 1)));
  const high = Math.ceil(input[0] / Math.max(h - 1, 0.5));
  for (let s = low; s <= high; s++) if (Math.abs(input[0] / s - h) < 1 && Math.abs(input[1] / s - w) < 1) return true;
  return false;
}

/** Every layout the shape alone allows. */
export function layoutsFromShape(dims: readonly Dim[], input: readonly [number, number]): LayerLayout[] {
  const [, a, b, c] = dims;
  const out: LayerLayout[] = [];
  if (dims.length === 4 && [a, b, c].every((d) => typeof d === 'number')) {
    if (gridFits(b as number, c as number, input)) out.push({ kind: 'nchw', grid: [b as number, c as number] });
    if (gridFits(a as number, b as number, input)) out.push({ kind: 'nhwc', grid: [a as number, b as number] });
  }
  if (dims.length === 3 && typeof a === 'number') {
    for (let p = 0; p <= MAX_PREFIX && p < a; p++) {
      for (const grid of gridsOf(a - p, input)) out.push({ kind: 'tokens', prefixTokens: p, grid });
    }
  }
  return out;
}

/** Factorisations n = h * w (h, w > 1) that fit the input's aspect ratio. */
function gridsOf(n: number, input: readonly [number, number]): [number, number][] {
  const out: [number, number][] = [];
  for (let h = 2; h <= n / 2; h++) if (n % h === 0 && gridFits(h, n / h, input)) out.push([h, n / h]);
  return out;
}

/** Find a tensor's layout: from the graph's labels, else from its shape when only one reading fits. */
export function findLayout(tags: readonly AxisTag[] | undefined, dims: readonly Dim[], input: readonly [number, number]): FoundLayout {
  const fromTags = layoutFromTags(tags, dims);
  if (fromTags) return { layout: fromTags, from: 'graph' };
  const options = layoutsFromShape(dims, input);
  if (options.length === 1) return { layout: options[0], from: 'shape' };
  return options.length > 1 ? { options } : {};
}

/** A short text for a layout: "nchw 7x7", "tokens 1+14x14". */
export function describeLayout(l: LayerLayout | undefined): string {
  if (!l) return '?';
  const grid = `${l.grid[0]}x${l.grid[1]}`;
  return l.kind === 'tokens' ? `tokens ${l.prefixTokens ?? 0}+${grid}` : `${l.kind} ${grid}`;
}

/**
 * The layout the flags give for a layer of shape `dims`; checks that it fits the shape.
 * Throws `bad_option` with a sentence saying what fits when it does not.
 */
export function layoutFromFlags(name: string, dims: readonly Dim[], o: LayoutOverride, found: FoundLayout): LayerLayout {
  const kind = o.layout ?? found.layout?.kind ?? (dims.length === 3 ? 'tokens' : undefined);
  const bad = (why: string) => new ApiError(400, 'bad_option', `Layer "${name}" [${dims.join(', ')}]: ${why}.`);
  if (!kind) throw bad('give --layout nchw|nhwc|tokens');
  const n = (i: number) => (typeof dims[i] === 'number' ? (dims[i] as number) : NaN);
  if (kind !== 'tokens') {
    if (dims.length !== 4) throw bad(`--layout ${kind} needs a 4-D tensor`);
    const grid: [number, number] = kind === 'nchw' ? [n(2), n(3)] : [n(1), n(2)];
    if (o.grid && o.grid.join() !== grid.join()) throw bad(`as ${kind} its grid is ${grid.join('x')}, not ${o.grid.join('x')}`);
    if (o.prefixTokens) throw bad('--prefix-tokens applies to token layers only');
    return { kind, grid };
  }
  if (dims.length !== 3) throw bad('--layout tokens needs a 3-D tensor [N, T, C]');
  const t = n(1);
  const guess = found.layout?.kind === 'tokens' ? found.layout : undefined;
  const grid = o.grid ?? (o.prefixTokens !== undefined ? squareGrid(t - o.prefixTokens) : guess?.grid);
  if (!grid) throw bad('give the patch grid with --grid HxW (and --prefix-tokens P)');
  const prefix = o.prefixTokens ?? t - grid[0] * grid[1];
  if (prefix < 0 || prefix + grid[0] * grid[1] !== t)
    throw bad(`${t} tokens are not ${prefix} prefix tokens plus a ${grid.join('x')} grid`);
  return { kind: 'tokens', prefixTokens: prefix, grid: [grid[0], grid[1]] };
}

function squareGrid(n: number): [number, number] | undefined {
  const s = Math.round(Math.sqrt(n));
  return s > 0 && s * s === n ? [s, s] : undefined;
}
