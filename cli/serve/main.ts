/**
 * @module
 * `npm run serve:node [-- --port 8788 --host 127.0.0.1 --models models --threads N --cache-mb 256]`: the
 * explain service self-hosted on Node. Variables as in wrangler.toml and the secrets come from the process
 * environment (CACHE_SECRET, API_KEYS, RATE_LIMIT, MAX_BODY_BYTES, ...).
 */
import { parseArgs } from 'node:util';
import { startNodeServer } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8788' },
    host: { type: 'string', default: '127.0.0.1' },
    models: { type: 'string', default: 'models' },
    threads: { type: 'string' },
    'cache-mb': { type: 'string', default: '256' },
  },
});

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, got '${value}'`);
    process.exit(2);
  }
  return n;
}

const server = await startNodeServer({
  port: count('port', values.port), host: values.host, modelsDir: values.models,
  threads: count('threads', values.threads), cacheMiB: count('cache-mb', values['cache-mb']), vars: process.env,
});
console.log(`gradcam-edge on Node: ${server.url} (ORT WASM threads: ${server.threads}, models: ${values.models})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  });
}
