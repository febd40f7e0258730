/**
 * @module
 * The layout of each explained layer: the one the analysis found, or the one the layout flags give
 * (`--layout`, `--prefix-tokens`, `--grid` apply to every explained layer but the image input). A layer
 * whose layout neither the graph nor its shape settles, with no flags, is a `bad_option` error naming
 * the readings that fit.
 */
import { ApiError } from '../errors.js';
import type { ShapeMap } from '../onnx/shapes.js';
import type { CandidateLayer } from './layers.js';
import { describeLayout, layoutFromFlags, type LayerLayout, type LayoutOverride } from './layout.js';

/** True when any layout flag is set. */
export function hasLayoutFlags(o: LayoutOverride): boolean {
  return o.layout !== undefined || o.prefixTokens !== undefined || o.grid !== undefined;
}

/**
 * Layouts by layer name for `names` (the image input excluded).
 *
 * @example
 * layerLayouts(['/blocks.11/norm1/LayerNormalization_output_0'], candidates, shapes, {}).get(name); // { kind: 'tokens', prefixTokens: 1, grid: [14, 14] }
 */
export function layerLayouts(
  names: readonly string[],
  candidates: readonly CandidateLayer[],
  shapes: ShapeMap,
  flags: LayoutOverride,
): Map<string, LayerLayout> {
  const byName = new Map(candidates.map((c) => [c.name, c]));
  const out = new Map<string, LayerLayout>();
  for (const name of names) {
    const c = byName.get(name);
    const dims = c?.shape ?? shapes.get(name)?.dims ?? [];
    if (hasLayoutFlags(flags)) {
      out.set(name, layoutFromFlags(name, dims, flags, { layout: c?.layout, options: c?.layoutOptions }));
      continue;
    }
    if (c?.layout) {
      out.set(name, c.layout);
      continue;
    }
    const readings = c?.layoutOptions?.map(describeLayout).join(' or ');
    throw new ApiError(
      400,
      'bad_option',
      `The layout of layer "${name}" [${dims.join(', ')}] is ambiguous: the graph does not show which axes are spatial${readings ? `, and its shape reads as ${readings}` : ''}. Give it with --layout nchw|nhwc|tokens (tokens: --prefix-tokens P --grid HxW).`,
    );
  }
  return out;
}
