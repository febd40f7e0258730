/**
 * @module
 * CORS from configuration (hono/cors underneath): `CORS_ORIGINS` is `*`, a comma-separated list of origins,
 * or empty (no CORS headers: browsers on other origins cannot read responses). Keys travel in the
 * Authorization header, never in cookies, so no credentials mode is needed; the explanation headers,
 * Retry-After and Server-Timing are exposed to scripts.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** Response headers a browser script may read. */
export const EXPOSED_HEADERS = [
  'X-Explanation-Id',
  'X-Explanation-Class',
  'X-Explanation-Label',
  'X-Explanation-Score',
  'X-Explanation-Method',
  'X-Explanation-Model',
  'X-Explanation-Layer',
  'X-Explanation-Url',
  'X-Explanation-Classes',
  'X-Explanation-Metrics',
  'X-Cache',
  'ETag',
  'Link',
  'Server-Timing',
  'Retry-After',
  'WWW-Authenticate',
];

/** Options of {@link configuredCors}. */
export interface ConfiguredCorsOptions {
  /** The configured origins: `*`, `https://a.example, https://b.example`, or empty/undefined for none. */
  origins: (c: Context) => string | undefined;
}

function allowedOrigin(configured: string | undefined, origin: string): string | null {
  const list = (configured ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.includes('*')) return '*';
  return list.includes(origin) ? origin : null;
}

/**
 * CORS middleware whose allowed origins come from configuration on each request.
 *
 * @example
 * app.use('/v1/*', configuredCors({ origins: (c) => c.env.CORS_ORIGINS }));
 */
export function configuredCors(options: ConfiguredCorsOptions): MiddlewareHandler {
  const handler = (c: Context) =>
    cors({
      origin: (origin) => allowedOrigin(options.origins(c), origin),
      allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
      exposeHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  return async (c, next) => {
    if (!(options.origins(c) ?? '').trim()) return next();
    return handler(c)(c, next);
  };
}
