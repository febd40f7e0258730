/**
 * @module
 * Uploaded models in the MODELS KV namespace, versioned. The current version lives where the model source
 * reads it (`<id>.onnx`, `<id>.json`, see src/models/source.ts); every version is also kept under
 * `versions/<id>/<n>.onnx|.json` (ids cannot contain `/`, so these keys never list as models).
 * Writes go model file first, manifest last: a reader between the two sees the old manifest with the new
 * file, which the registry refuses by sha256 (503, retry) rather than serving a mismatch. Deletes go
 * manifest first (the model disappears: 404), then the files. KV is eventually consistent: other
 * locations may see the previous version for up to a minute.
 */
import type { Manifest } from '../../manifest.js';

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

/**
 * Store a prepared model and its manifest as the next version of `id`.
 *
 * @example
 * const { version } = await storeModel(env.MODELS, 'resnet18', bytes, manifest);
 */
export async function storeModel(kv: KVNamespace, id: string, model: Uint8Array, manifest: Manifest): Promise<ModelVersionMeta> {
  const previous = await currentVersion(kv, id);
  const meta: ModelVersionMeta = { version: (previous?.version ?? 0) + 1, sha256: manifest.sha256, uploaded: new Date().toISOString() };
  const json = JSON.stringify(manifest);
  await kv.put(`versions/${id}/${meta.version}.onnx`, model, { metadata: meta });
  await kv.put(`versions/${id}/${meta.version}.json`, json, { metadata: meta });
  await kv.put(`${id}.onnx`, model, { metadata: meta });
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
