/**
 * @module
 * From a preprocessed image to one map per target: the model run(s) (seed-run.ts), the method (a CAM method
 * of src/cam on each layer, or a pixel-level method of src/pixel-methods), several layers combined, and the
 * horizontal-flip augmentation (compose.ts).
 *
 * Map resolution: one layer and no augmentation give the CAM method's raw map at the layer's h x w; several
 * layers give the combined map at the input's size; pixel-level methods give maps at the input's size.
 */
import { camMethod, type CamMethod } from '../cam/registry.js';
import type { FloatMap } from '../image/index.js';
import type { LayerSpec } from '../manifest.js';
import type { PixelMethod } from '../pixel-methods/index.js';
import type { AttentionMethod, AttentionParams } from '../attention/registry.js';
import { averageFlip, combineMaps, flipInput, flipMap, type Combine } from './compose.js';
import type { ModelFeed } from './model-feed.js';
import type { TaskRequest } from '../tasks/resolve.js';
import { runNeeds } from './run-plan.js';
import { runTargets, type OutputTargets, type Target, type TargetRequest, type TargetRun } from './seed-run.js';
import { topUnits, type UnitEvidence } from './units.js';

/** The method of a request: a CAM method, a pixel-level one, or an attention method. */
export type MethodChoice =
  | { kind: 'cam'; cam: CamMethod }
  | { kind: 'pixel'; pixel: PixelMethod }
  | { kind: 'attention'; attention: AttentionMethod; params: AttentionParams };

/** Everything {@link computeMaps} needs besides the image. */
export interface ComputeRequest {
  method: MethodChoice;
  /** Layers for CAM methods and guided-gradcam (at least one). */
  layers: LayerSpec[];
  /** The image input layer, for pixel-level methods. */
  inputLayer?: LayerSpec;
  combine: Combine;
  aug: 'none' | 'flip';
  /**
   * The targets as a request (classifiers), resolved seed rows, or targets resolved from the run's own output
   * (other tasks: src/explain/task-explain.ts).
   */
  targets: TargetRequest | Target[] | OutputTargets;
  /** A segment, detect or embed request's task options (absent for classifiers); read by the run plan. */
  task?: TaskRequest;
  /** SmoothGrad's copies and noise level. */
  n: number;
  sigma: number;
  /** List the top `units` units of the first layer by channel weight (0 or absent: none; see units.ts). */
  units?: number;
  /** With `units`: give each listed unit its own activation map. */
  unitMaps?: boolean;
}

/** One target's map. */
export interface ExplainedTarget {
  target: Target;
  map: FloatMap;
  /** With `units`, for methods with channel weights: the first layer's top units (of the unflipped image). */
  units?: UnitEvidence[];
}

/** The result of {@link computeMaps}. */
export interface Computed {
  logits: Float32Array;
  /** The explained output of the image (a task model's whole output; the logits for classifiers). */
  output: Float32Array;
  explained: ExplainedTarget[];
  /** Model runs spent. */
  runs: number;
}

async function layerMaps(
  cam: CamMethod,
  feed: ModelFeed,
  run: TargetRun,
  i: number,
  req: ComputeRequest,
  input: Float32Array,
): Promise<FloatMap[]> {
  const maps: FloatMap[] = [];
  for (const layer of req.layers) {
    const t = run.layers.get(layer.name)!;
    const access = cam.needsModel ? feed.access(layer, input, run.targets[i].classIndex) : undefined;
    const data = await cam.explain(
      { activation: t.activation, gradient: t.gradients[i], channels: t.channels, height: t.height, width: t.width },
      access,
    );
    maps.push({ width: t.width, height: t.height, data });
  }
  return maps;
}

/** One pass over one image (the original or its mirror): a map per target. */
/** Why a request has no unit ranking, or undefined when it has one. */
export function unitsUnavailable(req: ComputeRequest): string | undefined {
  const m = req.method;
  if (m.kind === 'pixel') return `${m.pixel.name} is a pixel-level method: it has no units.`;
  if (m.kind === 'attention') return `${m.attention.name} is an attention method: it has no units.`;
  if (!m.cam.hasChannelWeights) return `${m.cam.name} has no channel weights to rank units by (gradcam, gradcam++ and xgradcam have).`;
  return undefined;
}

