/**
 * @module
 * The Hono app: one sub-app per resource under /v1, the health check, the generated OpenAPI 3.1 document,
 * and one error handler rendering application/problem+json. Built by a factory so that the Worker passes
 * the workerd model runner and tests or Node tools may pass another.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { securityHeaders } from '../middleware/security-headers/index.js';
import type { ModelRegistry } from '../models/registry.js';
import { v1Guards } from './access-policy.js';
import type { AppEnv } from './app-env.js';
import { badgeApp } from './badge/index.js';
import { classifyApp } from './classify.js';
import { demoApp } from './demo/index.js';
import { explainApp } from './explain/index.js';
import { explanationsApp } from './explanations.js';
import { healthApp, type MemoryProbe } from './health.js';
import { modelUploadsApp } from './model-uploads.js';
import { modelsApp } from './models.js';
import { onError, problemResponse } from './problem.js';

/** Services of the app. */
export interface AppOptions {
  registry: ModelRegistry;
  wasmMemoryBytes: MemoryProbe;
}

/**
 * Create the app.
 *
 * @example
 * export default createApp({ registry: new ModelRegistry({ runner: ortRunner }), wasmMemoryBytes });
 */
export function createApp(options: AppOptions) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(securityHeaders());
  app.use(async (c, next) => {
    c.set('registry', options.registry);
    await next();
  });
  app.use('/v1/*', ...v1Guards());
  const routes = app
    .route('/', healthApp(options.wasmMemoryBytes))
    .route('/', demoApp)
    .route('/v1', explainApp)
    .route('/v1', classifyApp)
    .route('/v1', explanationsApp)
    .route('/v1', badgeApp)
    .route('/v1', modelUploadsApp)
    .route('/v1', modelsApp);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'gradcam-edge', version: '0.1.0', description: 'Grad-CAM explanations of ONNX image classifiers, from the edge.' },
  });
  app.notFound(() => problemResponse(404, 'not_found', 'No such route.'));
  app.onError(onError);
  return routes;
}

/** The app's type (for typed clients). */
export type App = ReturnType<typeof createApp>;
