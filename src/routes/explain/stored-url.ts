/**
 * @module
 * URLs inside stored explanation bodies. A stored body is served to every later caller, so it is built
 * from the configured PUBLIC_URL or as relative paths, never from a request header (Host).
 */

/**
 * The service's configured public origin, or '' (relative URLs).
 *
 * @example
 * publicBase({ PUBLIC_URL: 'https://explain.example.com/' }); // 'https://explain.example.com'
 */
export function publicBase(env: { PUBLIC_URL?: string }): string {
  const value = (env.PUBLIC_URL ?? '').trim();
  if (!value) return '';
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : '';
  } catch {
    return '';
  }
}

/** The URL of a stored explanation for stored bodies: under PUBLIC_URL, else a relative path. */
export function storedUrl(env: { PUBLIC_URL?: string }, id: string, ext: 'png' | 'json'): string {
  const path = `/v1/explanations/${id}.${ext}`;
  const base = publicBase(env);
  return base ? new URL(path, base).href : path;
}
