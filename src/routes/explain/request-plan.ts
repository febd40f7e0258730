/**
 * @module
 * A request's options resolved against the model's manifest: the method (CAM or pixel-level), layers,
 * targets, augmentation and metrics as a {@link ComputeRequest}, the output size, and the canonical options
 * its id is made from. Every inconsistent combination (and a pixel-level method on a model prepared without
 * input gradients) is a 400 bad_option here, before any work.
 */
import type { CanonicalOptions } from '../../cache/key.js';
import { camMethod } from '../../cam/registry.js';
import { ApiError } from '../../errors.js';
import { taskOf, type LayerSpec, type Manifest, type TaskSpec } from '../../manifest.js';
import { planTaskRequest } from '../../tasks/request.js';
import { checkTaskOptions } from '../../tasks/task-options.js';
import type { TaskRequest } from '../../tasks/resolve.js';
import { DEFAULT_NOISE_SIGMA, DEFAULT_NOISY_COPIES } from '../../cam/smooth-grad-cam-plus-plus.js';
import type { ComputeRequest, MethodChoice } from '../../explain/compute.js';
import { DEFAULT_UNITS } from '../../explain/units.js';
import { METRICS, type Metric } from '../../explain/metrics.js';
import { classCount, inputSize } from '../../explain/model-feed.js';
import type { TargetRequest } from '../../explain/seed-run.js';
import { pixelMethod } from '../../pixel-methods/index.js';
import { attentionMethod } from '../../attention/registry.js';
import type { ExplainOptions } from './options.js';
import { outputSize, type Size } from './output-size.js';
import { TASK_OVERLAY_DESIGN } from './task-overlay.js';
import { resolveClass, resolveLayer } from './resolve.js';

/** A resolved request. */
export interface RequestPlan {
  compute: ComputeRequest;
  /** The method's name and parameters as they enter the id (e.g. `smoothgrad(n=8,sigma=0.15)`). */
  methodKey: string;
  metrics: Metric[];
  /** JSON: how many units to list (`units=`; the sentence always uses the top {@link DEFAULT_UNITS}). */
  listUnits: number;
  /** Size of one rendered panel (a top=k PNG is k panels side by side). */
  size: Size;
  canonical: CanonicalOptions;
  /** Segmentation, detection and embedding models: the task and the checked target options. */
  task?: { spec: TaskSpec; request: TaskRequest };
}

function bad(option: string, sentence: string): ApiError {
  return new ApiError(400, 'bad_option', `Option '${option}': ${sentence}`, { option });
}

function resolveMethod(manifest: Manifest, opts: ExplainOptions): { method: MethodChoice; inputLayer?: LayerSpec; key: string } {
  const params = { n: opts.n, sigma: opts.sigma };
  const attention = attentionMethod(opts.method);
  if ((opts.fusion !== undefined || opts.discard !== undefined) && opts.method !== 'rollout') {
    throw bad(opts.fusion !== undefined ? 'fusion' : 'discard', "applies to method 'rollout' only.");
  }
  if (attention) {
    if (!manifest.attention)
      throw bad(
        'method',
        `'${opts.method}' needs the attention probabilities of a transformer; this model was prepared without them (prepare --attention).`,
      );
    if (attention.needsGradient && !manifest.attention.blocks.every((b) => b.gradient)) {
      throw bad(
        'method',
        `'${opts.method}' needs the gradients of the attention probabilities; this model was prepared with probabilities only (prepare --attention gradients).`,
      );
    }
    const p = { fusion: opts.fusion, discard: opts.discard };
    return { method: { kind: 'attention', attention, params: p }, key: attention.key(p) };
  }
  const pixel = pixelMethod(opts.method);
  if (!pixel) {
    const cam = camMethod(opts.method)!.withParams(params);
    return { method: { kind: 'cam', cam }, key: cam.key };
  }
  const inputLayer = manifest.layers.find((l) => l.input);
  if (!inputLayer || (pixel.needs.guided && !inputLayer.guidedGradient)) {
    throw bad(
      'method',
      `'${opts.method}' needs gradients with respect to the image; this model was prepared without them (prepare --input-gradients).`,
    );
  }
  if (manifest.input.layout !== 'NCHW') throw bad('method', `'${opts.method}' supports NCHW models only.`);
  return { method: { kind: 'pixel', pixel }, inputLayer, key: pixel.key(params) };
}

function resolveLayers(manifest: Manifest, value: string | string[] | undefined): LayerSpec[] {
  const names = value === undefined ? [undefined] : Array.isArray(value) ? value : [value];
  const layers = names.map((n) => resolveLayer(manifest, n));
  if (new Set(layers.map((l) => l.name)).size !== layers.length) throw bad('layer', 'a layer is named twice.');
  return layers;
}

