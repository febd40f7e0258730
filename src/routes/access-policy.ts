/**
 * @module
 * Who may do what, and how often, from the Worker's configuration:
 * - `POST` (explain, classify, other computations): an API key when keys are configured;
 * - writes to models (`PUT`/`DELETE`/`POST`/`PATCH` under /v1/models): an admin key, always;
 * - reading stored explanations (`GET /v1/explanations/...`): open, or a key with `EXPLANATIONS_ACCESS=keyed`;
 * - other reads: open.
 * Every /v1 request is rate limited per accepted key, else per client address (`RATE_LIMIT`, set in
 * wrangler.toml; unset means no limit), gets the configured CORS headers (`CORS_ORIGINS`), and computing
 * requests are shed with 503 beyond `MAX_IN_FLIGHT` running and `MAX_QUEUED` waiting per isolate.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Env } from '../env.js';
import { isolateConfigProblems } from '../config/validate.js';
import { apiKeys, type Access } from '../middleware/api-keys/index.js';
import { configGuard } from '../middleware/config-guard/index.js';
import { concurrencyLimit, Gate, type Capacity } from '../middleware/concurrency/index.js';
import { configuredCors } from '../middleware/cors/index.js';
import { clientAddress, limited, parseRate, rateLimit, TokenBuckets } from '../middleware/rate-limit/index.js';
import type { AppEnv } from './app-env.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The access level of a request under /v1.
 *
 * @example
 * accessOf('PUT', '/v1/models/resnet', {}); // 'admin'
 */
export function accessOf(method: string, path: string, env: Pick<Env, 'EXPLANATIONS_ACCESS'>): Access {
  const m = method.toUpperCase();
  if (m === 'OPTIONS') return 'open';
  if (path === '/v1/models' || path.startsWith('/v1/models/')) return SAFE.has(m) ? 'open' : 'admin';
  if (!SAFE.has(m)) return 'user';
  if (path.startsWith('/v1/explanations/')) return env.EXPLANATIONS_ACCESS === 'keyed' ? 'user' : 'open';
  return 'open';
}

const rates = new Map<string, ReturnType<typeof parseRate>>();

/** The configured rate (memoised per value; an invalid value is logged and {@link FALLBACK_RATE_LIMIT} used). */
function rateOf(env: Env) {
  const value = env.RATE_LIMIT ?? '';
  if (!rates.has(value)) {
    try {
      rates.set(value, parseRate(value));
    } catch (err) {
      console.warn(String(err));
      rates.set(value, parseRate(FALLBACK_RATE_LIMIT));
    }
  }
  return rates.get(value)!;
}

/** The rate used when `RATE_LIMIT` is set but invalid (fail closed): 120 requests per minute. */
export const FALLBACK_RATE_LIMIT = '120/60';

/** The in-isolate buckets of the app (one set per isolate). */
export const isolateBuckets = new TokenBuckets();

/** The in-isolate gate of computing requests. */
export const isolateGate = new Gate();

function count(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : fallback;
}

/** The capacity for computing requests (POST, PUT), or null for reads and with `MAX_IN_FLIGHT=off`. */
export function capacityOf(method: string, env: Pick<Env, 'MAX_IN_FLIGHT' | 'MAX_QUEUED'>): Capacity | null {
  if (SAFE.has(method.toUpperCase()) || method.toUpperCase() === 'DELETE' || env.MAX_IN_FLIGHT === 'off') return null;
  return { inFlight: Math.max(1, count(env.MAX_IN_FLIGHT, 4)), queued: count(env.MAX_QUEUED, 32) };
}

/**
 * The /v1 guards in order: CORS (answers preflights), the configuration check (503 for protected
 * requests while API_KEYS, ADMIN_KEYS or CACHE_SECRET are malformed), API keys, rate limit, load shedding.
 *
 * @example
 * app.use('/v1/*', ...v1Guards());
 */
export function v1Guards(): MiddlewareHandler<AppEnv>[] {
  const env = (c: Context) => c.env as Env;
  return [
    configuredCors({ origins: (c) => env(c).CORS_ORIGINS }),
    configGuard({
      open: (c) => accessOf(c.req.method, c.req.path, env(c)) === 'open',
      problems: (c) => isolateConfigProblems(env(c)),
    }),
    apiKeys({
      access: (c) => accessOf(c.req.method, c.req.path, env(c)),
      keys: (c) => ({ user: env(c).API_KEYS, admin: env(c).ADMIN_KEYS }),
      onPrincipal: (c, principal) => c.set('principal', principal),
    }),
    rateLimit({
      rate: (c) => (c.req.method === 'OPTIONS' ? null : rateOf(env(c))),
      client: (c) => (c.get('principal') as string | undefined) ?? clientAddress(c),
      binding: (c) => env(c).RATE_LIMITER,
      buckets: isolateBuckets,
    }),
    concurrencyLimit({ capacity: (c) => capacityOf(c.req.method, env(c)), gate: isolateGate }),
  ];
}

/**
 * Charge a computing request's cost to its client's rate limit: the rate limit middleware took one token,
 * this takes the other `units - 1` (at most the bucket's size), so an expensive request spends its share
 * of the rate (429 with Retry-After when the client has not enough left). With the Rate Limiting binding
 * each extra unit is one more counted call.
 *
 * @example
 * await chargeRequestCost(c, cost.units); // before running the model
 */
export async function chargeRequestCost(c: Context<AppEnv>, units: number): Promise<void> {
  const e = c.env as Env;
  const rate = rateOf(e);
  const extra = Math.ceil(units) - 1;
  if (!rate || extra <= 0) return;
  const client = c.get('principal') ?? clientAddress(c);
  const count = Math.min(extra, rate.requests);
  if (e.RATE_LIMITER) {
    try {
      for (let i = 0; i < count; i++) if (!(await e.RATE_LIMITER.limit({ key: client })).success) throw limited(rate.seconds);
      return;
    } catch (err) {
      if (err instanceof Error && err.name === 'ApiError') throw err;
      console.warn('rate limiting binding failed; charging the in-isolate limiter', err);
    }
  }
  const take = isolateBuckets.take(client, rate, Date.now(), count);
  if (!take.allowed) throw limited(take.retryAfter);
}
