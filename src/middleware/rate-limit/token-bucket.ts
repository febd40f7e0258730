/**
 * @module
 * Token buckets per client, in the memory of one isolate: each client may burst up to `requests` and
 * regains `requests` tokens per `seconds`. Local and per isolate only: on Cloudflare a client's requests
 * spread over many isolates and locations, so production uses the Rate Limiting binding (or a Durable
 * Object) and this is the fallback for local runs and deployments without one.
 */

/** A rate: `requests` per `seconds`. */
export interface Rate {
  requests: number;
  seconds: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** The outcome of taking one token. */
export interface Take {
  allowed: boolean;
  /** Seconds until a token is available again (0 when allowed). */
  retryAfter: number;
}

/** Token buckets keyed by client, bounded in number (full buckets are forgotten first). */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxClients = 10_000) {}

  /**
   * Take `tokens` (default one; at most the bucket's capacity) from `client`'s bucket at time `now` (ms).
   *
   * @example
   * new TokenBuckets().take('ip:203.0.113.7', { requests: 2, seconds: 60 }, Date.now()).allowed; // true
   */
  take(client: string, rate: Rate, now: number, tokens = 1): Take {
    const need = Math.min(Math.max(tokens, 0), rate.requests);
    const perMs = rate.requests / (rate.seconds * 1000);
    const bucket = this.buckets.get(client) ?? { tokens: rate.requests, updated: now };
    bucket.tokens = Math.min(rate.requests, bucket.tokens + Math.max(0, now - bucket.updated) * perMs);
    bucket.updated = now;
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    this.prune(rate, now);
    if (bucket.tokens >= need) {
      bucket.tokens -= need;
      return { allowed: true, retryAfter: 0 };
    }
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((need - bucket.tokens) / perMs / 1000)) };
  }

  /** Clients tracked (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private prune(rate: Rate, now: number): void {
    if (this.buckets.size <= this.maxClients) return;
    const fullAfterMs = rate.seconds * 1000;
    for (const [client, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxClients) break;
      // least recently used first (Map order); a bucket idle for a whole window is full again anyway
      if (now - bucket.updated >= fullAfterMs || this.buckets.size > this.maxClients * 1.1) this.buckets.delete(client);
    }
  }
}

/**
 * Parse a rate such as `"120/60"` (120 requests per 60 s); `"off"` or an empty value disables limiting.
 *
 * @example
 * parseRate('30/10'); // { requests: 30, seconds: 10 }
 */
export function parseRate(value: string | undefined): Rate | null {
  const text = (value ?? '').trim();
  if (text === '' || text === 'off') return null;
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  const requests = Number(match?.[1]);
  const seconds = Number(match?.[2]);
  if (!match || requests < 1 || seconds < 1) throw new Error(`RATE_LIMIT must be "<requests>/<seconds>" or "off" (got '${text}')`);
  return { requests, seconds };
}
