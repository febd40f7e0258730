/**
 * @module
 * The project's one error type. Every expected failure (bad input, unknown model, unsupported op, ...)
 * is an {@link ApiError} carrying an HTTP status, a machine-readable code and a sentence that says what
 * to fix. The Hono app renders it as application/problem+json (RFC 9457); the CLI prints `code: detail`.
 */

/** Machine-readable error codes. Add new codes here so clients can rely on the list. */
export type ErrorCode =
  | 'bad_request'
  | 'bad_option'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'image_too_large'
  | 'corrupt_image'
  | 'not_found'
  | 'model_not_found'
  | 'explanation_not_found'
  | 'class_out_of_range'
  | 'invalid_model'
  | 'unsupported_op'
  | 'unknown_layer'
  | 'model_unavailable'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'overloaded'
  | 'misconfigured'
  | 'request_too_costly'
  | 'internal';

/**
 * An expected failure with an HTTP status and a machine-readable code.
 *
 * @example
 * throw new ApiError(415, 'unsupported_media_type', 'Send image/png or image/jpeg.');
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers of the problem (e.g. Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ApiError';
  }
}
