/**
 * @module
 * `gradcam-edge serve`: the explain service self-hosted on Node (cli/serve/server.ts) until SIGINT or SIGTERM.
 * Models come from `--models` (default: the models shipped with the package); the variables of wrangler.toml
 * and the secrets come from the process environment (CACHE_SECRET, API_KEYS, RATE_LIMIT, MAX_BODY_BYTES, ...).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError } from '../src/errors.js';
import { packageRoot } from './package-root.js';
import { startNodeServer } from './serve/server.js';

export const usage = `Usage:
  gradcam-edge serve [--port 8788] [--host 127.0.0.1] [--models <dir>] [--threads N] [--cache-mb 256]

Serves the explain API (the same app as the Worker) on Node with multithreaded WASM and an in-memory cache.

Options:
  --port <n>        TCP port (default $PORT or 8788; 0 picks a free one)
  --host <addr>     address to listen on (default 127.0.0.1)
  --models <dir>    prepared models (<id>.onnx + <id>.json); default: the package's models/ (the default model)
  --threads <n>     ORT WASM threads (default: the number of cores)
  --cache-mb <n>    explanation cache budget in MiB (default 256)

Environment: CACHE_SECRET (HMAC key of explanation ids; random per start if unset), API_KEYS, ADMIN_KEYS,
RATE_LIMIT, CORS_ORIGINS, MAX_BODY_BYTES, MAX_PIXELS, MAX_OUTPUT_SIDE (as in wrangler.toml).
`;

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new ApiError(400, 'bad_option', `--${name} must be a whole number (got "${value}").`);
  return n;
}

/** Start the server; resolves to the exit code once a signal has stopped it. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8788' },
      host: { type: 'string', default: '127.0.0.1' },
      models: { type: 'string', default: join(packageRoot(), 'models') },
      threads: { type: 'string' },
      'cache-mb': { type: 'string', default: '256' },
    },
  });
  const server = await startNodeServer({
    port: count('port', values.port),
    host: values.host,
    modelsDir: values.models,
    threads: count('threads', values.threads),
    cacheMiB: count('cache-mb', values['cache-mb']),
    vars: process.env,
  });
  console.log(`gradcam-edge on Node: ${server.url} (ORT WASM threads: ${server.threads}, models: ${values.models})`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => resolve(s));
  });
  console.log(`${signal}: stopping`);
  await server.close();
  return 0;
}
