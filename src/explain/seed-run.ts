/**
 * @module
 * The model run(s) behind one request's targets. A target is a seed vector over the explained output: e_c
 * (class c), -e_c (counterfactual, Grad-CAM paper section 5), e_a - e_b (contrastive: why a rather than b),
 * or a task's functional (segment mask, detection score, direction: src/tasks). All targets of a request
 * share one forward pass: the seed carries one row per target (the batch contract of src/manifest.ts, N = 1
 * image and S rows). How the rows reach the model (fed, identity rows, built in the graph, resolved after
 * the run, or found by a forward run first) is planned by run-plan.ts, which the cost accounting shares.
 * The image input's plain and guided gradients have seed inputs of their own (fed only when needed: an
 * empty seed skips their backward graph).
 */
import { ApiError } from '../errors.js';
import type { LayerSpec } from '../manifest.js';
import type { RunTensor } from '../runtime/runner.js';
import type { ModelFeed } from './model-feed.js';
import { chosenClasses, targetTemplate, topKFeed } from './in-graph-targets.js';
import { planClassTargets } from './run-plan.js';

export { IDENTITY_SEED_MAX_CLASSES } from './run-plan.js';

/** Which targets a request explains (indices already resolved from labels). */
export interface TargetRequest {
  /** The class, or null for the predicted ones. */
  classIndex: number | null;
  /** How many top classes when `classIndex` is null (1 = top-1). */
  top: number;
  /** Negate the seed: what would lower the class's score. */
  counterfactual: boolean;
  /** Contrast with this class: seed e_class - e_versus. */
  versus: number | null;
}

/**
 * Targets known only from the run's own output (task models, run-plan.ts paths `in-graph` and `after-run`):
 * the run feeds `feeds` (the in-graph task target's inputs, or none) with `seed` rows for the shared seed,
 * fetches `fetches` too, and `resolve` turns the explained output of the image (and the run's outputs) into
 * the targets. When `resolve` says the graph's rows are not those targets, one more run feeds them.
 */
export interface OutputTargets {
  kind: 'from-output';
  feeds: Record<string, RunTensor>;
  /** The shared seed's rows: 'empty' when the graph builds them, 'zero' (one zero row) when no gradient is read. */
  seed: 'empty' | 'zero';
  fetches: string[];
  resolve(output: Float32Array, out: Record<string, RunTensor>): { targets: Target[]; matches: boolean };
}

/** One explained target. */
export interface Target {
  classIndex: number;
  versus: number | null;
  counterfactual: boolean;
  /** The seed row, K values. */
  seed: Float32Array;
}

/** One layer's activation (one image) and its gradient per target. */
export interface LayerTensors {
  activation: Float32Array;
  gradients: Float32Array[];
  channels: number;
  height: number;
  width: number;
}

/** What a run must return. */
export interface RunNeeds {
  /** Layers whose A and G (shared seed) are needed. */
  layers: LayerSpec[];
  /** The image input layer, when its plain and/or guided gradient is needed. */
  input?: { layer: LayerSpec; plain: boolean; guided: boolean };
  /** The attention probabilities of every block (manifest `attention`), and their gradients when `gradient`. */
  attention?: { gradient: boolean };
}

/** Per block (manifest order): the probabilities of the image, and their gradient per target when asked for. */
export interface AttentionTensors {
  probabilities: Float32Array[];
  /** [target][block]. */
  gradients?: Float32Array[][];
}

/** The results of {@link runTargets}. */
export interface TargetRun {
  logits: Float32Array;
  /** The explained output of the image (the logits for classifiers; a task model's whole output). */
  output: Float32Array;
  targets: Target[];
  layers: Map<string, LayerTensors>;
  /** The input's plain / guided gradient per target (C x H x W each), when asked for. */
  plain?: Float32Array[];
  guided?: Float32Array[];
  attention?: AttentionTensors;
  runs: number;
}

