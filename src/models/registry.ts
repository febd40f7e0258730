/**
 * @module
 * The per-isolate model registry. Manifests are read on demand; ONNX sessions are created lazily (never at
 * startup: a Worker's global scope must finish within 1 s), once per isolate, keyed by the prepared model's
 * sha256, and queued (one run at a time). At most `maxSessions` sessions are kept, least recently used
 * first out, because every session holds its weights in the isolate's 128 MB.
 */
import { graphOptimizationOf, type Env } from '../env.js';
import { ApiError } from '../errors.js';
import type { Manifest } from '../manifest.js';
import type { ModelRunner, ModelSession } from '../runtime/runner.js';
import { ModelFeed } from '../explain/model-feed.js';
import { serialSession } from './serial-session.js';
import { BUNDLED_MODELS, readManifest, readModelBytes } from './source.js';

/** A model ready to be explained: its manifest and its queued, guarded session behind a {@link ModelFeed}. */
export interface LoadedModel {
  id: string;
  manifest: Manifest;
  feed: ModelFeed;
}

/** Options of {@link ModelRegistry}. */
export interface ModelRegistryOptions {
  runner: () => ModelRunner;
  maxSessions?: number;
}

/** Sessions by sha256, shared by every request of the isolate. */
export class ModelRegistry {
  private readonly sessions = new Map<string, Promise<ModelSession>>();
  /** Manifests of bundled models: immutable for the life of a deployment, so read once per isolate. */
  private readonly bundled = new Map<string, Promise<Manifest | null>>();
  /** Sessions created in this isolate (for health and benchmarks). */
  created = 0;
  /** Model runs in this isolate (for tests and benchmarks). */
  runs = 0;
  /** Sessions dropped after a failed run (for health and tests). */
  dropped = 0;

  constructor(private readonly options: ModelRegistryOptions) {}

  /** The isolate's model runner (model uploads prepare and verify with it). */
  runner(): ModelRunner {
    return this.options.runner();
  }

  /** The manifest of model `id`; 404 model_not_found when there is none. */
  async manifest(env: Env, id: string): Promise<Manifest> {
    const manifest = await this.readCached(env, id);
    if (!manifest) throw new ApiError(404, 'model_not_found', `No model with id '${id}'. GET /v1/models lists them.`);
    return manifest;
  }

  private readCached(env: Env, id: string): Promise<Manifest | null> {
    if (!BUNDLED_MODELS.includes(id)) return readManifest(env, id);
    let manifest = this.bundled.get(id);
    if (!manifest) {
      manifest = readManifest(env, id);
      this.bundled.set(id, manifest);
      manifest.catch(() => this.bundled.delete(id));
    }
    return manifest;
  }

  /** The model `id` with its (lazily created, cached) session; pass its manifest when already read. */
  async load(env: Env, id: string, known?: Manifest): Promise<LoadedModel> {
    const manifest = known ?? (await this.manifest(env, id));
    const pending = this.session(env, id, manifest.sha256);
    return { id, manifest, feed: new ModelFeed(this.guarded(id, manifest.sha256, pending, await pending), manifest) };
  }

  private session(env: Env, id: string, sha: string): Promise<ModelSession> {
    let session = this.sessions.get(sha);
    if (session) {
      this.sessions.delete(sha);
      this.sessions.set(sha, session);
      return session;
    }
    session = this.create(env, id, sha);
    this.sessions.set(sha, session);
    session.catch(() => this.sessions.delete(sha));
    this.evict();
    return session;
  }

  private async create(env: Env, id: string, sha: string): Promise<ModelSession> {
    const bytes = await readModelBytes(env, id);
    if ((await sha256Hex(bytes)) !== sha.toLowerCase()) {
      // the cache keys on the manifest's sha256: a model file that does not match it must not be served
      throw new ApiError(503, 'model_unavailable', `The ONNX file of model '${id}' does not match its manifest's sha256.`);
    }
    try {
      const session = await this.options.runner().createSession(bytes, { graphOptimization: graphOptimizationOf(env) });
      this.created++;
      return serialSession(session);
    } catch (err) {
      console.error(`session for model '${id}' failed`, err);
      throw new ApiError(503, 'model_unavailable', `Model '${id}' could not be loaded.`);
    }
  }

  private evict(): void {
    const max = this.options.maxSessions ?? 2;
    for (const [sha, session] of this.sessions) {
      if (this.sessions.size <= max) break;
      this.sessions.delete(sha);
      session.then((s) => s.release()).catch(() => undefined);
    }
  }

  /**
   * The session as handed to a request: runs are counted, and a run that fails (an ORT error mid-run, e.g.
   * out of memory) drops the session so that the next request builds a fresh one; the failed request gets
   * 503 model_unavailable with Retry-After.
   */
  private guarded(id: string, sha: string, pending: Promise<ModelSession>, session: ModelSession): ModelSession {
    return {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      run: async (feeds, fetches) => {
        this.runs++;
        try {
          return await session.run(feeds, fetches);
        } catch (err) {
          console.error(`run of model '${id}' failed; dropping its session`, err);
          this.drop(sha, pending);
          throw new ApiError(
            503,
            'model_unavailable',
            `Model '${id}' failed during the run and is being reloaded; retry.`,
            {},
            { 'Retry-After': '1' },
          );
        }
      },
      release: () => session.release(),
    };
  }

  /** Forget a failed session (unless it was already replaced) and release it once its queue is empty. */
  private drop(sha: string, pending: Promise<ModelSession>): void {
    if (this.sessions.get(sha) !== pending) return;
    this.sessions.delete(sha);
    this.dropped++;
    pending.then((s) => s.release()).catch(() => undefined);
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
