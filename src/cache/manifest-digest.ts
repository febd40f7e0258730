/**
 * @module
 * The SHA-256 of a model's manifest in a canonical form (object keys sorted at every level), so that an
 * explanation id changes whenever anything in the manifest changes (mean/std, resize, labels, layers...),
 * whatever the key order of the stored JSON. Memoised per manifest object.
 */
import type { Manifest } from '../manifest.js';

/** JSON with object keys sorted recursively (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const digests = new WeakMap<object, Promise<string>>();

/**
 * Hex SHA-256 of the manifest's canonical JSON.
 *
 * @example
 * await manifestDigest(manifest); // '3f5a...' (64 hex digits)
 */
export function manifestDigest(manifest: Manifest): Promise<string> {
  let digest = digests.get(manifest);
  if (!digest) {
    digest = crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(canonicalJson(manifest)))
      .then((buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join(''));
    digests.set(manifest, digest);
  }
  return digest;
}
