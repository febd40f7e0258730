/**
 * @module
 * How the CLI reports a failure: `error[code]: sentence` on stderr, no stack trace unless --debug.
 */
import { ApiError } from '../src/errors.js';

/** Node's own argument-parser and file-system errors, turned into ApiErrors with a sentence. */
export function asApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))
    return new ApiError(400, 'bad_option', `${e.message} (see --help).`);
  if (e?.code === 'ENOENT' && e.path) return new ApiError(400, 'bad_option', `No such file: ${e.path}.`);
  if ((e?.code === 'EISDIR' || e?.code === 'EACCES') && e.path)
    return new ApiError(400, 'bad_option', `Cannot read or write ${e.path} (${e.code}).`);
  return undefined;
}

/** Print an error and return the exit code (1). */
export function reportError(err: unknown, debug: boolean): number {
  const api = asApiError(err);
  if (api) process.stderr.write(`error[${api.code}]: ${api.detail}\n`);
  else
    process.stderr.write(
      `error[internal]: ${(err as Error)?.message ?? String(err)}${debug ? '' : ' (run again with --debug for details)'}\n`,
    );
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}
