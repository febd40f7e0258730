/**
 * @module
 * API key material: the bearer token of a request, its SHA-256 digest, the configured digests (a secret
 * binding holding hex SHA-256 hashes, never the keys themselves) and a constant-time membership test.
 */

/** The token of an `Authorization: Bearer <token>` header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

/** SHA-256 of a key (UTF-8), as 32 bytes. */
export async function keyDigest(key: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Parse a list of hex SHA-256 hashes (separated by commas or whitespace). Entries that are not 64 hex
 * digits are ignored with a warning: a misconfigured secret must not turn into an accepted key.
 *
 * @example
 * parseKeyHashes('9f86d0...0a08, 2c26b4...7ae').length; // 2
 */
export function parseKeyHashes(value: string | undefined): Uint8Array[] {
  const hashes: Uint8Array[] = [];
  for (const entry of (value ?? '').split(/[\s,]+/)) {
    if (!entry) continue;
    if (!/^[0-9a-f]{64}$/i.test(entry)) {
      console.warn('ignoring a configured key hash that is not 64 hex digits');
      continue;
    }
    hashes.push(Uint8Array.from(entry.match(/../g)!, (h) => parseInt(h, 16)));
  }
  return hashes;
}

/** Compare two equal-length byte arrays without an early exit. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * True when `digest` is one of `hashes`. Every entry is compared in full (no early exit, no short-circuit),
 * so the time taken depends only on the number of configured hashes, not on which bytes match.
 */
export function digestIn(digest: Uint8Array, hashes: readonly Uint8Array[]): boolean {
  let found = 0;
  for (const hash of hashes) found |= Number(sameBytes(digest, hash));
  return found === 1;
}
