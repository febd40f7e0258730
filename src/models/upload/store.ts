/**
 * @module
 * Uploaded models in the MODELS KV namespace, versioned. The current version lives where the model source
 * reads it (`<id>.onnx`, `<id>.json`, see src/models/source.ts); every version is also kept under
 * `versions/<id>/<n>.onnx|.json` (ids cannot contain `/`, so these keys never list as models).
 * Writes go model file first, manifest last: a reader between the two sees the old manifest with the new
 * file, which the registry refuses by sha256 (503, retry) rather than serving a mismatch. Deletes go
 * manifest first (the model disappears: 404), then the files. KV is eventually consistent: other
 * locations may see the previous version for up to a minute.
 *
 * A model larger than one part (24 MiB by default; KV values are at most 25 MiB) is stored in parts
 * (src/models/parts.ts): the parts once, under `versions/<id>/<n>.onnx.part<i>`, and a small index in their
 * place under `versions/<id>/<n>.onnx` and `<id>.onnx`, written after every part.
 */
import type { Manifest } from '../../manifest.js';
import { DEFAULT_PART_BYTES, splitModel } from '../parts.js';

/** KV metadata of a stored manifest. */
export interface ModelVersionMeta {
  version: number;
  sha256: string;
  uploaded: string;
}

/** The current version's metadata, or null when the model is not in KV. */
export async function currentVersion(kv: KVNamespace, id: string): Promise<ModelVersionMeta | null> {
  const { value, metadata } = await kv.getWithMetadata<ModelVersionMeta>(`${id}.json`, 'text');
  if (value === null) return null;
  return metadata ?? { version: 0, sha256: '', uploaded: '' };
}

/** The value stored under the model's keys: the model itself, or (larger than a part) the index of its parts, written first. */
async function modelValue(
  kv: KVNamespace,
  key: string,
  model: Uint8Array,
  partBytes: number,
  meta: ModelVersionMeta,
): Promise<Uint8Array | string> {
  if (model.byteLength <= partBytes) return model;
  const { index, parts } = await splitModel(model, key, partBytes);
  for (const [i, part] of parts.entries()) await kv.put(index.parts[i]!.key, part, { metadata: meta });
  return JSON.stringify(index);
}

/**
 * Store a prepared model and its manifest as the next version of `id`; a model over `partBytes` goes in parts.
 *
 * @example
 * const { version } = await storeModel(env.MODELS, 'resnet18', bytes, manifest);
 */
export async function storeModel(
  kv: KVNamespace,
  id: string,
  model: Uint8Array,
  manifest: Manifest,
  partBytes = DEFAULT_PART_BYTES,
): Promise<ModelVersionMeta> {
  const previous = await currentVersion(kv, id);
  const meta: ModelVersionMeta = { version: (previous?.version ?? 0) + 1, sha256: manifest.sha256, uploaded: new Date().toISOString() };
  const json = JSON.stringify(manifest);
  const value = await modelValue(kv, `versions/${id}/${meta.version}.onnx`, model, partBytes, meta);
  await kv.put(`versions/${id}/${meta.version}.onnx`, value, { metadata: meta });
  await kv.put(`versions/${id}/${meta.version}.json`, json, { metadata: meta });
  await kv.put(`${id}.onnx`, value, { metadata: meta });
  await kv.put(`${id}.json`, json, { metadata: meta });
  return meta;
}

/** Delete a model and all its versions; false when there was none. */
export async function deleteModel(kv: KVNamespace, id: string): Promise<boolean> {
  if (!(await currentVersion(kv, id))) return false;
  await kv.delete(`${id}.json`);
  await kv.delete(`${id}.onnx`);
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix: `versions/${id}/`, cursor });
    await Promise.all(page.keys.map((k) => kv.delete(k.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return true;
}
