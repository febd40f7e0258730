/**
 * @module
 * What an uploaded model must satisfy before the Worker spends time on it, each failure saying what to
 * change: a size the Worker can hold while preparing it, a tested opset, one image input of bounded size,
 * a bounded class count; and for an already prepared model, a manifest that matches its file.
 */
import { ApiError } from '../../errors.js';
import type { Manifest } from '../../manifest.js';
import { defaultOpset, type ModelProto } from '../../onnx/proto.js';
import { TESTED_OPSETS } from '../../prepare/analyse.js';
import { findImageInput, type ImageInput } from '../../prepare/input.js';
import { activationMemory } from './activation-memory.js';

/** Upload limits (bytes and sizes). */
export interface UploadLimits {
  /** Largest model file stored (in parts above 24 MiB: KV values are at most 25 MiB). */
  maxModelBytes: number;
  /** Largest plain model prepared inside the Worker (preparing holds several copies in 128 MB). */
  maxPrepareBytes: number;
  /** Largest input height or width (the probe and verify runs allocate the input). */
  maxInputSide: number;
  /** Most classes. */
  maxClasses: number;
  /**
   * Most activation memory, in bytes, that checking and explaining an uploaded model may need (computed
   * statically from its graph before anything runs; see activation-memory.ts).
   */
  maxActivationBytes: number;
}

/**
 * The most any deployment may set as `maxModelBytes`: an int8 model of this size could not be explained
 * within a Worker's 128 MB (torchvision swin_t, 29.6 MB prepared int8, needs 115 MB of WASM memory).
 */
export const MAX_STORED_MODEL_BYTES = 96 << 20;

/**
 * Default limits: 40 MiB stored, 8 MiB prepared in the Worker, inputs up to 1024 px, 10,000 classes,
 * 64 MiB of activations (the default model needs 33 MB for its shape probe, 11 MB per forward pass).
 */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxModelBytes: 40 << 20,
  maxPrepareBytes: 8 << 20,
  maxInputSide: 1024,
  maxClasses: 10_000,
  maxActivationBytes: 64 << 20,
};

/**
 * Refuse (422) a model whose activations would not fit: `passes` copies of one batch-1 forward pass
 * (the shape probe holds 3: every tensor at batch 1 and 2; one explanation of a plain model's prepared
 * form about 2: activations and gradients; a prepared graph already contains its backward pass: 1).
 */
export function checkActivationMemory(
  model: ModelProto,
  inputName: string,
  inputShape: readonly (number | string)[],
  passes: number,
  limits: UploadLimits,
): void {
  const memory = activationMemory(
    model,
    inputName,
    inputShape.map((d, i) => (i === 0 ? 1 : Number(d))),
  );
  const needed = memory.totalBytes * passes;
  if (needed <= limits.maxActivationBytes) return;
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  throw new ApiError(
    422,
    'invalid_model',
    `The model's intermediate tensors need about ${mb(needed)} MiB to check and explain (${mb(memory.totalBytes)} MiB per image; the largest, "${memory.largestTensor}", is ${mb(memory.largestBytes)} MiB); uploads may use at most ${mb(limits.maxActivationBytes)} MiB. Export it with a smaller input size or fewer channels in the early layers.`,
    { activationBytes: needed, maxActivationBytes: limits.maxActivationBytes },
  );
}

function invalid(detail: string): ApiError {
  return new ApiError(422, 'invalid_model', detail);
}

/** Opset and image input of a decoded model, checked against the limits; returns the image input. */
export function checkSource(model: ModelProto, limits: UploadLimits, inputSize?: readonly [number, number]): ImageInput {
  const opset = defaultOpset(model);
  if (opset < TESTED_OPSETS.min || opset > TESTED_OPSETS.max) {
    throw invalid(
      `The model uses opset ${opset}; uploads need opset ${TESTED_OPSETS.min}-${TESTED_OPSETS.max}. Re-export it with opset_version=17.`,
    );
  }
  const input = findImageInput(model, inputSize);
  checkInputSize(input.shape, input.layout, limits);
  return input;
}

