/**
 * @module
 * The Node server's model sources from a local directory (default `./models`), in the shapes the app reads:
 * - an `ASSETS` fetcher serving `/<file>` from the directory (the bundled models, as under workerd);
 * - a read-only `MODELS` KV namespace whose keys are the directory's `<id>.onnx` and `<id>.json` files, so
 *   any prepared model copied there is served as `model=<id>`.
 * Only plain file names are served (no sub-directories, no `..`).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function readIn(dir: string, name: string): Promise<Uint8Array | null> {
  if (!FILE.test(name) || name.includes('..')) return null;
  try {
    return new Uint8Array(await readFile(join(dir, name)));
  } catch {
    return null;
  }
}

/**
 * An ASSETS-like fetcher over a directory.
 *
 * @example
 * const assets = directoryAssets('models'); await assets.fetch(new Request('https://assets.invalid/default.json'));
 */
export function directoryAssets(dir: string): Fetcher {
  const fetcher = {
    async fetch(input: RequestInfo | URL): Promise<Response> {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const bytes = await readIn(dir, decodeURIComponent(url.pathname.slice(1)));
      return bytes ? new Response(bytes) : new Response('not found', { status: 404 });
    },
  };
  return fetcher as unknown as Fetcher;
}

/**
 * A read-only KV namespace over a directory's `*.onnx` and `*.json` files.
 *
 * @example
 * const models = directoryKv('models'); await models.get('default.json', 'json');
 */
export function directoryKv(dir: string): KVNamespace {
  const kv = {
    async get(key: string, options?: unknown): Promise<unknown> {
      const bytes = await readIn(dir, key);
      if (!bytes) return null;
      const type = typeof options === 'string' ? options : (options as { type?: string } | undefined)?.type;
      if (type === 'arrayBuffer') return bytes.buffer;
      const text = new TextDecoder().decode(bytes);
      return type === 'json' ? JSON.parse(text) : text;
    },
    async list(): Promise<{ keys: { name: string }[]; list_complete: true; cacheStatus: null }> {
      const names = (await readdir(dir)).filter((n) => FILE.test(n) && /\.(onnx|json)$/.test(n)).sort();
      return { keys: names.map((name) => ({ name })), list_complete: true, cacheStatus: null };
    },
  };
  return kv as unknown as KVNamespace;
}
