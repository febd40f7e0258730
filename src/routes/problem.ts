/**
 * @module
 * Errors as application/problem+json (RFC 9457): {type, title, status, code, detail}. ApiErrors keep their
 * status, code and detail; Hono's HTTPExceptions keep their status; anything else is a 500 'internal' with
 * no details (the cause is logged, never sent: no stack traces, no WASM messages).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from '@hono/zod-openapi';
import { ApiError, type ErrorCode } from '../errors.js';
import { badOption } from './explain/options.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const HTTP_CODES: Record<number, ErrorCode> = { 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type' };

/** The problem+json response of an error. */
export function problemResponse(
  status: number,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = { type: `urn:gradcam-edge:problem:${code}`, title: TITLES[status] ?? 'Error', status, code, detail, ...extra };
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' },
  });
}

/** The app's one error handler. */
export function onError(err: unknown, _c: Context): Response {
  if (err instanceof ApiError) {
    if (err.status >= 500 && err.code === 'internal') return problemResponse(500, 'internal', 'Internal error.');
    return problemResponse(err.status, err.code, err.detail, err.extra, err.headers);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return problemResponse(err.status, HTTP_CODES[err.status] ?? 'bad_request', err.message || (TITLES[err.status] ?? 'Bad request.'));
  }
  console.error('unhandled error', err);
  return problemResponse(500, 'internal', 'Internal error.');
}

/** zod-openapi's validation hook: the first issue becomes 400 bad_option. */
export function openapiHook(result: { success: boolean; error?: z.ZodError }): void {
  if (!result.success && result.error) throw badOption(result.error);
}