function checkInputSize(shape: readonly (string | number)[], layout: 'NCHW' | 'NHWC', limits: UploadLimits): void {
  const [h, w] = layout === 'NCHW' ? [shape[2], shape[3]] : [shape[1], shape[2]];
  if (typeof h !== 'number' || typeof w !== 'number' || h > limits.maxInputSide || w > limits.maxInputSide || h < 8 || w < 8) {
    throw invalid(
      `The input is ${String(h)}x${String(w)}; uploads take fixed inputs from 8x8 to ${limits.maxInputSide}x${limits.maxInputSide}. Export the model with such an input size (e.g. 224x224).`,
    );
  }
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * Check an uploaded manifest against the uploaded prepared model: format, sha256 of the file, the
 * graph's inputs and outputs, shapes within the limits.
 */
export function checkPreparedManifest(value: unknown, model: ModelProto, sha256: string, limits: UploadLimits): Manifest {
  const m = value as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || m.format !== 'gradcam-edge/1')
    throw invalid('The manifest is not a gradcam-edge/1 manifest (the .json written by `gradcam-edge prepare`).');
  if (m.sha256 !== sha256)
    throw invalid("The manifest's sha256 does not match the uploaded model file: upload the model the manifest was written for.");
  if (
    !m.input ||
    typeof m.input.name !== 'string' ||
    !Array.isArray(m.input.shape) ||
    m.input.shape.length !== 4 ||
    !['NCHW', 'NHWC'].includes(m.input.layout)
  ) {
    throw invalid('The manifest has no valid input (name, 4-D shape, layout).');
  }
  checkInputSize(m.input.shape, m.input.layout, limits);
  const triple = (v: unknown, positive: boolean) =>
    Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
  if (!triple(m.input.mean, false) || !triple(m.input.std, true))
    throw invalid("The manifest's input mean and std must be three numbers each (std positive).");
  const classes = Number(m.seed?.shape?.[1]);
  if (!m.seed || typeof m.seed.name !== 'string' || !Number.isInteger(classes) || classes < 1 || classes > limits.maxClasses) {
    throw invalid(`The manifest's seed must be [S, K] with 1 <= K <= ${limits.maxClasses}.`);
  }
  if (!m.logits || typeof m.logits.name !== 'string') throw invalid('The manifest names no logits output.');
  const layers = m.layers;
  if (
    !Array.isArray(layers) ||
    layers.length === 0 ||
    !layers.every(
      (l) =>
        l && typeof l.name === 'string' && typeof l.activation === 'string' && typeof l.gradient === 'string' && Array.isArray(l.shape),
    )
  ) {
    throw invalid('The manifest has no valid layers (name, activation, gradient, shape).');
  }
  if (m.labels != null && (!isStringArray(m.labels) || m.labels.length !== classes))
    throw invalid(`The manifest's labels must be ${classes} strings or null.`);
  const inputs = new Set(model.graph!.input.map((i) => i.name));
  const outputs = new Set(model.graph!.output.map((o) => o.name));
  const seeds = [m.seed.name, ...layers.flatMap((l) => [l.seed, l.guidedSeed])].filter((s): s is string => typeof s === 'string');
  // in-graph targets (optional): every name they give must be the model's (the service feeds and reads them)
  const select = m.seed.select as { topK?: unknown; classes?: unknown } | undefined;
  const task = m.seed.task as Record<string, unknown> | undefined;
  const targetInputs = [select?.topK, task?.build, task?.class, task?.region].filter((x) => x !== undefined);
  const targetOutputs = [select?.classes, task?.chosenClass, task?.chosenAnchor].filter((x) => x !== undefined);
  if (task && (typeof task.build !== 'string' || typeof task.chosenClass !== 'string'))
    throw invalid('The manifest\'s seed.task needs "build" and "chosenClass" names.');
  for (const name of [m.input.name, ...seeds, ...targetInputs])
    if (typeof name !== 'string' || !inputs.has(name)) throw invalid(`The model has no input "${String(name)}" named by the manifest.`);
  for (const name of [
    ...targetOutputs,
    m.logits.name,
    ...layers.flatMap((l) => [l.activation, l.gradient, ...(l.guidedGradient ? [l.guidedGradient] : [])]),
  ]) {
    if (typeof name !== 'string' || !outputs.has(name)) throw invalid(`The model has no output "${String(name)}" named by the manifest.`);
  }
  return { quantization: { weights: 'none' }, labels: null, ...m } as Manifest;
}
