/**
 * @module
 * When and how long to wait before retrying: 429 and 503 only, honouring Retry-After (seconds or an
 * HTTP date), otherwise exponential backoff with jitter.
 */

/** Retry settings of a client. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  retries: number;
  /** First backoff delay in ms, doubled each retry (default 250). */
  baseDelayMs: number;
  /** Longest wait; a Retry-After beyond it is not waited for (default 30 s). */
  maxDelayMs: number;
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Statuses worth retrying: the service is rate limiting or temporarily unavailable. */
export function isRetryable(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * The Retry-After header in ms (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), or undefined.
 *
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' })) // 2000
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The delay before retry number `attempt` (0-based), or undefined to give up. */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  serverDelayMs: number | undefined,
  random = Math.random,
): number | undefined {
  if (attempt >= policy.retries) return undefined;
  if (serverDelayMs !== undefined) return serverDelayMs <= policy.maxDelayMs ? serverDelayMs : undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** Wait `ms`, or reject with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