function resolveTargets(manifest: Manifest, opts: ExplainOptions, method: MethodChoice): TargetRequest {
  const classIndex = resolveClass(manifest, opts.class);
  const versus = opts.versus === undefined ? null : resolveClass(manifest, opts.versus, 'versus');
  const counterfactual = opts.counterfactual === 'true' || opts.counterfactual === '1';
  if (opts.top !== undefined && classIndex !== null) throw bad('top', "give either 'class' or 'top', not both.");
  if (opts.top !== undefined && opts.top > classCount(manifest)) throw bad('top', `the model has ${classCount(manifest)} classes.`);
  if (counterfactual && versus !== null) throw bad('versus', 'a contrastive explanation cannot also be counterfactual.');
  if (versus !== null && versus === classIndex) throw bad('versus', 'the class and the contrasted class are the same.');
  if (method.kind === 'cam' && method.cam.needsModel && (counterfactual || versus !== null)) {
    throw bad('method', `'${method.cam.name}' explains one class; it does not take counterfactual or versus.`);
  }
  return { classIndex, top: opts.top ?? 1, counterfactual, versus };
}

function resolveMetrics(value: string | undefined): Metric[] {
  if (!value) return [];
  const names = value.split(',');
  for (const n of names)
    if (!(METRICS as readonly string[]).includes(n)) throw bad('metrics', `'${n}' is not one of ${METRICS.join(', ')}.`);
  return [...new Set(names as Metric[])];
}

