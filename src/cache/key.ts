/**
 * @module
 * Explanation ids: HMAC-SHA256, keyed by the CACHE_SECRET binding, over the canonical options and the image
 * bytes. The options name everything that changes an answer: the model id, the model file's sha256 and the
 * manifest's digest (together they are a model version: a re-upload that changes either changes the id),
 * the method with its parameters, layers, targets and output options. The id is the cache key and the public name of an explanation;
 * without the secret it reveals nothing about the image.
 */

/** Every option that changes an explanation's bytes, after defaults and label lookups are resolved. */
export interface CanonicalOptions {
  /** The model id the request named (answers carry it, and two ids may share a file with other manifests). */
  modelId: string;
  modelSha256: string;
  /** SHA-256 of the manifest's canonical JSON (cache/manifest-digest.ts). */
  manifestSha256: string;
  method: string;
  layer: string;
  /** The requested class index, or null for "the top-1 class". */
  classIndex: number | null;
  output: 'overlay' | 'heatmap' | 'json';
  colormap?: string;
  alpha?: number;
  width?: number;
  height?: number;
  /** Options beyond the first ones; absent or default values do not enter the id, so ids made without them stay valid. */
  extra?: ExtraOptions;
}

/** Explanation options beyond the first ones (targets, layers, augmentation, metrics). */
export interface ExtraOptions {
  /** All layers, when more than one. */
  layers?: string[];
  /** How several layers combine (only with several layers or guided-gradcam). */
  combine?: 'mean' | 'product';
  /** top=k, when k > 1. */
  top?: number;
  counterfactual?: boolean;
  /** Contrastive class index. */
  versus?: number | null;
  aug?: 'none' | 'flip';
  /** Requested metrics, sorted. */
  metrics?: string[];
  /** The target on a segmentation, detection or embedding model as requested (src/tasks/request.ts). */
  task?: Record<string, unknown>;
  /** JSON: the number of units listed (every JSON explanation has one, since JSON gained units and text). */
  units?: number;
  /** PNG: the sentence was asked for (X-Explanation-Text). */
  text?: boolean;
  /** JSON: each listed unit carries its own activation map (unit_maps=true). */
  unitMaps?: boolean;
}

/** The extra options that differ from their defaults, in a fixed key order; null when none. */
function extraPart(e: ExtraOptions | undefined): Record<string, unknown> | null {
  if (!e) return null;
  const out: Record<string, unknown> = {};
  if (e.layers && e.layers.length > 1) out.layers = e.layers;
  if (e.combine && e.combine !== 'mean') out.combine = e.combine;
  if (e.top && e.top > 1) out.top = e.top;
  if (e.counterfactual) out.counterfactual = true;
  if (e.versus !== undefined && e.versus !== null) out.versus = e.versus;
  if (e.aug && e.aug !== 'none') out.aug = e.aug;
  if (e.metrics && e.metrics.length > 0) out.metrics = [...new Set(e.metrics)].sort();
  if (e.task) out.task = e.task;
  if (e.units !== undefined) out.units = e.units;
  if (e.text) out.text = true;
  if (e.unitMaps) out.unitMaps = true;
  return Object.keys(out).length > 0 ? out : null;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** True when `id` looks like an explanation id (43 base64url characters). */
export function isExplanationId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * A canonical, versioned text of the options: fixed key order, and fields that do not affect the output
 * dropped (JSON output ignores rendering options; a heatmap ignores alpha). Extra options at their defaults
 * add nothing, so ids of requests that do not use them are unchanged.
 */
export function canonicalOptions(o: CanonicalOptions): string {
  const rendered = o.output !== 'json';
  const fields = [
    'gradcam-edge/explanation/2',
    o.modelId,
    o.modelSha256,
    o.manifestSha256,
    o.method,
    o.layer,
    o.classIndex,
    o.output,
    rendered ? o.colormap : null,
    o.output === 'overlay' ? o.alpha : null,
    rendered ? o.width : null,
    rendered ? o.height : null,
  ];
  const extra = extraPart(o.extra);
  return JSON.stringify(extra ? [...fields, extra] : fields);
}

function base64url(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Imported HMAC keys by secret, once per isolate (an isolate sees one CACHE_SECRET; a few at most in tests). */
const importedKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = importedKeys.get(secret);
  if (!key) {
    if (importedKeys.size >= 4) importedKeys.clear();
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    importedKeys.set(secret, key);
    key.catch(() => importedKeys.delete(secret));
  }
  return key;
}

/**
 * The explanation id of `image` explained with `options`.
 *
 * @example
 * const id = await explanationId(env.CACHE_SECRET, imageBytes, options); // 43 base64url characters
 */
export async function explanationId(secret: string, image: Uint8Array, options: CanonicalOptions): Promise<string> {
  const key = await hmacKey(secret);
  const head = new TextEncoder().encode(canonicalOptions(options));
  const message = new Uint8Array(4 + head.byteLength + image.byteLength);
  new DataView(message.buffer).setUint32(0, head.byteLength);
  message.set(head, 4);
  message.set(image, 4 + head.byteLength);
  return base64url(await crypto.subtle.sign('HMAC', key, message));
}
