/**
 * @module
 * The headers of an explanation response (POST /v1/explain and GET /v1/explanations/:id), shared so that a
 * cache hit and a stored explanation look exactly like the original miss, and the explanation URLs.
 */
import type { Context } from 'hono';
import type { ExplanationMeta } from '../../cache/store.js';
import { serverTiming } from './stopwatch.js';

/** An explanation about to be sent. */
export interface ExplanationResponse {
  id: string;
  meta: ExplanationMeta;
  body: ReadableStream<Uint8Array> | Uint8Array;
  cache: 'hit' | 'miss' | 'stored';
}

/** The absolute URL of a stored explanation. */
export function explanationUrl(c: Context, id: string, ext: 'png' | 'json'): string {
  return new URL(`/v1/explanations/${id}.${ext}`, c.req.url).href;
}

/** Explanations are immutable (their id is a keyed hash of everything that determines them). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The same for keyed deployments: only the caller's own cache may keep it, never a shared one. */
export const IMMUTABLE_PRIVATE = 'private, max-age=31536000, immutable';

/**
 * Cache headers of an explanation (or its badge, or a 304): public when stored explanations are open,
 * `private` plus `Vary: Authorization` when they need a key (`EXPLANATIONS_ACCESS=keyed`) or when the
 * request carried a key, so a shared cache never hands a keyed response to a caller without one.
 *
 * @example
 * new Headers(cacheHeaders(true)); // Cache-Control: private, ...; Vary: Authorization
 */
export function cacheHeaders(keyed: boolean): Record<string, string> {
  return keyed ? { 'Cache-Control': IMMUTABLE_PRIVATE, Vary: 'Authorization' } : { 'Cache-Control': IMMUTABLE };
}

/** True when responses about stored explanations must not be shared: keyed access or a keyed request. */
export function isKeyed(env: { EXPLANATIONS_ACCESS?: string }, authorization: string | undefined): boolean {
  return env.EXPLANATIONS_ACCESS === 'keyed' || Boolean(authorization);
}

/**
 * Headers: Content-Type, X-Explanation-{Id,Class,Label,Score,Method,Model,Layer,Url}, X-Cache, ETag,
 * Cache-Control, Link (rel=canonical) and Server-Timing (the stages measured when it was computed); for
 * top=k X-Explanation-Classes (left to right), with metrics X-Explanation-Metrics (`drop=12.5, deletion=0.21`), for a
 * PNG asked with text=true X-Explanation-Text (the sentence, URL-encoded).
 */
export function explanationHeaders(r: ExplanationResponse, url: string, keyed = false): Headers {
  const { meta } = r;
  const headers = new Headers({
    'Content-Type': meta.contentType,
    'X-Explanation-Id': r.id,
    'X-Explanation-Class': String(meta.classIndex),
    'X-Explanation-Score': meta.score.toPrecision(6),
    'X-Explanation-Method': meta.method,
    'X-Explanation-Model': meta.model,
    'X-Explanation-Layer': encodeURIComponent(meta.layer),
    'X-Explanation-Url': url,
    'X-Cache': r.cache === 'stored' ? 'hit' : r.cache,
    ETag: `"${r.id}"`,
    Link: `<${url}>; rel="canonical"`,
    'Server-Timing': serverTiming(meta.timings),
  });
  for (const [name, value] of Object.entries(cacheHeaders(keyed))) headers.append(name, value);
  if (meta.label !== null) headers.set('X-Explanation-Label', encodeURIComponent(meta.label));
  if (meta.classes) headers.set('X-Explanation-Classes', meta.classes.join(','));
  if (meta.text && meta.contentType === 'image/png') headers.set('X-Explanation-Text', encodeURIComponent(meta.text));
  if (meta.metrics)
    headers.set(
      'X-Explanation-Metrics',
      Object.entries(meta.metrics)
        .map(([k, v]) => `${k}=${v.toPrecision(6)}`)
        .join(', '),
    );
  return headers;
}
