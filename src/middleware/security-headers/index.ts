/**
 * @module
 * Security headers on every response: `X-Content-Type-Options: nosniff` (a PNG or JSON is never sniffed
 * into HTML), no referrer, no framing, a Content-Security-Policy (`default-src 'none'` for API responses,
 * a strict page policy for HTML), HSTS over https, and `Cache-Control: no-store` on every error so that no
 * cache keeps a 4xx/5xx. A header that a route already set is kept (a page may carry its own CSP).
 */
import type { MiddlewareHandler } from 'hono';

/** The CSP of API responses (JSON, PNG, problem+json): nothing may load or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The default CSP of HTML pages: scripts, styles and images from the Worker's own origin only (no inline
 * script, no eval), fetches to the same origin, image previews from blob: and data: URLs.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Options of {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /** CSP of HTML responses (default {@link PAGE_CSP}). */
  pageCsp?: string;
}

function headersFor(res: Response, https: boolean, pageCsp: string): Record<string, string> {
  const html = (res.headers.get('content-type') ?? '').toLowerCase().startsWith('text/html');
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': html ? pageCsp : API_CSP,
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * Security headers middleware (register it first, so that it also sees error responses).
 *
 * @example
 * app.use(securityHeaders());
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const pageCsp = options.pageCsp ?? PAGE_CSP;
  return async (c, next) => {
    await next();
    const wanted = headersFor(c.res, new URL(c.req.url).protocol === 'https:', pageCsp);
    const missing = Object.entries(wanted).filter(([name]) => !c.res.headers.has(name));
    const noStore = c.res.status >= 400 && c.res.headers.get('cache-control') !== 'no-store';
    if (missing.length === 0 && !noStore) return;
    const apply = (headers: Headers) => {
      for (const [name, value] of missing) headers.set(name, value);
      if (noStore) headers.set('Cache-Control', 'no-store');
    };
    try {
      apply(c.res.headers);
    } catch {
      // immutable headers (a fetched response): copy it, and unset c.res first, since Hono's setter would
      // merge the old headers back over the new ones
      const copy = new Response(c.res.body, c.res);
      apply(copy.headers);
      c.res = undefined as unknown as Response;
      c.res = copy;
    }
  };
}
