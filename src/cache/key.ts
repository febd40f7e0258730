/**
 * @module
 * Explanation ids: HMAC-SHA256, keyed by the CACHE_SECRET binding, over the canonical options (which include
 * the model's sha256) and the image bytes. The id is the cache key and the public name of an explanation;
 * without the secret it reveals nothing about the image.
 */

/** Every option that changes an explanation's bytes, after defaults and label lookups are resolved. */
export interface CanonicalOptions {
  modelSha256: string;
  method: string;
  layer: string;
  /** The requested class index, or null for "the top-1 class". */
  classIndex: number | null;
  output: 'overlay' | 'heatmap' | 'json';
  colormap?: string;
  alpha?: number;
  width?: number;
  height?: number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** True when `id` looks like an explanation id (43 base64url characters). */
export function isExplanationId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * A canonical, versioned text of the options: fixed key order, and fields that do not affect the output
 * dropped (JSON output ignores rendering options; a heatmap ignores alpha).
 */
export function canonicalOptions(o: CanonicalOptions): string {
  const rendered = o.output !== 'json';
  return JSON.stringify([
    'gradcam-edge/explanation/1',
    o.modelSha256,
    o.method,
    o.layer,
    o.classIndex,
    o.output,
    rendered ? o.colormap : null,
    o.output === 'overlay' ? o.alpha : null,
    rendered ? o.width : null,
    rendered ? o.height : null,
  ]);
}

function base64url(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The explanation id of `image` explained with `options`.
 *
 * @example
 * const id = await explanationId(env.CACHE_SECRET, imageBytes, options); // 43 base64url characters
 */
export async function explanationId(secret: string, image: Uint8Array, options: CanonicalOptions): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const head = new TextEncoder().encode(canonicalOptions(options));
  const message = new Uint8Array(4 + head.byteLength + image.byteLength);
  new DataView(message.buffer).setUint32(0, head.byteLength);
  message.set(head, 4);
  message.set(image, 4 + head.byteLength);
  return base64url(await crypto.subtle.sign('HMAC', key, message));
}
