/**
 * @module
 * One HTTP call to the service with the client's policy: a deadline (timeout) combined with the caller's
 * AbortSignal, retries on 429/503, and non-2xx responses turned into {@link GradcamEdgeError}s.
 * Uses only fetch, AbortSignal and Headers (browsers, Node >= 20, Deno, Workers).
 */
import { errorFromResponse, GradcamEdgeError } from './errors.js';
import { isRetryable, retryAfterMs, retryDelay, sleep, type RetryPolicy } from './retry.js';

/** How a client talks to the service. */
export interface Transport {
  baseUrl: string;
  fetch: typeof fetch;
  headers: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
}

/** One request. The body must be re-sendable (bytes or a Blob), since it may be retried. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A successful response with the signal that still governs its body. */
export interface Sent {
  response: Response;
  signal: AbortSignal;
}

function deadline(caller: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const signals = [caller, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter((s): s is AbortSignal => !!s);
  if (signals.length === 1) return signals[0];
  if (signals.length === 0) return new AbortController().signal;
  return AbortSignal.any(signals);
}

/** A timeout becomes a `timeout` error; a caller's abort stays the caller's reason; else `network_error`. */
export function translateFailure(err: unknown, signal: AbortSignal, timeoutMs: number): unknown {
  if (err instanceof GradcamEdgeError) return err;
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError')
      return new GradcamEdgeError(0, 'timeout', `No complete answer within ${timeoutMs} ms.`, undefined, { cause: err });
    return signal.reason;
  }
  return new GradcamEdgeError(0, 'network_error', `The service could not be reached (${(err as Error)?.message ?? err}).`, undefined, {
    cause: err,
  });
}

function urlOf(t: Transport, spec: RequestSpec): string {
  const url = new URL(spec.path, t.baseUrl.endsWith('/') ? t.baseUrl : `${t.baseUrl}/`);
  for (const [k, v] of Object.entries(spec.query ?? {})) url.searchParams.set(k, v);
  return url.href;
}

/**
 * Send a request, retrying 429 and 503 as the policy allows. Resolves with a 2xx response whose body is
 * still unread (and still bound to the timeout); rejects with a GradcamEdgeError or the caller's abort reason.
 */
export async function send(t: Transport, spec: RequestSpec): Promise<Sent> {
  const timeoutMs = spec.timeoutMs ?? t.timeoutMs;
  const signal = deadline(spec.signal, timeoutMs);
  const init: RequestInit = { method: spec.method, body: spec.body, headers: { ...t.headers, ...spec.headers }, signal };
  const url = urlOf(t, spec);
  try {
    for (let attempt = 0; ; attempt++) {
      const response = await t.fetch(url, init);
      if (response.ok) return { response, signal };
      const serverDelay = retryAfterMs(response.headers);
      const delay = isRetryable(response.status) ? retryDelay(t.retry, attempt, serverDelay) : undefined;
      if (delay === undefined) throw await errorFromResponse(response, serverDelay);
      await response.body?.cancel();
      await sleep(delay, signal);
    }
  } catch (err) {
    throw translateFailure(err, signal, timeoutMs);
  }
}
