/**
 * @module
 * Refuses a request whose Content-Type is not one of the accepted media types (415), before the body is read.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';

/** Options of {@link mediaType}. */
export interface MediaTypeOptions {
  /** Accepted media types, lower case, without parameters. */
  accept: readonly string[];
}

/** The media type of a Content-Type header value, lower case, without parameters. */
export function essence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Media type middleware.
 *
 * @example
 * app.post('/v1/explain', mediaType({ accept: ['image/png', 'image/jpeg'] }), handler);
 */
export function mediaType(options: MediaTypeOptions): MiddlewareHandler {
  return async (c, next) => {
    const type = essence(c.req.header('content-type'));
    if (!options.accept.includes(type)) {
      throw new ApiError(415, 'unsupported_media_type', `Send one of ${options.accept.join(', ')} (got '${type || 'none'}').`);
    }
    await next();
  };
}
