/**
 * @module
 * From a preprocessed image to one map per target: the model run(s) (seed-run.ts), the method (a CAM method
 * of src/cam on each layer, or a pixel-level method of src/pixel-methods), several layers combined, and the
 * horizontal-flip augmentation (compose.ts).
 *
 * Map resolution: one layer and no augmentation give the method's raw map at the layer's h x w (as before);
 * several layers give the combined map at the input's size; pixel-level methods give maps at the input's size.
 */
import type { CamMethod } from '../../cam/registry.js';
import type { FloatMap } from '../../image/index.js';
import type { LayerSpec, Manifest } from '../../manifest.js';
import { guidedGradCamMap, noisyCopies, saliencyMap, smoothGradMap, type PixelMethod } from '../../pixel-methods/index.js';
import type { ModelSession } from '../../runtime/runner.js';
import { batchLimit, modelAccess } from './batch-run.js';
import { averageFlip, combineMaps, flipInput, flipMap, type Combine } from './compose.js';
import { batchInputGradients } from './batch-forward.js';
import { runTargets, type RunNeeds, type Target, type TargetRequest, type TargetRun } from './seed-run.js';

/** The method of a request: a CAM method, or a pixel-level one (with the Grad-CAM used by guided-gradcam). */
export type MethodChoice = { kind: 'cam'; cam: CamMethod } | { kind: 'pixel'; name: PixelMethod; cam: CamMethod };

/** Everything {@link computeMaps} needs besides the image. */
export interface ComputeRequest {
  method: MethodChoice;
  /** Layers for CAM methods and guided-gradcam (at least one). */
  layers: LayerSpec[];
  /** The image input layer, for pixel-level methods. */
  inputLayer?: LayerSpec;
  combine: Combine;
  aug: 'none' | 'flip';
  targets: TargetRequest;
  /** SmoothGrad's copies and noise level. */
  n: number;
  sigma: number;
}

/** One target's map. */
export interface ExplainedTarget {
  target: Target;
  map: FloatMap;
}

/** The result of {@link computeMaps}. */
export interface Computed {
  logits: Float32Array;
  explained: ExplainedTarget[];
  /** Model runs spent. */
  runs: number;
}

/** The model input's height and width. */
export function inputSize(manifest: Manifest): { width: number; height: number } {
  const [, a, b, c] = manifest.input.shape as [unknown, number, number, number];
  return manifest.input.layout === 'NCHW' ? { height: b, width: c } : { height: a, width: b };
}

function needsOf(req: ComputeRequest): RunNeeds {
  const m = req.method;
  if (m.kind === 'cam') return { layers: req.layers };
  const input = { layer: req.inputLayer!, plain: m.name === 'saliency', guided: m.name === 'guided-gradcam' };
  return { layers: m.name === 'guided-gradcam' ? req.layers : [], input };
}

async function layerMaps(cam: CamMethod, run: TargetRun, i: number, req: ComputeRequest, session: ModelSession, manifest: Manifest, input: Float32Array): Promise<FloatMap[]> {
  const maps: FloatMap[] = [];
  for (const layer of req.layers) {
    const t = run.layers.get(layer.name)!;
    const access = cam.needsModel ? modelAccess(session, manifest, layer, input, run.targets[i].classIndex) : undefined;
    const data = await cam.explain({ activation: t.activation, gradient: t.gradients[i], channels: t.channels, height: t.height, width: t.width }, access);
    maps.push({ width: t.width, height: t.height, data });
  }
  return maps;
}

/** One pass over one image (the original or its mirror): a map per target. */
async function mapsOnce(session: ModelSession, manifest: Manifest, input: Float32Array, req: ComputeRequest, targets: TargetRequest | Target[]): Promise<{ run: TargetRun; maps: FloatMap[]; runs: number }> {
  const run = await runTargets(session, manifest, input, needsOf(req), targets);
  const { width, height } = inputSize(manifest);
  const channels = input.length / (width * height);
  let runs = run.runs;
  const maps: FloatMap[] = [];
  for (let i = 0; i < run.targets.length; i++) {
    const m = req.method;
    if (m.kind === 'cam') {
      const perLayer = await layerMaps(m.cam, run, i, req, session, manifest, input);
      maps.push(perLayer.length === 1 ? perLayer[0] : combineMaps(perLayer, req.combine, width, height));
    } else if (m.name === 'saliency') {
      maps.push({ width, height, data: saliencyMap(run.plain![i], channels, height, width) });
    } else if (m.name === 'smoothgrad') {
      const copies = noisyCopies(input, req.n, req.sigma);
      const g = await batchInputGradients(session, manifest, req.inputLayer!, copies, req.n, run.targets[i].seed, batchLimit(manifest));
      runs += g.runs;
      maps.push({ width, height, data: smoothGradMap(g.gradients, req.n, channels, height, width) });
    } else {
      const cam = combineMaps(await layerMaps(m.cam, run, i, req, session, manifest, input), req.combine, width, height);
      maps.push({ width, height, data: guidedGradCamMap(cam, run.guided![i], channels) });
    }
  }
  return { run, maps, runs };
}

/**
 * The maps of every target of a request.
 *
 * @example
 * const { explained } = await computeMaps(session, manifest, pre.data, request); // explained[0].map
 */
export async function computeMaps(session: ModelSession, manifest: Manifest, input: Float32Array, req: ComputeRequest): Promise<Computed> {
  const first = await mapsOnce(session, manifest, input, req, req.targets);
  let maps = first.maps;
  let runs = first.runs;
  if (req.aug === 'flip') {
    const { width, height } = inputSize(manifest);
    const mirrored = await mapsOnce(session, manifest, flipInput(input, manifest.input.layout, height, width), req, first.run.targets);
    runs += mirrored.runs;
    maps = maps.map((m, i) => averageFlip(m, flipMap(mirrored.maps[i])));
  }
  return { logits: first.run.logits, explained: first.run.targets.map((target, i) => ({ target, map: maps[i] })), runs };
}
