/**
 * @module
 * Model uploads: a plain ONNX classifier is checked and prepared inside the Worker (the prepare library is
 * pure TypeScript; its probe and verify runs use the Worker's own onnxruntime-web), an already prepared one
 * is checked against its manifest and run once; either is then stored as the next version in KV. Every
 * failure is a 4xx ApiError saying what to change; the runtime's own messages never reach the client.
 */
import { ApiError } from '../../errors.js';
import type { Manifest } from '../../manifest.js';
import { checkServedTask } from '../served-tasks.js';
import { decodeModel } from '../../onnx/proto.js';
import { prepare, type PrepareOptions } from '../../prepare/index.js';
import { sha256Hex } from '../../prepare/sha256.js';
import { verifyPrepared } from '../../prepare/verify.js';
import type { ModelRunner } from '../../runtime/runner.js';
import { checkActivationMemory, checkPreparedManifest, checkSource, type UploadLimits } from './checks.js';

export { DEFAULT_UPLOAD_LIMITS, MAX_STORED_MODEL_BYTES, type UploadLimits } from './checks.js';
export { deleteModel, storeModel, type ModelVersionMeta } from './store.js';
export { prepareOptionsOf, UploadOptionsSchema, type UploadOptions } from './options.js';

/** What an upload brings. */
export interface UploadInput {
  model: Uint8Array;
  /** The manifest of an already prepared model (parsed JSON), or undefined for a plain model. */
  manifest?: unknown;
  options: PrepareOptions;
}

/** A model ready to store. */
export interface AcceptedModel {
  model: Uint8Array;
  manifest: Manifest;
  prepared: 'in-worker' | 'uploaded';
  notes: string[];
  timings: Record<string, number>;
}

const NOT_RUNNABLE =
  'The model does not run in onnxruntime-web after preparation. Check that it exports cleanly with opset 17 and ' +
  'standard ops, or prepare it locally (`npx gradcam-edge prepare model.onnx`) and upload the prepared model with its manifest.';

/** Runtime failures (the runner threw) become 422 invalid_model without the runtime's message. */
async function runtimeChecked<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) throw err;
    console.warn('uploaded model failed in the runtime', err);
    throw new ApiError(422, 'invalid_model', NOT_RUNNABLE);
  }
}

function tooLarge(bytes: number, max: number, what: string): ApiError {
  return new ApiError(413, 'payload_too_large', `The model is ${bytes} bytes; ${what} may be at most ${max} bytes.`, { limit: max });
}

/**
 * Check (and for a plain model, prepare) an upload.
 *
 * @example
 * const accepted = await acceptModel({ model: bytes, options: { inputSize: [224, 224] } }, runner, DEFAULT_UPLOAD_LIMITS);
 */
export async function acceptModel(input: UploadInput, runner: ModelRunner, limits: UploadLimits): Promise<AcceptedModel> {
  if (input.model.byteLength > limits.maxModelBytes) throw tooLarge(input.model.byteLength, limits.maxModelBytes, 'a model');
  const model = decodeModel(input.model);
  if (input.manifest !== undefined) {
    const manifest = checkPreparedManifest(input.manifest, model, await sha256Hex(input.model), limits);
    checkServedTask(manifest, 'This upload');
    checkActivationMemory(model, manifest.input.name, manifest.input.shape.map(Number), 1, limits);
    const start = performance.now();
    const imageInput = { name: manifest.input.name, shape: manifest.input.shape, layout: manifest.input.layout };
    await runtimeChecked(() =>
      verifyPrepared(
        input.model,
        runner,
        imageInput,
        {
          name: manifest.seed.name,
          classes: Number(manifest.seed.shape[1]),
          // a task model's seed row is the explained output's shape ([K, H, W], [4 + C, A], [D])
          row: manifest.seed.shape.slice(1).map(Number),
          topK: manifest.seed.select?.topK,
          task: manifest.seed.task,
        },
        manifest.layers,
      ),
    );
    return { model: input.model, manifest, prepared: 'uploaded', notes: [], timings: { verify: performance.now() - start } };
  }
  if (model.graph!.input.some((i) => i.name === 'gradcam_seed')) {
    throw new ApiError(
      422,
      'invalid_model',
      'This model is already prepared: upload it as a form with its manifest (fields `model` and `manifest`).',
    );
  }
  if (input.model.byteLength > limits.maxPrepareBytes) {
    throw tooLarge(
      input.model.byteLength,
      limits.maxPrepareBytes,
      'a plain model prepared in the Worker (prepare larger ones locally and upload the result with its manifest)',
    );
  }
  const source = checkSource(model, limits, input.options.inputSize);
  checkActivationMemory(model, source.name, source.shape.map(Number), 3, limits);
  const result = await runtimeChecked(() => prepare(input.model, { ...input.options, verify: true }, runner));
  checkServedTask(result.manifest, 'This upload');
  const classes = Number(result.manifest.seed.shape[1]);
  if (classes > limits.maxClasses)
    throw new ApiError(422, 'invalid_model', `The model has ${classes} classes; uploads take at most ${limits.maxClasses}.`);
  if (result.model.byteLength > limits.maxModelBytes)
    throw tooLarge(result.model.byteLength, limits.maxModelBytes, 'a prepared model (try quantize=int8)');
  return {
    model: result.model,
    manifest: result.manifest,
    prepared: 'in-worker',
    notes: result.report.notes,
    timings: result.report.timings,
  };
}
