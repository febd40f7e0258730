/**
 * @module
 * The benchmark's two passes over scenes. Single-object scenes, explaining the object's true class:
 * pointing game, energy share, average drop / increase (every scene), deletion / insertion (the first
 * `deletionScenes`), and the sanity check against the randomised model (the first `sanityScenes`).
 * Two-object scenes, explaining each object's class in turn: the mass ratios. Methods that run the model
 * again per map (Score-CAM, Smooth Grad-CAM++, SmoothGrad) are evaluated on the first `modelMethodScenes`
 * scenes of each pass only. The pixel-level rows (saliency, SmoothGrad, Guided Grad-CAM) come from the
 * saliency model of {@link Models} (the trained or randomised model itself when it has the input as a layer).
 */
import {
  areaUnderCurve,
  energyInside,
  explanationInput,
  gaussianBlur,
  massRatio,
  perturbationCurves,
  pointingHit,
  softmaxRows,
  spearman,
  type FloatMap,
} from '../../src/quality/index.js';
import { DEFAULT_NOISE_SIGMA, DEFAULT_NOISY_COPIES, noisyCopies } from '../../src/pixel-methods/smoothgrad.js';
import {
  attentionMaps,
  BASELINES,
  gaussianPrior,
  guidedGradCamBenchMap,
  methodMaps,
  PIXEL_ROWS,
  randomMap,
  saliencyMap,
  smoothGradBenchMap,
  type MapGeometry,
} from './maps.js';
import type { Explained, PreparedModel } from './prepared-model.js';
import type { Rows } from './accumulate.js';
import { benchScene, stackInputs, type BenchScene } from './scenes.js';

/** The models of one run. */
export interface Models {
  trained: PreparedModel;
  /** The trained model's top layer re-drawn. */
  randomized: PreparedModel;
  /** Models with the image input as a layer (trained and randomised), when available. */
  saliency?: { trained: PreparedModel; randomized: PreparedModel };
}

/** Sizes of one run. */
export interface PassOptions {
  scenes: number;
  pairs: number;
  deletionScenes: number;
  sanityScenes: number;
  /** Scenes (and pairs) on which the methods that run the model again are evaluated. */
  modelMethodScenes: number;
  steps: number;
  /** Pointing-game tolerance in pixels. */
  tolerance: number;
  batch: number;
}

/** What the passes found besides the rows. */
export interface PassReport {
  /** Top-1 accuracy on the single scenes; share of pair explanations whose class is in the model's top 2. */
  top1: number;
  /** Whether single scene i was classified correctly. */
  correct: boolean[];
  pairTop2: number;
  /** Methods that threw, with the message. */
  failures: Map<string, string>;
  seconds: { singles: number; pairs: number };
  /** Images run through the models (all models): with gradient outputs, and forward only. */
  images: { explained: number; forward: number };
}

/** Adds up the image counts of every model of the run. */
export function countImages(models: Models): { explained: number; forward: number } {
  const all = new Set([
    models.trained,
    models.randomized,
    ...(models.saliency ? [models.saliency.trained, models.saliency.randomized] : []),
  ]);
  let explained = 0,
    forward = 0;
  for (const m of all) {
    explained += m.counts.explained;
    forward += m.counts.forward;
  }
  return { explained, forward };
}

function geometry(model: PreparedModel): MapGeometry {
  const [channels, height, width] = model.layerShape;
  return { channels, height, width, size: Number(model.manifest.input.shape[2]) };
}

/** One explained image: the batch it came from and its position, its scene and class. */
interface Item {
  e: Explained;
  saliency?: Explained;
  j: number;
  scene: BenchScene;
  target: number;
  /** Whether to include the methods that run the model again. */
  withModelMethods: boolean;
}

/**
 * The pixel-level method rows of one explained image: Guided Grad-CAM from the Grad-CAM row's map and the
 * guided dS/dx (every scene), SmoothGrad from the saliency model's dS/dx of n noisy copies (with the model
 * methods only), both as the service computes them (src/explain/compute.ts: noisyCopies with the
 * default n and sigma, one-hot seed of the class).
 */
async function pixelMaps(maps: Map<string, FloatMap>, saliencyModel: PreparedModel | undefined, item: Item, size: number): Promise<void> {
  if (item.withModelMethods && saliencyModel?.inputLayer) {
    const n = DEFAULT_NOISY_COPIES;
    const gradients = await saliencyModel.inputGradients(noisyCopies(item.scene.input, n, DEFAULT_NOISE_SIGMA), n, item.target);
    maps.set(PIXEL_ROWS.smoothgrad, smoothGradBenchMap(gradients, n, size));
  }
  const gradcam = maps.get('gradcam');
  if (gradcam && item.saliency?.guidedGradient)
    maps.set(PIXEL_ROWS.guided, guidedGradCamBenchMap(gradcam, item.saliency.guidedGradient, item.j, size));
}

