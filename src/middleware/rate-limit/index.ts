/**
 * @module
 * Rate limiting per client: the API key when the request carries an accepted one, else the client address
 * (`CF-Connecting-IP`). Over the limit a request gets 429 rate_limited with `Retry-After`. With a Cloudflare
 * Rate Limiting binding the binding decides (shared across isolates: the production choice); without one an
 * in-isolate token bucket does (local runs, single-isolate deployments).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';
import { TokenBuckets, type Rate } from './token-bucket.js';

export { parseRate, TokenBuckets, type Rate } from './token-bucket.js';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** The rate for this request, or null for no limit. */
  rate: (c: Context) => Rate | null;
  /** The client's name, e.g. `key:<hash prefix>` or `ip:<address>`. */
  client: (c: Context) => string;
  /** The Cloudflare Rate Limiting binding, when there is one. */
  binding?: (c: Context) => RateLimit | undefined;
  /** The in-isolate buckets (pass one to share or inspect it); a new set by default. */
  buckets?: TokenBuckets;
  /** Milliseconds since the epoch (tests pass a fake clock). */
  now?: () => number;
}

/** The 429 of a client over its rate. */
export function limited(retryAfter: number): ApiError {
  return new ApiError(
    429,
    'rate_limited',
    `Too many requests; retry after ${retryAfter} s.`,
    { retryAfter },
    { 'Retry-After': String(retryAfter) },
  );
}

/** The client address of a request: CF-Connecting-IP (set by Cloudflare's edge), else "unknown". */
export function clientAddress(c: Context): string {
  return `ip:${c.req.header('cf-connecting-ip') ?? 'unknown'}`;
}

/** The binding's verdict; null without a binding or when it fails (the in-isolate buckets decide then). */
async function askBinding(binding: RateLimit | undefined, client: string): Promise<boolean | null> {
  if (!binding) return null;
  try {
    return (await binding.limit({ key: client })).success;
  } catch (err) {
    console.warn('rate limiting binding failed; using the in-isolate limiter', err);
    return null;
  }
}

/**
 * Rate limit middleware.
 *
 * @example
 * app.use('/v1/*', rateLimit({ rate: () => ({ requests: 120, seconds: 60 }), client: clientAddress }));
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const buckets = options.buckets ?? new TokenBuckets();
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const rate = options.rate(c);
    if (!rate) return next();
    const client = options.client(c);
    const shared = await askBinding(options.binding?.(c), client);
    if (shared === false) throw limited(rate.seconds);
    if (shared === null) {
      const take = buckets.take(client, rate, now());
      if (!take.allowed) throw limited(take.retryAfter);
    }
    return next();
  };
}
