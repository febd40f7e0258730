/**
 * @module
 * Where prepared models come from: the bundled ones are static assets of the Worker (`models/<id>.onnx`
 * and `<id>.json`, read through the ASSETS binding); more can be stored in the MODELS KV namespace under
 * the keys `<id>.onnx` and `<id>.json`.
 */
import type { Env } from '../env.js';
import { ApiError } from '../errors.js';
import type { Manifest } from '../manifest.js';
import { checkServedTask } from './served-tasks.js';

/** Models shipped with the Worker (static assets). */
export const BUNDLED_MODELS: readonly string[] = ['default', 'scenes-vit'];

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

/** Read a model's ONNX bytes (the caller has already found its manifest). */
export async function readModelBytes(env: Env, id: string): Promise<Uint8Array> {
  if (BUNDLED_MODELS.includes(id)) {
    const res = await fromAssets(env, `${id}.onnx`);
    if (res) return new Uint8Array(await res.arrayBuffer());
  } else {
    const stored = await fromKv(id, async () => env.MODELS?.get(`${id}.onnx`, 'arrayBuffer'));
    if (stored) return new Uint8Array(stored);
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
