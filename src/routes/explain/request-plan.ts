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
import type { LayerSpec, Manifest } from '../../manifest.js';
import { DEFAULT_NOISE_SIGMA, DEFAULT_NOISY_COPIES } from '../../cam/smooth-grad-cam-plus-plus.js';
import type { ComputeRequest, MethodChoice } from '../../explain/compute.js';
import { METRICS, type Metric } from '../../explain/metrics.js';
import { classCount } from '../../explain/model-feed.js';
import type { TargetRequest } from '../../explain/seed-run.js';
import { pixelMethod } from '../../pixel-methods/index.js';
import type { ExplainOptions } from './options.js';
import { outputSize, type Size } from './output-size.js';
import { resolveClass, resolveLayer } from './resolve.js';

/** A resolved request. */
export interface RequestPlan {
  compute: ComputeRequest;
  /** The method's name and parameters as they enter the id (e.g. `smoothgrad(n=8,sigma=0.15)`). */
  methodKey: string;
  metrics: Metric[];
  /** Size of one rendered panel (a top=k PNG is k panels side by side). */
  size: Size;
  canonical: CanonicalOptions;
}

function bad(option: string, sentence: string): ApiError {
  return new ApiError(400, 'bad_option', `Option '${option}': ${sentence}`, { option });
}

function resolveMethod(manifest: Manifest, opts: ExplainOptions): { method: MethodChoice; inputLayer?: LayerSpec; key: string } {
  const params = { n: opts.n, sigma: opts.sigma };
  const pixel = pixelMethod(opts.method);
  if (!pixel) {
    const cam = camMethod(opts.method)!.withParams(params);
    return { method: { kind: 'cam', cam }, key: cam.key };
  }
  const inputLayer = manifest.layers.find((l) => l.input);
  if (!inputLayer || (pixel.needs.guided && !inputLayer.guidedGradient)) {
    throw bad('method', `'${opts.method}' needs gradients with respect to the image; this model was prepared without them (prepare --input-gradients).`);
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
  for (const n of names) if (!(METRICS as readonly string[]).includes(n)) throw bad('metrics', `'${n}' is not one of ${METRICS.join(', ')}.`);
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

/**
 * Resolve `opts` for `manifest`.
 *
 * @example
 * const p = planRequest(manifest, await manifestDigest(manifest), opts, input.header, 4096); // p.compute.targets.top, p.canonical
 */
export function planRequest(manifest: Manifest, manifestSha256: string, opts: ExplainOptions, header: Size, maxOutputSide: number): RequestPlan {
  const { method, inputLayer, key } = resolveMethod(manifest, opts);
  const layers = resolveLayers(manifest, opts.layer);
  const targets = resolveTargets(manifest, opts, method);
  const metrics = resolveMetrics(opts.metrics);
  const size = panelSize(header, opts, maxOutputSide, targets.top);
  const compute: ComputeRequest = {
    method, layers, inputLayer, combine: opts.combine, aug: opts.aug, targets,
    n: opts.n ?? DEFAULT_NOISY_COPIES, sigma: opts.sigma ?? DEFAULT_NOISE_SIGMA,
  };
  const combines = layers.length > 1 || (method.kind === 'pixel' && method.pixel.needs.gradcam);
  const canonical: CanonicalOptions = {
    modelId: opts.model, modelSha256: manifest.sha256, manifestSha256, method: key, layer: layers[0].name, classIndex: targets.classIndex, output: opts.output,
    colormap: opts.colormap, alpha: opts.alpha, width: size.width * targets.top, height: size.height,
    extra: {
      layers: layers.map((l) => l.name), combine: combines ? opts.combine : undefined, top: targets.top,
      counterfactual: targets.counterfactual, versus: targets.versus, aug: opts.aug, metrics,
    },
  };
  return { compute, methodKey: key, metrics, size, canonical };
}
