/**
 * @module
 * The self-hosted Node server: the same Hono app as the Worker (src/routes/app.ts) on @hono/node-server, with
 * onnxruntime-web's multithreaded WASM (one thread per core by default), models from a local directory and a
 * bounded in-memory explanation cache standing in for the KV namespaces. `waitUntil` work (cache writes) is
 * tracked and awaited on close.
 */
import { serve } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Env } from '../../src/env.js';
import { ModelRegistry } from '../../src/models/registry.js';
import { createApp } from '../../src/routes/app.js';
import { nodeRunner, wasmMemoryBytes } from '../ort-node.js';
import { MemoryKv } from './memory-kv.js';
import { directoryAssets, directoryKv } from './model-dir.js';

/** Options of {@link startNodeServer}. */
export interface NodeServerOptions {
  /** TCP port (0: any free port). Default 8788. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Directory of prepared models (`<id>.onnx` + `<id>.json`). Default `models`. */
  modelsDir?: string;
  /** ORT WASM threads. Default: the number of cores. */
  threads?: number;
  /** Explanation cache budget in MiB. Default 256. */
  cacheMiB?: number;
  /** Variables as in wrangler.toml and secrets (CACHE_SECRET, API_KEYS, RATE_LIMIT, ...). */
  vars?: Record<string, string | undefined>;
}

/** A running server. */
export interface NodeServer {
  url: string;
  threads: number;
  cache: MemoryKv;
  /** Stop accepting requests, finish pending cache writes, close. */
  close(): Promise<void>;
}

/** The variables the app reads from its environment (wrangler.toml [vars] and secrets). */
const VARS = [
  'MAX_BODY_BYTES',
  'MAX_PIXELS',
  'MAX_OUTPUT_SIDE',
  'API_KEYS',
  'ADMIN_KEYS',
  'EXPLANATIONS_ACCESS',
  'RATE_LIMIT',
  'CORS_ORIGINS',
  'DEBUG_COUNTERS',
] as const;

function cacheSecret(vars: Record<string, string | undefined>): string {
  if (vars.CACHE_SECRET) return vars.CACHE_SECRET;
  console.warn('CACHE_SECRET is not set: using a random one (explanation ids change when the server restarts)');
  return randomBytes(32).toString('base64url');
}

function environment(o: NodeServerOptions, cache: MemoryKv): Env {
  const vars = o.vars ?? {};
  const dir = o.modelsDir ?? 'models';
  const env: Record<string, unknown> = {
    ASSETS: directoryAssets(dir),
    EXPLANATIONS: cache.asBinding(),
    MODELS: directoryKv(dir),
    CACHE_SECRET: cacheSecret(vars),
  };
  for (const name of VARS) if (vars[name] !== undefined) env[name] = vars[name];
  return env as unknown as Env;
}

/** An ExecutionContext whose `waitUntil` promises are kept until they settle. */
function executionContext(pending: Set<Promise<unknown>>): ExecutionContext {
  return {
    waitUntil(promise: Promise<unknown>) {
      const tracked = promise.catch((err) => console.warn('waitUntil task failed', err)).finally(() => pending.delete(tracked));
      pending.add(tracked);
    },
    passThroughOnException() {},
    props: {},
  } as unknown as ExecutionContext;
}

/**
 * Start the server.
 *
 * @example
 * const server = await startNodeServer({ port: 0 });
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export async function startNodeServer(o: NodeServerOptions = {}): Promise<NodeServer> {
  const threads = o.threads ?? availableParallelism();
  const cache = new MemoryKv({ maxBytes: (o.cacheMiB ?? 256) * 1024 * 1024 });
  const env = environment(o, cache);
  const app = createApp({ registry: new ModelRegistry({ runner: () => nodeRunner({ numThreads: threads }) }), wasmMemoryBytes });
  const pending = new Set<Promise<unknown>>();
  const ctx = executionContext(pending);
  const host = o.host ?? '127.0.0.1';
  let server: ReturnType<typeof serve>;
  const address = await new Promise<AddressInfo>((resolve) => {
    server = serve(
      {
        hostname: host,
        port: o.port ?? 8788,
        fetch: (request, bindings) => {
          // the rate limiter keys anonymous clients by this header, which Cloudflare's edge sets in production
          request.headers.set('cf-connecting-ip', bindings.incoming.socket.remoteAddress ?? 'unknown');
          return app.fetch(request, env, ctx);
        },
      },
      resolve,
    );
  });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    threads,
    cache,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(pending);
    },
  };
}
