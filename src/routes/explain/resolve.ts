/**
 * @module
 * Resolving a request's class and layer options against a model's manifest (400 problems that name the option).
 */
import { ApiError } from '../../errors.js';
import type { LayerSpec, Manifest } from '../../manifest.js';
import { classCount } from '../../explain/model-feed.js';

/**
 * The class index named by `value` (an index or a label); undefined value means "top-1" (null).
 * Unknown labels are 400 bad_option; indices outside [0, K) are 400 class_out_of_range.
 */
export function resolveClass(manifest: Manifest, value: string | undefined, option = 'class'): number | null {
  if (value === undefined) return null;
  const k = classCount(manifest);
  if (/^-?\d+$/.test(value.trim())) {
    const index = Number(value);
    if (index < 0 || index >= k) throw new ApiError(400, 'class_out_of_range', `Class ${index} is outside 0..${k - 1}.`, { option });
    return index;
  }
  const labels = manifest.labels ?? [];
  const index = labels.indexOf(value);
  if (index >= 0) return index;
  const lower = labels.findIndex((l) => l.toLowerCase() === value.toLowerCase());
  if (lower >= 0) return lower;
  throw new ApiError(400, 'bad_option', `Option '${option}': '${value}' is neither a class index nor a label of this model.`, { option });
}

/** The layer called `name`, or the manifest's default layer (the last one when none is marked). */
export function resolveLayer(manifest: Manifest, name: string | undefined): LayerSpec {
  if (name === undefined) return manifest.layers.find((l) => l.default) ?? manifest.layers[manifest.layers.length - 1];
  const layer = manifest.layers.find((l) => l.name === name);
  if (!layer) {
    const names = manifest.layers.map((l) => l.name).join(', ');
    throw new ApiError(400, 'bad_option', `Option 'layer': '${name}' is not a layer of this model (layers: ${names}).`, {
      option: 'layer',
    });
  }
  return layer;
}
