/**
 * @module
 * The Worker entry point: the app with the workerd ONNX runner (src/runtime/ort.ts). Nothing heavy runs at
 * startup but the configuration report: the model session is created by the first request that needs it.
 */
import { env } from 'cloudflare:workers';
import { configReport } from './config/validate.js';
import type { Env } from './env.js';
import { ModelRegistry } from './models/registry.js';
import { createApp } from './routes/app.js';
import { ortRunner, wasmMemoryBytes } from './runtime/ort.js';

// Printed when the isolate starts (wrangler dev shows it at start): configuration errors and an open service.
for (const line of configReport(env as unknown as Partial<Env>)) console.warn(line);

const app = createApp({ registry: new ModelRegistry({ runner: ortRunner }), wasmMemoryBytes });

export default app;
export type { App } from './routes/app.js';