/**
 * All maps of one explained image: the registry's methods, the attention methods (models prepared with
 * `--attention`), the pixel-level methods, then the baselines.
 */
async function allMaps(
  model: PreparedModel,
  saliencyModel: PreparedModel | undefined,
  item: Item,
  failures: Map<string, string>,
): Promise<Map<string, FloatMap>> {
  const g = geometry(model);
  const access = item.withModelMethods ? model.access(item.scene.input, item.target) : undefined;
  const maps = await methodMaps(item.e, item.j, g, failures, access);
  const spec = model.manifest.attention;
  if (spec) for (const [name, map] of attentionMaps(item.e, item.j, spec, g.size, failures)) maps.set(name, map);
  await pixelMaps(maps, saliencyModel, item, g.size);
  maps.set(BASELINES.gaussian, gaussianPrior(g.size));
  maps.set(BASELINES.random, randomMap(item.scene.seed, g));
  if (item.saliency?.inputGradient) maps.set(BASELINES.saliency, saliencyMap(item.saliency.inputGradient, item.j, g.size));
  return maps;
}

/**
 * Explains with `main`, and with the saliency model unless it is `main` itself (whose output then has the
 * plain and guided dS/dx).
 */
async function explainBoth(main: PreparedModel, saliency: PreparedModel | undefined, images: Float32Array, classes: number[]) {
  const e = await main.explain(images, classes, { plain: saliency === main, guided: saliency === main });
  const s = saliency && saliency !== main ? await saliency.explain(images, classes) : saliency ? e : undefined;
  return { e, s };
}

function sceneBatch(kind: 'single' | 'pair', from: number, to: number, model: PreparedModel): BenchScene[] {
  const out: BenchScene[] = [];
  for (let i = from; i < to; i++) out.push(benchScene(kind, i, model.manifest, model.classes));
  return out;
}

/** The single-object pass. */
export async function singlePass(models: Models, rows: Rows, o: PassOptions, report: PassReport): Promise<void> {
  const started = performance.now(),
    { trained } = models,
    k = trained.classes;
  let correct = 0;
  for (let s = 0; s < o.scenes; s += o.batch) {
    const scenes = sceneBatch('single', s, Math.min(o.scenes, s + o.batch), trained);
    const images = stackInputs(scenes),
      targets = scenes.map((sc) => sc.classes[0]!);
    const { e, s: sal } = await explainBoth(trained, models.saliency?.trained, images, targets);
    const sane = scenes.filter((_, j) => s + j < o.sanityScenes).length;
    const rand = sane
      ? await explainBoth(models.randomized, models.saliency?.randomized, stackInputs(scenes.slice(0, sane)), targets.slice(0, sane))
      : undefined;
    const probs = softmaxRows(e.logits, scenes.length);
    for (let j = 0; j < scenes.length; j++) {
      const scene = scenes[j]!,
        target = targets[j]!,
        mask = scene.masks[0]!,
        index = s + j;
      report.correct[index] = argmaxRow(probs, j, k) === target;
      if (report.correct[index]) correct++;
      const withModelMethods = index < o.modelMethodScenes;
      const maps = await allMaps(
        trained,
        models.saliency?.trained,
        { e, saliency: sal, j, scene, target, withModelMethods },
        report.failures,
      );
      for (const [name, map] of maps) {
        const row = rows.row(name);
        row.pointing.push(+pointingHit(map, mask, o.tolerance));
        row.pointingStrict.push(+pointingHit(map, mask, 0));
        row.pointingBox.push(+pointingHit(map, scene.boxes[0]!, o.tolerance));
        row.energy.push(energyInside(map, mask));
      }
      await confidence(trained, scene, target, probs[j * k + target]!, maps, rows);
      if (index < o.deletionScenes) await deletionInsertion(trained, scene, target, maps, rows, o.steps);
      if (rand && j < sane) {
        const randomMaps = await allMaps(
          models.randomized,
          models.saliency?.randomized,
          { e: rand.e, saliency: rand.s, j, scene, target, withModelMethods },
          report.failures,
        );
        for (const [name, map] of maps) {
          const other = randomMaps.get(name);
          if (other) rows.row(name).spearman.push(spearman(map.data, other.data));
        }
      }
    }
    progress('singles', s + scenes.length, o.scenes, started);
  }
  report.top1 = correct / o.scenes;
  report.seconds.singles = (performance.now() - started) / 1000;
}

