/**
 * @module
 * How long stored explanations live: `EXPLANATION_TTL_DAYS` (default 30; 0 keeps them until deleted),
 * passed to KV as `expirationTtl`, and the sentence the 404 of a missing explanation says about it.
 */

/** Default lifetime of a stored explanation, in days. */
export const DEFAULT_TTL_DAYS = 30;

/** KV's shortest expirationTtl, in seconds. */
const KV_MIN_TTL = 60;

/**
 * Seconds a stored explanation lives, or null for no expiry (`EXPLANATION_TTL_DAYS=0`). An invalid
 * value falls back to the default with a warning.
 *
 * @example
 * explanationTtlSeconds({}); // 2592000 (30 days)
 * explanationTtlSeconds({ EXPLANATION_TTL_DAYS: '0' }); // null
 */
export function explanationTtlSeconds(env: { EXPLANATION_TTL_DAYS?: string }): number | null {
  const raw = (env.EXPLANATION_TTL_DAYS ?? '').trim();
  let days = DEFAULT_TTL_DAYS;
  if (raw) {
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 0) days = n;
    else console.warn(`EXPLANATION_TTL_DAYS=${JSON.stringify(raw)} is not a number of days; using ${DEFAULT_TTL_DAYS}`);
  }
  if (days === 0) return null;
  return Math.max(KV_MIN_TTL, Math.round(days * 86_400));
}

/** The 404 sentence for an explanation id that is not stored, true to the configured lifetime. */
export function notStoredDetail(env: { EXPLANATION_TTL_DAYS?: string }): string {
  const ttl = explanationTtlSeconds(env);
  if (ttl === null) return 'No stored explanation with this id (it was never computed here, or it was deleted).';
  const days = ttl / 86_400;
  const span = days >= 1 ? `${Number(days.toFixed(2))} days` : `${Math.round(ttl / 60)} minutes`;
  return `No stored explanation with this id (it was never computed here, or it expired: explanations are kept for ${span}).`;
}
