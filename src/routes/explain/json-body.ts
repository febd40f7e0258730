/**
 * @module
 * The JSON explanation's extra parts: one entry per target (top=k, counterfactual, contrastive) with its
 * map, and the metrics. The top-level `class` and `map` stay those of the first target, so clients of the
 * one-target format keep working.
 */
import type { FloatMap } from '../../image/index.js';
import type { Manifest } from '../../manifest.js';
import type { ExplainedTarget } from '../../explain/compute.js';
import type { UnitEvidence } from '../../explain/units.js';
import type { ExplanationMeta } from '../../cache/store.js';
import { storedUrl } from './stored-url.js';

/** One explained target in the JSON output. */
export interface TargetJson {
  class: { index: number; label: string | null; score: number };
  versus: { index: number; label: string | null; score: number } | null;
  counterfactual: boolean;
  map: { shape: [number, number]; data: number[] };
}

/** The JSON of a map: shape [h, w] and row-major values. */
export function mapJson(map: FloatMap): TargetJson['map'] {
  return { shape: [map.height, map.width], data: [...map.data] };
}

/** The JSON `units`: null when the method has none; a unit's own map (unit_maps=true) as shape and data. */
export function unitsJson(units: readonly UnitEvidence[] | undefined) {
  return units?.map(({ map, ...u }) => (map ? { ...u, map: mapJson(map) } : u)) ?? null;
}

/** The JSON entries of the explained targets. */
export function targetsJson(manifest: Manifest, explained: readonly ExplainedTarget[], probabilities: Float64Array): TargetJson[] {
  const cls = (index: number) => ({ index, label: manifest.labels?.[index] ?? null, score: probabilities[index] });
  return explained.map(({ target, map }) => ({
    class: cls(target.classIndex),
    versus: target.versus === null ? null : cls(target.versus),
    counterfactual: target.counterfactual,
    map: mapJson(map),
  }));
}

/** The fields every JSON explanation starts with: its id, stored URL (never from the request's Host), model, method and layer. */
export function explanationHead(env: { PUBLIC_URL?: string }, id: string, meta: ExplanationMeta) {
  return { id, url: storedUrl(env, id, 'json'), model: meta.model, method: meta.method, layer: meta.layer };
}
