/**
 * @module
 * SHA-256 as lowercase hex through Web Crypto (`crypto.subtle`), available in Node 20 and workerd.
 */

/** Hex SHA-256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
