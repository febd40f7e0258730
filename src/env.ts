/**
 * @module
 * The Worker's bindings (wrangler.toml) and the limits read from them.
 */

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
  /** "1" adds X-Debug-Model-Runs to responses (tests and benchmarks). */
  DEBUG_COUNTERS?: string;
}

/** Limits of one request. */
export interface Limits {
  maxBodyBytes: number;
  maxPixels: number;
  maxOutputSide: number;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * Limits from the bindings, with the documented defaults (10 MB body, 40 MP, 4096 px).
 *
 * @example
 * limitsOf({ MAX_BODY_BYTES: '1000' } as Env).maxBodyBytes; // 1000
 */
export function limitsOf(env: Partial<Env>): Limits {
  return {
    maxBodyBytes: positiveInt(env.MAX_BODY_BYTES, 10 * 1024 * 1024),
    maxPixels: positiveInt(env.MAX_PIXELS, 40_000_000),
    maxOutputSide: positiveInt(env.MAX_OUTPUT_SIDE, 4096),
  };
}
