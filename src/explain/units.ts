/**
 * @module
 * Textual explanations (Grad-CAM, Selvaraju et al. 2017, arXiv:1610.02391, §7): the units of the explained
 * layer ranked by their channel weight alpha_k, with the names Network Dissection gave them (the manifest's
 * `layers[i].units`, src/dissect), and one sentence built from them. Only methods whose map is
 * ReLU(sum_k alpha_k A_k) with alpha_k from A and G have such a ranking (CamMethod.hasChannelWeights:
 * gradcam, gradcam++, xgradcam); for the others the reason is reported instead, never invented weights.
 */
import type { CamInput } from '../cam/base.js';
import type { FloatMap } from '../image/index.js';
import type { LayerDissection, Manifest } from '../manifest.js';
import { unitsUnavailable, type ComputeRequest, type ExplainedTarget } from './compute.js';

/** Units listed when a request does not say (`units=`). */
export const DEFAULT_UNITS = 5;
/** Most units one request may list. */
export const MAX_UNITS = 20;

/** One unit behind a map. */
export interface UnitEvidence {
  /** Channel index in the layer's activation. */
  index: number;
  /** Its channel weight alpha_k (> 0). */
  weight: number;
  /** Its Network Dissection name, or null (unnamed, or the layer was not dissected). */
  name: string | null;
  /** Its best concept's IoU from the dissection; null when the layer was not dissected. */
  iou: number | null;
  /** Its part of the map: sum over the map's positive pixels of alpha_k A_k, over the sum of the map. */
  share: number;
  /** With unit maps asked for: the unit's own activation A_k at the layer's grid (raw, before any weight or ReLU). */
  map?: FloatMap;
}

/**
 * The `k` units with the largest positive channel weights, best first (ties: lower index first); with
 * `withMaps`, each with its own activation map (channel k of A).
 *
 * @example
 * topUnits(input, weights, map, layer.units, 5)[0]; // { index: 812, weight: 0.013, name: 'star', iou: 0.21, share: 0.18 }
 */
export function topUnits(
  input: CamInput,
  weights: Float64Array,
  map: Float32Array,
  dissection: LayerDissection | undefined,
  k: number,
  withMaps = false,
): UnitEvidence[] {
  const order: number[] = [];
  for (let c = 0; c < weights.length; c++) if (weights[c]! > 0) order.push(c);
  order.sort((a, b) => weights[b]! - weights[a]! || a - b);
  const plane = input.height * input.width;
  let total = 0;
  for (let i = 0; i < plane; i++) total += Math.max(map[i]!, 0);
  return order.slice(0, k).map((index) => {
    let part = 0;
    for (let i = 0; i < plane; i++) if (map[i]! > 0) part += input.activation[index * plane + i]!;
    const weight = weights[index]!;
    return {
      index,
      weight,
      name: dissection?.names[index] ?? null,
      iou: dissection ? (dissection.iou[index] ?? null) : null,
      share: total > 0 ? (weight * part) / total : 0,
      ...(withMaps ? { map: unitMap(input, index) } : {}),
    };
  });
}

/** Channel `index` of the layer's activation, h x w row-major (a copy). */
function unitMap(input: CamInput, index: number): FloatMap {
  const plane = input.height * input.width;
  return { width: input.width, height: input.height, data: input.activation.slice(index * plane, (index + 1) * plane) };
}

function percent(p: number): string {
  const v = p * 100;
  return v > 0 && v < 1 ? '<1%' : `${Math.round(v)}%`;
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What the sentence is built from. */
export interface SentenceInput {
  /** The class label, or null (then `class <index>`). */
  label: string | null;
  classIndex: number;
  probability: number;
  /** The ranked units, or null when the method has none (`reason` says why). */
  units: UnitEvidence[] | null;
  reason?: string;
  /** Whether the layer has names (a dissection in the manifest). */
  dissected: boolean;
}

/**
 * One plain-English sentence: the prediction, then the named units among the top ones (each name once, with
 * its IoU), and how many of them are unnamed. Names come only from the dissection.
 *
 * @example
 * unitsSentence({ label: 'star', classIndex: 3, probability: 0.97, units, dissected: true });
 * // 'Predicted star (97%). The evidence is mostly from units that detect star (IoU 0.21), magenta (0.12) and checker texture (0.09).'
 */
export function unitsSentence(s: SentenceInput): string {
  const head = `Predicted ${s.label ?? `class ${s.classIndex}`} (${percent(s.probability)}).`;
  if (s.units === null) return s.reason ? `${head} ${s.reason}` : head;
  const k = s.units.length;
  if (k === 0) return `${head} No unit of the layer has a positive weight for this class.`;
  if (!s.dissected) return `${head} The layer's units have no names (the model was not dissected).`;
  const seen = new Set<string>();
  const named: string[] = [];
  for (const u of s.units) {
    if (u.name === null || seen.has(u.name)) continue;
    seen.add(u.name);
    const iou = (u.iou ?? 0).toFixed(2);
    named.push(named.length === 0 ? `${u.name} (IoU ${iou})` : `${u.name} (${iou})`);
  }
  const unnamed = s.units.filter((u) => u.name === null).length;
  const top = k === 1 ? 'the top unit' : `the top ${k} units`;
  if (named.length === 0) return `${head} None of ${top} has a name.`;
  const rest = unnamed === 0 ? '' : ` ${unnamed} of ${top} ${unnamed === 1 ? 'is' : 'are'} unnamed.`;
  return `${head} The evidence is mostly from units that detect ${list(named)}.${rest}`;
}

/**
 * The sentence of one explained target, from its top {@link DEFAULT_UNITS} units (from `computeMaps` with
 * `units` >= 5), or the reason the request has none.
 *
 * @example
 * targetSentence(manifest, request.compute, e.explained[0], e.probabilities);
 */
export function targetSentence(
  manifest: Manifest,
  req: ComputeRequest,
  explained: ExplainedTarget,
  probabilities: ArrayLike<number>,
): string {
  const classIndex = explained.target.classIndex;
  const reason = unitsUnavailable(req);
  return unitsSentence({
    label: manifest.labels?.[classIndex] ?? null,
    classIndex,
    probability: probabilities[classIndex]!,
    units: reason ? null : (explained.units ?? []).slice(0, DEFAULT_UNITS),
    reason,
    dissected: req.layers[0]?.units !== undefined,
  });
}