function progress(what: string, done: number, total: number, started: number): void {
  if (process.stderr.isTTY)
    process.stderr.write(
      `\r${what} ${done}/${total} (${((performance.now() - started) / 1000).toFixed(0)} s)${done === total ? '\n' : ''}`,
    );
}

function argmaxRow(probs: Float32Array, row: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (probs[row * k + c]! > probs[row * k + best]!) best = c;
  return best;
}

/** Largest absolute difference below which two maps count as the same map. */
const SAME_MAP = 1e-6;

function sameMap(a: FloatMap, b: FloatMap): boolean {
  if (a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (Math.abs(a.data[i]! - b.data[i]!) > SAME_MAP) return false;
  return true;
}

/**
 * The maps' distinct members and, for every name, the index of its distinct map: rows whose maps coincide on
 * a scene (Grad-CAM, HiResCAM and XGrad-CAM at a layer followed by global average pooling) share forward passes.
 */
function distinctMaps(maps: Map<string, FloatMap>): { unique: FloatMap[]; index: Map<string, number> } {
  const unique: FloatMap[] = [],
    index = new Map<string, number>();
  for (const [name, map] of maps) {
    let k = unique.findIndex((u) => sameMap(u, map));
    if (k < 0) k = unique.push(map) - 1;
    index.set(name, k);
  }
  return { unique, index };
}

/** Average drop / increase: one forward pass per distinct map on the explanation map E = map * image. */
async function confidence(
  model: PreparedModel,
  scene: BenchScene,
  target: number,
  original: number,
  maps: Map<string, FloatMap>,
  rows: Rows,
): Promise<void> {
  const { mean, std } = model.manifest.input;
  const { unique, index } = distinctMaps(maps),
    size = scene.input.length,
    batch = new Float32Array(unique.length * size);
  unique.forEach((map, k) => batch.set(explanationInput(scene.input, map, mean, std), k * size));
  const probs = await model.forward(batch, unique.length);
  for (const [name, k] of index) rows.row(name).confidence.push({ original, explained: probs[k * model.classes + target]! });
}

/** Deletion towards the mean colour (0 in the normalised input) and insertion from the blurred image. */
async function deletionInsertion(
  model: PreparedModel,
  scene: BenchScene,
  target: number,
  maps: Map<string, FloatMap>,
  rows: Rows,
  steps: number,
): Promise<void> {
  const { unique, index } = distinctMaps(maps),
    size = Number(model.manifest.input.shape[2]);
  const common = { input: scene.input, maps: unique, steps, classIndex: target, tieSeed: scene.seed, batchSize: 32 };
  const del = await perturbationCurves(model.forward, { ...common, baseline: new Float32Array(scene.input.length), mode: 'deletion' });
  const ins = await perturbationCurves(model.forward, { ...common, baseline: gaussianBlur(scene.input, 3, size, size), mode: 'insertion' });
  for (const [name, k] of index) {
    rows.row(name).deletion.push(areaUnderCurve(del[k]!));
    rows.row(name).insertion.push(areaUnderCurve(ins[k]!));
  }
}

/** The two-object pass: each scene explained for both classes (the image twice in the batch). */
export async function pairPass(models: Models, rows: Rows, o: PassOptions, report: PassReport): Promise<void> {
  const started = performance.now(),
    { trained } = models,
    k = trained.classes,
    step = Math.max(1, o.batch >> 1);
  let inTop2 = 0;
  for (let s = 0; s < o.pairs; s += step) {
    const scenes = sceneBatch('pair', s, Math.min(o.pairs, s + step), trained);
    const targets = scenes.flatMap((sc) => sc.classes);
    const { e, s: sal } = await explainBoth(trained, models.saliency?.trained, stackInputs(scenes, 2), targets);
    const probs = softmaxRows(e.logits, targets.length);
    for (let j = 0; j < targets.length; j++) {
      const scene = scenes[j >> 1]!,
        which = j & 1,
        target = targets[j]!;
      if (top2(probs, j, k).includes(target)) inTop2++;
      const item = { e, saliency: sal, j, scene, target, withModelMethods: s + (j >> 1) < o.modelMethodScenes };
      for (const [name, map] of await allMaps(trained, models.saliency?.trained, item, report.failures)) {
        rows.row(name).ratios.push(massRatio(map, scene.masks[which]!, scene.masks[1 - which]!));
      }
    }
    progress('pairs', s + scenes.length, o.pairs, started);
  }
  report.pairTop2 = inTop2 / (2 * o.pairs);
  report.seconds.pairs = (performance.now() - started) / 1000;
}

function top2(probs: Float32Array, row: number, k: number): number[] {
  return Array.from({ length: k }, (_, c) => c)
    .sort((a, b) => probs[row * k + b]! - probs[row * k + a]!)
    .slice(0, 2);
}