function unitsOf(
  cam: CamMethod,
  run: TargetRun,
  i: number,
  layer: LayerSpec,
  map: FloatMap,
  req: ComputeRequest,
): UnitEvidence[] | undefined {
  const t = run.layers.get(layer.name)!;
  const input = { activation: t.activation, gradient: t.gradients[i], channels: t.channels, height: t.height, width: t.width };
  const weights = cam.unitWeights(input);
  return weights && topUnits(input, weights, map.data, layer.units, req.units ?? 0, req.unitMaps);
}

async function mapsOnce(
  feed: ModelFeed,
  input: Float32Array,
  req: ComputeRequest,
  targets: ComputeRequest['targets'],
): Promise<{ run: TargetRun; maps: FloatMap[]; units: (UnitEvidence[] | undefined)[]; runs: number }> {
  const run = await runTargets(feed, input, runNeeds(req), targets);
  const { width, height } = feed.inputSize;
  const channels = input.length / (width * height);
  let runs = run.runs;
  const maps: FloatMap[] = [];
  const units: (UnitEvidence[] | undefined)[] = [];
  for (let i = 0; i < run.targets.length; i++) {
    const m = req.method;
    if (m.kind === 'cam') {
      const perLayer = await layerMaps(m.cam, feed, run, i, req, input);
      units.push(req.units ? unitsOf(m.cam, run, i, req.layers[0], perLayer[0], req) : undefined);
      maps.push(perLayer.length === 1 ? perLayer[0] : combineMaps(perLayer, req.combine, width, height));
      continue;
    }
    if (m.kind === 'attention') {
      maps.push(attentionMap(m, feed, run, i));
      continue;
    }
    const target = run.targets[i];
    const gradcam = m.pixel.needs.gradcam
      ? combineMaps(await layerMaps(camMethod('gradcam')!, feed, run, i, req, input), req.combine, width, height)
      : undefined;
    const data = await m.pixel.map({
      input,
      channels,
      height,
      width,
      plain: run.plain?.[i],
      guided: run.guided?.[i],
      gradcam,
      n: req.n,
      sigma: req.sigma,
      inputGradients: async (images, count) => {
        const g = await feed.batchInputGradients(req.inputLayer!, images, count, target.seed);
        runs += g.runs;
        return g.gradients;
      },
    });
    maps.push({ width, height, data });
  }
  return { run, maps, units, runs };
}

/** An attention method's map of target i over the patch grid. */
function attentionMap(m: Extract<MethodChoice, { kind: 'attention' }>, feed: ModelFeed, run: TargetRun, i: number): FloatMap {
  const spec = feed.manifest.attention!;
  const tensors = run.attention!;
  const blocks = spec.blocks.map((b, k) => ({
    probabilities: tensors.probabilities[k],
    gradient: tensors.gradients?.[i][k],
    heads: b.heads,
    tokens: b.tokens,
  }));
  return { width: spec.grid[1], height: spec.grid[0], data: m.attention.map(blocks, spec.prefixTokens, m.params) };
}

/**
 * The maps of every target of a request.
 *
 * @example
 * const { explained } = await computeMaps(feed, pre.data, request); // explained[0].map
 */
export async function computeMaps(feed: ModelFeed, input: Float32Array, req: ComputeRequest): Promise<Computed> {
  const first = await mapsOnce(feed, input, req, req.targets);
  let maps = first.maps;
  let runs = first.runs;
  if (req.aug === 'flip') {
    const { width, height } = feed.inputSize;
    const mirrored = await mapsOnce(feed, flipInput(input, feed.manifest.input.layout, height, width), req, first.run.targets);
    runs += mirrored.runs;
    maps = maps.map((m, i) => averageFlip(m, flipMap(mirrored.maps[i])));
  }
  return {
    logits: first.run.logits,
    output: first.run.output,
    explained: first.run.targets.map((target, i) => ({ target, map: maps[i], ...(first.units[i] ? { units: first.units[i] } : {}) })),
    runs,
  };
}
