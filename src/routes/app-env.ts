/**
 * @module
 * The Hono environment of every route: the Worker's bindings and the per-isolate services.
 */
import type { Env } from '../env.js';
import type { ModelRegistry } from '../models/registry.js';

/** Variables set by the app for each request. */
export interface AppVariables {
  registry: ModelRegistry;
  /** The accepted API key's non-secret name (`key:<hash prefix>`), set by the API key middleware. */
  principal?: string;
}

/** `new OpenAPIHono<AppEnv>()` in every sub-app. */
export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
