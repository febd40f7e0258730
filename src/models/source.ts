/**
 * @module
 * Where prepared models come from: the bundled ones are static assets of the Worker (`models/<id>.onnx`
 * and `<id>.json`, read through the ASSETS binding); more can be stored in the MODELS KV namespace under
 * the keys `<id>.onnx` and `<id>.json`. Either `.onnx` may hold the index of a model stored in parts
 * (src/models/parts.ts), which is assembled here.
 */
import type { Env } from '../env.js';
import { ApiError } from '../errors.js';
import type { Manifest } from '../manifest.js';
import { assembleParts, PartsError, readPartsIndex } from './parts.js';
import { checkServedTask } from './served-tasks.js';

/**
 * Models shipped with the Worker (static assets): the default classifier, a hybrid ViT on the same scenes, and
 * a detector and a segmenter trained on multi-object scenes (models/MODELS.md).
 */
export const BUNDLED_MODELS: readonly string[] = ['default', 'scenes-vit', 'scenes-detector', 'scenes-segmenter'];

/** The default model id. */
export const DEFAULT_MODEL = 'default';

const MODEL_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/** True when `id` is a well-formed model id (letters, digits, `.`, `_`, `-`; at most 64 characters). */
export function isModelId(id: string): boolean {
  return MODEL_ID.test(id) && !id.includes('..');
}

async function fromAssets(env: Env, file: string): Promise<Response | null> {
  const res = await env.ASSETS.fetch(new Request(`https://assets.invalid/${file}`));
  return res.ok ? res : null;
}

/** A MODELS KV read; a KV failure is 503 model_unavailable with Retry-After (the model may be fine). */
async function fromKv<T>(id: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    console.error(`reading model '${id}' from KV failed`, err);
    throw new ApiError(503, 'model_unavailable', `Model '${id}' cannot be read right now; retry shortly.`, {}, { 'Retry-After': '5' });
  }
}

function checkManifest(id: string, value: unknown): Manifest {
  const m = value as Partial<Manifest> | null;
  if (!m || m.format !== 'gradcam-edge/1' || !m.input || !m.seed || !m.logits || !Array.isArray(m.layers) || !m.sha256) {
    throw new ApiError(503, 'model_unavailable', `Model '${id}' has no valid gradcam-edge/1 manifest.`);
  }
  checkServedTask(m, `Model '${id}'`);
  return m as Manifest;
}

/** Read a model's manifest, or null when no model has that id. */
export async function readManifest(env: Env, id: string): Promise<Manifest | null> {
  if (!isModelId(id)) return null;
  if (BUNDLED_MODELS.includes(id)) {
    const res = await fromAssets(env, `${id}.json`);
    if (!res) throw new ApiError(503, 'model_unavailable', `Bundled model '${id}' is missing from the assets.`);
    return checkManifest(id, await res.json());
  }
  const stored = await fromKv(id, async () => env.MODELS?.get(`${id}.json`, 'json'));
  return stored ? checkManifest(id, stored) : null;
}

/**
 * The model itself, or the model assembled from the parts its index names (read through `open`). A part that
 * is missing, torn or stale is 503 model_unavailable with Retry-After (KV may still be propagating a new
 * version): never a model built from the wrong bytes.
 */
async function wholeModel(
  id: string,
  stored: Uint8Array,
  open: (key: string) => Promise<ReadableStream<Uint8Array> | null>,
): Promise<Uint8Array> {
  try {
    const index = readPartsIndex(stored);
    return index ? await assembleParts(index, open) : stored;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    console.error(`model '${id}' cannot be assembled from its parts`, err);
    const why = err instanceof PartsError ? err.message : 'reading a part failed';
    throw new ApiError(
      503,
      'model_unavailable',
      `The ONNX file of model '${id}' is stored in parts and cannot be assembled: ${why}. Retry shortly; if this persists, upload the model again.`,
      {},
      { 'Retry-After': '30' },
    );
  }
}

/** Read a model's ONNX bytes (the caller has already found its manifest). */
export async function readModelBytes(env: Env, id: string): Promise<Uint8Array> {
  if (BUNDLED_MODELS.includes(id)) {
    const res = await fromAssets(env, `${id}.onnx`);
    if (res) return wholeModel(id, new Uint8Array(await res.arrayBuffer()), async (file) => (await fromAssets(env, file))?.body ?? null);
  } else {
    const kv = env.MODELS;
    const stored = await fromKv(id, async () => kv?.get(`${id}.onnx`, 'arrayBuffer'));
    if (kv && stored) return wholeModel(id, new Uint8Array(stored), (key) => fromKv(id, () => kv.get(key, 'stream')));
  }
  throw new ApiError(503, 'model_unavailable', `The ONNX file of model '${id}' is missing.`);
}

/** Ids of every available model: the bundled ones, then those stored in KV (only the bundled ones when KV fails). */
export async function listModelIds(env: Env): Promise<string[]> {
  const ids = [...BUNDLED_MODELS];
  if (!env.MODELS) return ids;
  let cursor: string | undefined;
  try {
    do {
      const page = await env.MODELS.list({ cursor });
      for (const key of page.keys) {
        const id = key.name.endsWith('.json') ? key.name.slice(0, -5) : '';
        if (isModelId(id) && !ids.includes(id)) ids.push(id);
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
  } catch (err) {
    console.error('listing models in KV failed (only bundled models listed)', err);
  }
  return ids;
}
