/**
 * A Node harness for the whole Hono app: `createApp` with a given runner (default: one that must not be
 * called), in-memory KV namespaces, and the bundled models served from models/ as the ASSETS binding.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelRegistry } from '../../src/models/registry.js';
import { createApp } from '../../src/routes/app.js';
import type { ModelRunner } from '../../src/runtime/runner.js';
import type { Env } from '../../src/env.js';
import { FaultyKv } from './memory-kv.js';

/** A runner that fails the test if a model is ever loaded. */
export const noRunner = (): ModelRunner => ({
  createSession: async () => {
    throw new Error('this test must not load a model');
  },
});

/** ASSETS from a folder (default models/), as the Worker's static assets binding. */
export function folderAssets(dir = 'models'): Fetcher {
  return {
    fetch: async (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      try {
        return new Response(await readFile(join(dir, decodeURIComponent(path))));
      } catch {
        return new Response('not found', { status: 404 });
      }
    },
    connect: () => {
      throw new Error('no sockets');
    },
  } as unknown as Fetcher;
}

/** An app with fresh bindings. */
export interface Harness {
  app: ReturnType<typeof createApp>;
  env: Env;
  registry: ModelRegistry;
  explanations: FaultyKv;
  models: FaultyKv;
  /** Pending waitUntil promises. */
  waits: Promise<unknown>[];
  /** Send a request (a path on http://local.test, or an absolute URL); `env` overrides bindings for this request only. */
  request(path: string, init?: RequestInit, env?: Partial<Env>): Promise<Response>;
  /** Wait for every waitUntil so far. */
  settle(): Promise<void>;
}

/** Build a harness. */
export function harness(options: { runner?: () => ModelRunner; env?: Partial<Env> } = {}): Harness {
  const registry = new ModelRegistry({ runner: options.runner ?? noRunner });
  const app = createApp({ registry, wasmMemoryBytes: () => 0 });
  const explanations = new FaultyKv();
  const models = new FaultyKv();
  const env = {
    ASSETS: folderAssets(),
    EXPLANATIONS: explanations as unknown as KVNamespace,
    MODELS: models as unknown as KVNamespace,
    CACHE_SECRET: 'test-only-secret',
    ...options.env,
  } as Env;
  const waits: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p), passThroughOnException: () => undefined, props: {} };
  return {
    app,
    env,
    registry,
    explanations,
    models,
    waits,
    request: async (path, init, extra) =>
      app.request(
        path.startsWith('http') ? path : `http://local.test${path}`,
        init,
        { ...env, ...extra },
        ctx as unknown as ExecutionContext,
      ),
    settle: async () => {
      while (waits.length) await Promise.allSettled(waits.splice(0));
    },
  };
}
