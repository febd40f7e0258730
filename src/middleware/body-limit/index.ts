/**
 * @module
 * Reads the request body once, up to a limit, and caches it on the request so that later readers
 * (`c.req.arrayBuffer()`, `parseBody()`, validators) get the same bytes. A declared Content-Length over the
 * limit is refused before reading; a body that grows past the limit while streaming is cancelled.
 * Either way the request ends with 413 payload_too_large.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';

/** Options of {@link bodyLimit}. */
export interface BodyLimitOptions {
  /** The limit in bytes for this request (e.g. read from a binding). */
  maxBytes: (c: Context) => number;
}

function tooLarge(max: number): ApiError {
  return new ApiError(413, 'payload_too_large', `The request body exceeds the limit of ${max} bytes.`, { limit: max });
}

async function readLimited(body: ReadableStream<Uint8Array>, max: number): Promise<ArrayBuffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      // the client went away or the stream broke mid-body: a client error, not a 500
      throw new ApiError(400, 'bad_request', 'The request body could not be read completely (did the client abort?).');
    });
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

/**
 * Body limit middleware.
 *
 * @example
 * app.post('/upload', bodyLimit({ maxBytes: () => 10 << 20 }), (c) => c.req.arrayBuffer());
 */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    const max = options.maxBytes(c);
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > max) throw tooLarge(max);
    const raw = c.req.raw.body;
    const bytes = raw ? await readLimited(raw, max) : new ArrayBuffer(0);
    // Hono keeps body promises in bodyCache (typed as values) and derives text/form/blob from any of them.
    (c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(bytes);
    await next();
  };
}