/** The seed rows of targets explaining `classes`. */
export function targetsFor(classes: readonly number[], req: TargetRequest, k: number): Target[] {
  return classes.map((c) => {
    const seed = new Float32Array(k);
    seed[c] = req.counterfactual ? -1 : 1;
    if (req.versus !== null) seed[req.versus] -= 1;
    return { classIndex: c, versus: req.versus, counterfactual: req.counterfactual, seed };
  });
}

/** Class indices by decreasing logit, the first `k`. */
export function topClasses(logits: Float32Array, k: number): number[] {
  return [...logits.keys()].sort((a, b) => logits[b] - logits[a] || a - b).slice(0, k);
}

function identity(k: number): Float32Array[] {
  return Array.from({ length: k }, (_, i) => Float32Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
}

/** Row r of a [S, ...] tensor, or the combination sum_r w_r row_r. */
function combineRows(data: Float32Array, per: number, weights: Float32Array): Float32Array {
  const out = new Float32Array(per);
  weights.forEach((w, r) => {
    if (w === 0) return;
    for (let i = 0, j = r * per; i < per; i++, j++) out[i] += w * data[j];
  });
  return out;
}

/**
 * Run the model for `targets` (or for the targets `req` resolves to) on one image.
 *
 * @example
 * const r = await runTargets(feed, input, { layers: [layer] }, { classIndex: null, top: 5, counterfactual: false, versus: null });
 * r.targets.length; // 5, from one forward pass
 */
export async function runTargets(
  feed: ModelFeed,
  input: Float32Array,
  needs: RunNeeds,
  req: TargetRequest | Target[] | OutputTargets,
): Promise<TargetRun> {
  const { manifest, classes: k } = feed;
  if (!Array.isArray(req) && 'kind' in req) return runForOutputTargets(feed, input, needs, req);
  let runs = 0;
  const named = Array.isArray(req) || req.classIndex !== null;
  const { path } = planClassTargets(manifest, needs, named);
  const logitsOnly = needs.layers.length === 0 && !needs.attention?.gradient && !needs.input?.plain && !needs.input?.guided;
  const inGraph = path === 'in-graph';
  const viaIdentity = path === 'identity';
  let targets = Array.isArray(req) ? req : req.classIndex !== null ? targetsFor([req.classIndex], req, k) : undefined;
  if (path === 'forward-first') {
    runs++;
    targets = targetsFor(topClasses(await feed.logits(input), (req as TargetRequest).top), req as TargetRequest, k);
  }
  const sharedSeed = needs.layers.length > 0 || !!needs.attention?.gradient;
  const seedRows = viaIdentity ? (logitsOnly ? [] : identity(k)) : inGraph ? [] : targets!.map((t) => t.seed);
  // With in-graph selection every fed seed is the template; the model makes the rows of the top classes.
  const seedFeed = (): RunTensor => (inGraph ? targetTemplate(req as TargetRequest, k) : feed.rows(seedRows));
  const feeds: Record<string, RunTensor> = { [manifest.input.name]: feed.images(input) };
  feeds[manifest.seed.name] = sharedSeed || inGraph ? seedFeed() : feed.zeroRows(1);
  const fetches = [manifest.logits.name, ...needs.layers.flatMap((l) => [l.activation, l.gradient])];
  const blocks = needs.attention ? (manifest.attention?.blocks ?? []) : [];
  for (const b of blocks) fetches.push(b.probabilities, ...(needs.attention!.gradient ? [b.gradient!] : []));
  if (inGraph) {
    Object.assign(feeds, topKFeed(manifest, (req as TargetRequest).top));
    fetches.push(manifest.seed.select!.classes);
  }
  // a layer with a seed input of its own (the image input explained as a CAM layer) gets the same rows
  for (const l of needs.layers) if (l.seed) feeds[l.seed] = seedFeed();
  const il = needs.input?.layer;
  if (il && needs.input!.plain) {
    feeds[il.seed ?? manifest.seed.name] = seedFeed();
    fetches.push(il.gradient);
  }
  if (il && needs.input!.guided) {
    if (!il.guidedGradient || !il.guidedSeed)
      throw new ApiError(400, 'bad_option', 'This model has no guided input gradient; prepare it with --input-gradients.', {
        option: 'method',
      });
    feeds[il.guidedSeed] = seedFeed();
    fetches.push(il.guidedGradient);
  }
  const out = await feed.run(feeds, fetches);
  runs++;
  const output = feed.floats(out, manifest.logits.name).data.slice(0, feed.seedWidth);
  const logits = output.subarray(0, k);
  if (inGraph) targets = targetsFor(chosenClasses(manifest, out, (req as TargetRequest).top), req as TargetRequest, k);
  if (viaIdentity) targets = targetsFor(topClasses(logits, (req as TargetRequest).top), req as TargetRequest, k);
  return { ...readRun(feed, out, needs, targets!, viaIdentity, input.length), logits, output, runs };
}

/** The layers', input's and attention's tensors of a run, one per target (identity rows combined per target). */
function readRun(
  feed: ModelFeed,
  out: Record<string, RunTensor>,
  needs: RunNeeds,
  targets: Target[],
  viaIdentity: boolean,
  imageSize: number,
): Omit<TargetRun, 'logits' | 'output' | 'runs'> {
  const { manifest } = feed;
  const blocks = needs.attention ? (manifest.attention?.blocks ?? []) : [];
  const il = needs.input?.layer;
  const pick = (data: Float32Array, per: number): Float32Array[] =>
    targets.map((t, i) => (viaIdentity ? combineRows(data, per, t.seed) : data.slice(i * per, (i + 1) * per)));
  const layers = new Map<string, LayerTensors>();
  for (const l of needs.layers) {
    const a = feed.floats(out, l.activation);
    const [, channels, height, width] = a.dims;
    const per = channels * height * width;
    layers.set(l.name, {
      activation: a.data.subarray(0, per),
      gradients: pick(feed.floats(out, l.gradient).data, per),
      channels,
      height,
      width,
    });
  }
  const per = imageSize;
  const plain = il && needs.input!.plain ? pick(feed.floats(out, il.gradient).data, per) : undefined;
  const guided = il && needs.input!.guided ? pick(feed.floats(out, il.guidedGradient!).data, per) : undefined;
  const size = (b: (typeof blocks)[number]) => b.heads * b.tokens * b.tokens;
  const attention = needs.attention
    ? {
        probabilities: blocks.map((b) => feed.floats(out, b.probabilities).data.subarray(0, size(b))),
        ...(needs.attention.gradient ? { gradients: transpose(blocks.map((b) => pick(feed.floats(out, b.gradient!).data, size(b)))) } : {}),
      }
    : undefined;
  return { targets, layers, plain, guided, ...(attention ? { attention } : {}) };
}

/** {@link runTargets} for targets resolved from the run's own output ({@link OutputTargets}). */
async function runForOutputTargets(feed: ModelFeed, input: Float32Array, needs: RunNeeds, req: OutputTargets): Promise<TargetRun> {
  const { manifest } = feed;
  if (needs.input || needs.attention) throw new Error('runTargets: targets from the output serve CAM layers only');
  const feeds: Record<string, RunTensor> = {
    [manifest.input.name]: feed.images(input),
    [manifest.seed.name]: req.seed === 'empty' ? feed.zeroRows(0) : feed.zeroRows(1),
    ...req.feeds,
  };
  const fetches = [manifest.logits.name, ...needs.layers.flatMap((l) => [l.activation, l.gradient]), ...req.fetches];
  const out = await feed.run(feeds, fetches);
  const output = feed.floats(out, manifest.logits.name).data.slice(0, feed.seedWidth);
  const { targets, matches } = req.resolve(output, out);
  if (!matches) {
    const again = await runTargets(feed, input, needs, targets);
    return { ...again, runs: again.runs + 1 };
  }
  return { ...readRun(feed, out, needs, targets, false, input.length), logits: output.subarray(0, feed.classes), output, runs: 1 };
}

/** [block][target] to [target][block]. */
function transpose(byBlock: Float32Array[][]): Float32Array[][] {
  return (byBlock[0] ?? []).map((_, t) => byBlock.map((rows) => rows[t]!));
}
