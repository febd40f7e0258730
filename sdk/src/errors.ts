/**
 * @module
 * The one error type of the SDK: a service problem (application/problem+json, RFC 9457) or a client-side
 * failure (timeout, network error, a response that is not the service's).
 */
import type { GradcamEdgeErrorCode, Problem } from './types.js';

/**
 * A failed call, with the HTTP status (0 when no response arrived) and a machine-readable code.
 *
 * @example
 * try { await client.explain(bytes, { class: 'dog' }); }
 * catch (err) { if (err instanceof GradcamEdgeError && err.code === 'bad_option') console.log(err.option); }
 */
export class GradcamEdgeError extends Error {
  override readonly name = 'GradcamEdgeError';
  /** The option a `bad_option` problem names. */
  readonly option?: string;
  /** How long the service asked to wait (429/503 with Retry-After), in ms. */
  readonly retryAfterMs?: number;

  constructor(
    readonly status: number,
    readonly code: GradcamEdgeErrorCode,
    readonly detail: string,
    /** The problem+json body, when the service sent one. */
    readonly problem?: Problem & Record<string, unknown>,
    extra: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`${code}: ${detail}`, extra.cause === undefined ? undefined : { cause: extra.cause });
    if (typeof problem?.option === 'string') this.option = problem.option;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }
}

function isProblem(body: unknown): body is Problem & Record<string, unknown> {
  const b = body as Partial<Problem> | null;
  return typeof b?.code === 'string' && typeof b.status === 'number' && typeof b.detail === 'string';
}

/** The error of a non-2xx response (reads and consumes its body). */
export async function errorFromResponse(res: Response, retryAfterMs?: number): Promise<GradcamEdgeError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isProblem(body)) return new GradcamEdgeError(res.status, body.code as GradcamEdgeErrorCode, body.detail, body, { retryAfterMs });
  const snippet = text.slice(0, 200).trim();
  return new GradcamEdgeError(res.status, 'unexpected_response', `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`, undefined, {
    retryAfterMs,
  });
}