/** The size of one panel: the usual output size, scaled down so that k panels side by side fit the limit. */
function panelSize(header: Size, opts: ExplainOptions, maxSide: number, panels: number): Size {
  const size = outputSize(header, { width: opts.width, height: opts.height }, maxSide);
  if (panels === 1 || size.width * panels <= maxSide) return size;
  if (opts.width !== undefined) throw bad('width', `${panels} panels of width ${opts.width} exceed the limit of ${maxSide} pixels.`);
  const scale = maxSide / (size.width * panels);
  return { width: Math.max(1, Math.floor(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

const TASK_NOUN: Record<TaskSpec['kind'], string> = {
  classify: 'a classifier',
  segment: 'a segmentation model',
  detect: 'a detection model',
  embed: 'an embedding model',
};

/** One target per request: what to send instead of top/versus/counterfactual, per task. */
const ONE_TARGET: Record<TaskSpec['kind'], string> = {
  classify: '',
  segment: 'explain one class per request (class=, region=)',
  detect: 'explain one detection per request (box=i)',
  embed: 'explain one direction per request (vector= or index=)',
};

const CAM_ONLY = 'task models take the CAM methods that need no extra model runs (GET /v1/models/{id} lists them)';

function taskRefusal(spec: TaskSpec, option: string, what: string, instead: string): ApiError {
  return new ApiError(
    400,
    'bad_option',
    `Option '${option}': ${what} is not available for ${spec.kind} models (this model is ${TASK_NOUN[spec.kind]}); ${instead}.`,
    { option, task: spec.kind },
  );
}

/** Pixel-level and attention methods on a task model: refused before resolving them (which would ask for a re-prepare). */
function checkTaskMethod(manifest: Manifest, opts: ExplainOptions): void {
  const spec = taskOf(manifest);
  if (spec.kind !== 'classify' && (pixelMethod(opts.method) || attentionMethod(opts.method)))
    throw taskRefusal(spec, 'method', `'${opts.method}'`, CAM_ONLY);
}

/**
 * What the explain route does not offer for segment, detect and embed models, as 400 bad_option problems
 * that name the option and the task (`option`, `task` members) and say what to do instead.
 */
function checkTaskRequest(spec: TaskSpec, opts: ExplainOptions, method: MethodChoice): void {
  const refuse = (option: string, what: string, instead: string) => taskRefusal(spec, option, what, instead);
  if (method.kind !== 'cam') throw refuse('method', `'${opts.method}'`, CAM_ONLY);
  if (method.cam.needsModel) throw refuse('method', `'${opts.method}' (it reruns the model with class seeds)`, CAM_ONLY);
  for (const option of ['top', 'versus', 'counterfactual'] as const)
    if (opts[option] !== undefined) throw refuse(option, option, `it applies to classifiers; ${ONE_TARGET[spec.kind]}`);
  if (opts.metrics !== undefined)
    throw refuse('metrics', 'metrics', 'the drop, increase, deletion and insertion metrics are defined on class probabilities');
  if (opts.aug !== 'none') throw refuse('aug', 'aug=flip', 'a mirrored image moves the target (boxes, masks); explain without aug');
  if (opts.units !== undefined) throw refuse('units', 'units', 'unit names come with classifier explanations');
  if (opts.text !== undefined) throw refuse('text', 'text', 'the one-sentence explanation comes with classifier explanations');
  if (opts.unit_maps !== undefined) throw refuse('unit_maps', 'unit_maps', 'unit maps come with classifier explanations');
  for (const option of ['n', 'sigma'] as const)
    if (opts[option] !== undefined) throw refuse(option, option, 'it tunes smoothgradcam++ and smoothgrad, which task models do not take');
}

const TASK_FIELDS = ['region', 'box', 'boxes', 'conf', 'iou', 'max_det', 'vector', 'index'] as const;

/** The task target of a segment, detect or embed request; undefined for classifiers (which take no task options). */
function taskPlan(
  manifest: Manifest,
  opts: ExplainOptions,
  method: MethodChoice,
): { spec: TaskSpec; request: TaskRequest; key?: Record<string, unknown> } | undefined {
  const spec = taskOf(manifest);
  const raw = Object.fromEntries(TASK_FIELDS.map((f) => [f, opts[f]]));
  checkTaskOptions(spec, [...TASK_FIELDS.filter((f) => opts[f] !== undefined), ...(opts.class !== undefined ? ['class'] : [])]);
  if (spec.kind === 'classify') return undefined;
  checkTaskRequest(spec, opts, method);
  const classIndex = spec.kind === 'segment' ? resolveClass(manifest, opts.class) : null;
  const { width, height } = inputSize(manifest);
  const targetFree = method.kind === 'cam' && !method.cam.needsGradient;
  const planned = planTaskRequest(spec, raw, classIndex, width, height, targetFree);
  return { spec, request: planned.request, key: planned.key };
}

/**
 * Resolve `opts` for `manifest`.
 *
 * @example
 * const p = planRequest(manifest, await manifestDigest(manifest), opts, input.header, 4096); // p.compute.targets.top, p.canonical
 */
export function planRequest(
  manifest: Manifest,
  manifestSha256: string,
  opts: ExplainOptions,
  header: Size,
  maxOutputSide: number,
): RequestPlan {
  checkTaskMethod(manifest, opts);
  const { method, inputLayer, key } = resolveMethod(manifest, opts);
  const layers = resolveLayers(manifest, opts.layer);
  const task = taskPlan(manifest, opts, method);
  const targets = task
    ? { classIndex: task.request.classIndex ?? null, top: 1, counterfactual: false, versus: null }
    : resolveTargets(manifest, opts, method);
  const metrics = resolveMetrics(opts.metrics);
  const size = panelSize(header, opts, maxOutputSide, targets.top);
  const json = opts.output === 'json';
  const text = json || opts.text === 'true' || opts.text === '1';
  if (!json && opts.units !== undefined)
    throw bad('units', 'units are listed in JSON only (output=json); a PNG can carry the sentence with text=true.');
  if (!json && opts.unit_maps !== undefined) throw bad('unit_maps', 'unit maps are given in JSON only (output=json).');
  const unitMaps = json && (opts.unit_maps === 'true' || opts.unit_maps === '1');
  const compute: ComputeRequest = {
    method,
    layers,
    inputLayer,
    combine: opts.combine,
    aug: opts.aug,
    targets,
    ...(task ? { task: task.request } : {}),
    n: opts.n ?? DEFAULT_NOISY_COPIES,
    sigma: opts.sigma ?? DEFAULT_NOISE_SIGMA,
    units: text ? Math.max(opts.units ?? DEFAULT_UNITS, DEFAULT_UNITS) : 0,
    ...(unitMaps ? { unitMaps } : {}),
  };
  const combines = layers.length > 1 || (method.kind === 'pixel' && method.pixel.needs.gradcam);
  const canonical: CanonicalOptions = {
    modelId: opts.model,
    modelSha256: manifest.sha256,
    manifestSha256,
    method: key,
    layer: layers[0].name,
    classIndex: targets.classIndex,
    output: opts.output,
    colormap: opts.colormap,
    alpha: opts.alpha,
    width: size.width * targets.top,
    height: size.height,
    extra: {
      layers: layers.map((l) => l.name),
      combine: combines ? opts.combine : undefined,
      top: targets.top,
      counterfactual: targets.counterfactual,
      versus: targets.versus,
      aug: opts.aug,
      metrics,
      ...(task ? { task: opts.output === 'overlay' ? { ...task.key, drawing: TASK_OVERLAY_DESIGN } : task.key } : {}),
      units: json ? (opts.units ?? DEFAULT_UNITS) : undefined,
      unitMaps,
      text: !json && text,
    },
  };
  return {
    compute,
    methodKey: key,
    metrics,
    size,
    canonical,
    listUnits: opts.units ?? DEFAULT_UNITS,
    ...(task ? { task: { spec: task.spec, request: task.request } } : {}),
  };
}
