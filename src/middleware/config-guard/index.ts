/**
 * @module
 * Fail closed on a broken configuration: every request that needs protection (a key, or the cache
 * secret) is answered 503 `misconfigured`, naming the setting to fix, while the configuration has
 * problems; open requests (health, documents, model listings) still work so the operator can see them.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors.js';

/** Options of {@link configGuard}. */
export interface ConfigGuardOptions {
  /** True when the request is open (needs neither a key nor the cache secret). */
  open: (c: Context) => boolean;
  /** The configuration's problems (memoised per isolate by the caller). */
  problems: (c: Context) => readonly { setting: string; detail: string }[];
}

/**
 * @example
 * app.use('/v1/*', configGuard({ open: (c) => c.req.method === 'GET', problems: (c) => isolateConfigProblems(c.env) }));
 */
export function configGuard(options: ConfigGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    if (options.open(c)) return next();
    const problems = options.problems(c);
    if (problems.length === 0) return next();
    const settings = problems.map((p) => p.setting);
    throw new ApiError(
      503,
      'misconfigured',
      `This deployment is misconfigured, so protected requests are refused: ${problems.map((p) => p.detail).join(' ')}`,
      { settings },
    );
  };
}
