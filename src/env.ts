/**
 * @module
 * The Worker's bindings (wrangler.toml) and the limits read from them.
 */
import { DEFAULT_MAX_DECODE_BYTES } from './image/budget.js';

/** Bindings of the explain service. */
export interface Env {
  /** Static assets holding the bundled prepared models (`/<id>.onnx`, `/<id>.json`). */
  ASSETS: Fetcher;
  /** Cached explanations by id. */
  EXPLANATIONS: KVNamespace;
  /** Extra prepared models by id (`<id>.onnx`, `<id>.json`); optional. */
  MODELS?: KVNamespace;
  /** HMAC key of explanation ids (secret). */
  CACHE_SECRET: string;
  MAX_BODY_BYTES?: string;
  MAX_PIXELS?: string;
  MAX_OUTPUT_SIDE?: string;
  /** Most bytes of working memory one image decode may hold (default 24 MiB); larger decodes are 413. */
  MAX_DECODE_BYTES?: string;
  /** Hex SHA-256 hashes of the API keys (secret; comma or whitespace separated). Unset: explain is open. */
  API_KEYS?: string;
  /** Hex SHA-256 hashes of the admin keys (secret), needed for model writes. Unset: writes are disabled. */
  ADMIN_KEYS?: string;
  /** `open` (default) or `keyed`: whether reading a stored explanation by id needs a key. */
  EXPLANATIONS_ACCESS?: string;
  /** Requests per key (or client address) as `<requests>/<seconds>`, or `off` (also when unset). */
  RATE_LIMIT?: string;
  /** Cloudflare Rate Limiting binding; when present it decides instead of the in-isolate token bucket. */
  RATE_LIMITER?: RateLimit;
  /** Computing requests (POST/PUT under /v1) running at once per isolate (default 4), or `off`. */
  MAX_IN_FLIGHT?: string;
  /** Computing requests waiting for a slot (default 32); more get 503 overloaded with Retry-After. */
  MAX_QUEUED?: string;
  /** Origins allowed by CORS: `*`, a comma-separated list, or empty for none. */
  CORS_ORIGINS?: string;
  /** Largest uploaded model file in bytes (default 40 MiB, at most 96 MiB); models over one part are stored in parts. */
  MAX_MODEL_BYTES?: string;
  /** Size in bytes of the parts an uploaded model larger than one KV value is stored in (default and most: 24 MiB; least 1 KiB). */
  MODEL_PART_BYTES?: string;
  /** Largest plain model prepared inside the Worker on upload, in bytes (default 8 MiB). */
  MAX_PREPARE_BYTES?: string;
  /** onnxruntime's graph optimisation level for new sessions: all (default), extended, basic or disabled. */
  ORT_GRAPH_OPTIMIZATION?: string;
  /** Most activation memory (bytes, computed statically) checking and explaining an uploaded model may need (default 64 MiB). */
  MAX_MODEL_ACTIVATION_BYTES?: string;
  /**
   * The service's public origin (e.g. `https://explain.example.com`), used for the URLs inside stored JSON
   * explanations; unset: those URLs are relative paths (never taken from a request's Host header).
   */
  PUBLIC_URL?: string;
  /** Days a stored explanation lives in EXPLANATIONS (KV expirationTtl); default 30, `0` keeps them until deleted. */
  EXPLANATION_TTL_DAYS?: string;
  /** Most cost units one explain request may have (one unit: one 224 x 224 image through the model); default 128. */
  MAX_REQUEST_COST?: string;
  /** "1" adds X-Debug-Model-Runs to responses (tests and benchmarks). */
  DEBUG_COUNTERS?: string;
}

/** Limits of one request. */
export interface Limits {
  maxBodyBytes: number;
  maxPixels: number;
  maxOutputSide: number;
  maxDecodeBytes: number;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * Limits from the bindings, with the documented defaults (10 MB body, 40 MP, 4096 px, 24 MiB per decode).
 *
 * @example
 * limitsOf({ MAX_BODY_BYTES: '1000' } as Env).maxBodyBytes; // 1000
 */
export function limitsOf(env: Partial<Env>): Limits {
  return {
    maxBodyBytes: positiveInt(env.MAX_BODY_BYTES, 10 * 1024 * 1024),
    maxPixels: positiveInt(env.MAX_PIXELS, 40_000_000),
    maxOutputSide: positiveInt(env.MAX_OUTPUT_SIDE, 4096),
    maxDecodeBytes: positiveInt(env.MAX_DECODE_BYTES, DEFAULT_MAX_DECODE_BYTES),
  };
}

const GRAPH_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/**
 * The graph optimisation level of new ONNX sessions (ORT_GRAPH_OPTIMIZATION; 'all' when unset or unknown).
 *
 * @example
 * graphOptimizationOf({ ORT_GRAPH_OPTIMIZATION: 'basic' } as Env); // 'basic'
 */
export function graphOptimizationOf(env: Partial<Env>): (typeof GRAPH_LEVELS)[number] {
  const level = GRAPH_LEVELS.find((l) => l === env.ORT_GRAPH_OPTIMIZATION);
  return level ?? 'all';
}
