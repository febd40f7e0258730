/**
 * @module
 * The deployment's security configuration, checked once per isolate (memoised by value) so that a
 * mistake fails closed: malformed key hashes or a missing or short CACHE_SECRET make every protected
 * request a 503 naming the setting to fix, instead of an open service or a 500 on every explain.
 * The same check prints its findings when the Worker starts (src/index.ts) and in the deploy check
 * (scripts/check-config.ts).
 */
import type { Env } from '../env.js';

/** Shortest accepted CACHE_SECRET, in characters (the HMAC key of explanation ids). */
export const MIN_CACHE_SECRET = 16;

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** The binding to fix, e.g. `API_KEYS`. */
  readonly setting: string;
  /** What is wrong and how to fix it, one sentence. */
  readonly detail: string;
}

const HASH = /^[0-9a-f]{64}$/i;

function keyProblems(setting: 'API_KEYS' | 'ADMIN_KEYS', value: string | undefined): ConfigProblem[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  const bad = entries.filter((e) => !HASH.test(e)).length;
  if (bad === 0) return [];
  return [
    {
      setting,
      detail: `${setting} has ${bad} of ${entries.length} entries that are not SHA-256 hashes (64 hex digits); store hashes of the keys, never the keys: printf %s "$KEY" | sha256sum.`,
    },
  ];
}

/**
 * Everything wrong with the security configuration; empty when it is usable.
 *
 * @example
 * configProblems({ API_KEYS: 'my-raw-key', CACHE_SECRET: '' } as Env).map((p) => p.setting); // ['API_KEYS', 'CACHE_SECRET']
 */
export function configProblems(env: Partial<Env>): ConfigProblem[] {
  const problems = [...keyProblems('API_KEYS', env.API_KEYS), ...keyProblems('ADMIN_KEYS', env.ADMIN_KEYS)];
  if ((env.PUBLIC_URL ?? '').trim() && !/^https?:\/\/[^/\s]+\/?$/i.test(env.PUBLIC_URL!.trim())) {
    problems.push({
      setting: 'PUBLIC_URL',
      detail: 'PUBLIC_URL must be an origin such as https://explain.example.com (scheme and host, no path).',
    });
  }
  const secret = typeof env.CACHE_SECRET === 'string' ? env.CACHE_SECRET : '';
  if (secret.length < MIN_CACHE_SECRET) {
    problems.push({
      setting: 'CACHE_SECRET',
      detail: `CACHE_SECRET is ${secret ? `only ${secret.length} characters` : 'not set'}; set at least ${MIN_CACHE_SECRET} random characters: openssl rand -hex 32 | wrangler secret put CACHE_SECRET.`,
    });
  }
  return problems;
}

const memo = new Map<string, ConfigProblem[]>();

/** {@link configProblems}, computed once per distinct configuration in this isolate. */
export function isolateConfigProblems(env: Partial<Env>): ConfigProblem[] {
  const key = JSON.stringify([
    env.API_KEYS ?? null,
    env.ADMIN_KEYS ?? null,
    env.PUBLIC_URL ?? null,
    typeof env.CACHE_SECRET === 'string' ? env.CACHE_SECRET : null,
  ]);
  let problems = memo.get(key);
  if (!problems) {
    problems = configProblems(env);
    if (memo.size > 16) memo.clear();
    memo.set(key, problems);
  }
  return problems;
}

/** True when explain and classify are open to everyone (no user or admin key hashes configured). */
export function isOpenService(env: Partial<Env>): boolean {
  return !(env.API_KEYS ?? '').trim() && !(env.ADMIN_KEYS ?? '').trim();
}

/** Lines to print at startup or deploy: the problems, and a warning when the service is open. */
export function configReport(env: Partial<Env>): string[] {
  const lines = configProblems(env).map(
    (p) => `gradcam-edge: configuration error (${p.setting}): ${p.detail} Protected requests answer 503 until it is fixed.`,
  );
  if (isOpenService(env)) {
    lines.push(
      'gradcam-edge: WARNING: no API_KEYS are configured, so POST /v1/explain and /v1/classify are open to everyone. Set hashes of your keys: printf %s "$KEY" | sha256sum, then wrangler secret put API_KEYS.',
    );
  }
  return lines;
}
